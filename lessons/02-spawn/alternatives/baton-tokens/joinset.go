package task

import "context"

// NewSet returns an empty set whose tasks may run at most limit at once. A
// limit of 0 or less means no limit.
func NewSet[T any](limit int) *Set[T] {
	s := &Set[T]{nudge: make(chan struct{}, 1), running: map[*Handle[T]]bool{}}
	if limit > 0 {
		s.tokens = make(chan struct{}, limit)
		for range limit {
			s.tokens <- struct{}{}
		}
	}
	return s
}

// Spawn starts f as a task of the set, first waiting for a token when the
// set has a limit; it returns ctx.Err() if ctx ends first, and f does not
// run.
func (s *Set[T]) Spawn(ctx context.Context, f func(context.Context) (T, error)) error {
	if s.tokens != nil {
		select {
		case <-s.tokens:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.launch(ctx, f)
	return nil
}

// TrySpawn starts f if a token is free right now, and reports whether it
// did. It never waits.
func (s *Set[T]) TrySpawn(ctx context.Context, f func(context.Context) (T, error)) bool {
	if s.tokens != nil {
		select {
		case <-s.tokens:
		default:
			return false
		}
	}
	s.launch(ctx, f)
	return true
}

// launch records the task as running before it can end (its last step
// takes the same lock), and moves its handle to the ended queue once it
// has ended.
func (s *Set[T]) launch(ctx context.Context, f func(context.Context) (T, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := spawnThen(ctx, func(ctx context.Context) (T, error) {
		if s.tokens != nil {
			defer func() { s.tokens <- struct{}{} }()
		}
		return f(ctx)
	}, func(h *Handle[T]) {
		s.mu.Lock()
		delete(s.running, h)
		s.endedQ = append(s.endedQ, h)
		s.mu.Unlock()
		select {
		case s.nudge <- struct{}{}:
		default: // a nudge is already waiting: one is enough
		}
	})
	s.running[h] = true
}

// JoinNext waits for the next task of the set to end and returns what it
// returned. It returns ErrEmpty at once when no task is left, and ctx.Err()
// if ctx ends first.
func (s *Set[T]) JoinNext(ctx context.Context) (T, error) {
	for {
		s.mu.Lock()
		if len(s.endedQ) > 0 {
			h := s.endedQ[0]
			s.endedQ = s.endedQ[1:]
			s.mu.Unlock()
			return h.Join(context.Background()) // it has ended: returns at once
		}
		empty := len(s.running) == 0
		s.mu.Unlock()
		if empty {
			var zero T
			return zero, ErrEmpty
		}
		select {
		case <-s.nudge:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

// AbortAll aborts every task of the set. It does not wait.
func (s *Set[T]) AbortAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h := range s.running {
		h.Abort()
	}
}

// Shutdown aborts every task and waits until they have all ended, dropping
// their results; it returns ctx.Err() if ctx ends first.
func (s *Set[T]) Shutdown(ctx context.Context) error {
	s.AbortAll()
	for {
		_, err := s.JoinNext(ctx)
		switch {
		case err == ErrEmpty:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		}
	}
}
