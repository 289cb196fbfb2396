package task

import (
	"context"
	"slices"
)

// NewSet returns an empty set whose tasks may run at most limit at once. A
// limit of 0 or less means no limit.
func NewSet[T any](limit int) *Set[T] {
	s := &Set[T]{finished: make(chan *Handle[T])}
	if limit > 0 {
		s.slots = make(chan struct{}, limit)
	}
	return s
}

// Spawn starts f as a task of the set, like tokio's JoinSet::spawn. When
// the set has a limit and that many tasks are running, Spawn first waits
// for one of them to end; it returns ctx.Err() if ctx ends first, and f
// does not run. f's context is derived from ctx, as with the package's
// Spawn.
func (s *Set[T]) Spawn(ctx context.Context, f func(context.Context) (T, error)) error {
	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.start(ctx, f)
	return nil
}

// TrySpawn starts f as a task of the set if a slot is free right now, and
// reports whether it did. It never waits. A set without a limit always has
// a free slot.
func (s *Set[T]) TrySpawn(ctx context.Context, f func(context.Context) (T, error)) bool {
	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
		default:
			return false
		}
	}
	s.start(ctx, f)
	return true
}

// start spawns f, which holds a slot if the set has a limit, and sends its
// handle on s.finished once it has ended. The handle joins s.handles under
// the lock it is spawned under: no JoinNext can find the set empty while
// the task already runs.
func (s *Set[T]) start(ctx context.Context, f func(context.Context) (T, error)) {
	s.mu.Lock()
	h := Spawn(ctx, func(ctx context.Context) (T, error) {
		if s.slots != nil {
			// The slot is the task's until f returns, panics included.
			defer func() { <-s.slots }()
		}
		return f(ctx)
	})
	s.handles = append(s.handles, h)
	s.mu.Unlock()
	go func() {
		<-h.done
		s.finished <- h // waits for JoinNext (or Shutdown) to take it
	}()
}

// JoinNext waits for the next task of the set to end and returns what it
// returned, as Join would, like tokio's JoinSet::join_next: tasks come out
// in the order they finish, not the order they were spawned. It returns
// ErrEmpty, at once, when no task is left to join, and ctx.Err() if ctx
// ends first.
//
// JoinNext is meant for one goroutine at a time.
func (s *Set[T]) JoinNext(ctx context.Context) (T, error) {
	var zero T
	s.mu.Lock()
	empty := len(s.handles) == 0
	s.mu.Unlock()
	if empty {
		return zero, ErrEmpty
	}
	select {
	case h := <-s.finished:
		s.mu.Lock()
		s.handles = slices.DeleteFunc(s.handles, func(x *Handle[T]) bool { return x == h })
		s.mu.Unlock()
		return h.value, h.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// AbortAll aborts every task of the set, like tokio's JoinSet::abort_all.
// It does not wait: the tasks stay in the set until they are joined.
func (s *Set[T]) AbortAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.handles {
		h.Abort()
	}
}

// Shutdown aborts every task of the set and waits until they have all
// ended, like tokio's JoinSet::shutdown; their results are dropped. It
// returns ctx.Err() if ctx ends first. The set is then empty, and may be
// used again.
func (s *Set[T]) Shutdown(ctx context.Context) error {
	s.AbortAll()
	for {
		_, err := s.JoinNext(ctx)
		if err == ErrEmpty {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
