package task

import "context"

// NewSet returns an empty set whose tasks may run at most limit at once. A
// limit of 0 or less means no limit.
func NewSet[T any](limit int) *Set[T] {
	return &Set[T]{limit: max(limit, 0), changed: make(chan struct{})}
}

// broadcastLocked wakes everyone waiting on the current changed channel.
func (s *Set[T]) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// freeLocked says whether a task may start now.
func (s *Set[T]) freeLocked() bool { return s.limit == 0 || s.running < s.limit }

// Spawn starts f as a task of the set, first waiting for a free slot when
// the set has a limit; it returns ctx.Err() if ctx ends first, and f does
// not run.
func (s *Set[T]) Spawn(ctx context.Context, f func(context.Context) (T, error)) error {
	s.mu.Lock()
	for !s.freeLocked() {
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		s.mu.Lock()
	}
	s.startLocked(ctx, f)
	s.mu.Unlock()
	return nil
}

// TrySpawn starts f if a slot is free right now, and reports whether it
// did. It never waits.
func (s *Set[T]) TrySpawn(ctx context.Context, f func(context.Context) (T, error)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.freeLocked() {
		return false
	}
	s.startLocked(ctx, f)
	return true
}

// startLocked spawns f, counted as running and pending until it ends; then
// it moves to the finished queue and frees its slot.
func (s *Set[T]) startLocked(ctx context.Context, f func(context.Context) (T, error)) {
	s.running++
	h := spawn(ctx, f, func(h *Handle[T]) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.running--
		for i, p := range s.pending {
			if p == h {
				s.pending = append(s.pending[:i], s.pending[i+1:]...)
				break
			}
		}
		s.finished = append(s.finished, h)
		s.broadcastLocked()
	})
	s.pending = append(s.pending, h)
}

// JoinNext waits for the next task of the set to end and returns what it
// returned. It returns ErrEmpty at once when no task is left, and ctx.Err()
// if ctx ends first.
func (s *Set[T]) JoinNext(ctx context.Context) (T, error) {
	s.mu.Lock()
	for {
		if len(s.finished) > 0 {
			h := s.finished[0]
			s.finished[0] = nil
			s.finished = s.finished[1:]
			s.mu.Unlock()
			return h.Join(context.Background()) // it has ended: returns at once
		}
		if len(s.pending) == 0 {
			s.mu.Unlock()
			var zero T
			return zero, ErrEmpty
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		s.mu.Lock()
	}
}

// AbortAll aborts every task of the set that is still running. It does not
// wait.
func (s *Set[T]) AbortAll() {
	s.mu.Lock()
	running := append([]*Handle[T](nil), s.pending...)
	s.mu.Unlock()
	for _, h := range running {
		h.Abort()
	}
}

// Shutdown aborts every task and waits until they have all ended, dropping
// their results; it returns ctx.Err() if ctx ends first.
func (s *Set[T]) Shutdown(ctx context.Context) error {
	s.AbortAll()
	for {
		if _, err := s.JoinNext(ctx); err == ErrEmpty {
			return nil
		} else if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
	}
}
