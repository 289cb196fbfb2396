package task

import "context"

// NewSet returns an empty set whose tasks may run at most limit at once. A
// limit of 0 or less means no limit. Every field of Set (task.go) says
// what it is for.
func NewSet[T any](limit int) *Set[T] {
	// TODO(spawn): make the finished channel, and the slots when there is a limit.
	panic("TODO(spawn): implement NewSet in solutions/task/joinset.go")
}

// Spawn starts f as a task of the set, like tokio's JoinSet::spawn. When
// the set has a limit and that many tasks are running, Spawn first waits
// for one of them to end; it returns ctx.Err() if ctx ends first, and f
// does not run. f's context is derived from ctx, as with the package's
// Spawn.
//
// Start the task with the package's Spawn, on a function that holds its
// slot until f returns; remember its handle in s.handles, under s.mu; and
// have a goroutine send the handle on s.finished once the task has ended.
func (s *Set[T]) Spawn(ctx context.Context, f func(context.Context) (T, error)) error {
	// TODO(spawn): take a slot (or give up on ctx), then start the task.
	panic("TODO(spawn): implement Set.Spawn in solutions/task/joinset.go")
}

// TrySpawn starts f as a task of the set if a slot is free right now, and
// reports whether it did. It never waits. A set without a limit always has
// a free slot.
func (s *Set[T]) TrySpawn(ctx context.Context, f func(context.Context) (T, error)) bool {
	// TODO(spawn): take a slot without waiting, then start the task.
	panic("TODO(spawn): implement Set.TrySpawn in solutions/task/joinset.go")
}

// JoinNext waits for the next task of the set to end and returns what it
// returned, as Join would, like tokio's JoinSet::join_next: tasks come out
// in the order they finish, not the order they were spawned. It returns
// ErrEmpty, at once, when no task is left to join, and ctx.Err() if ctx
// ends first.
//
// JoinNext is meant for one goroutine at a time.
func (s *Set[T]) JoinNext(ctx context.Context) (T, error) {
	// TODO(spawn): receive the next finished handle, and forget it.
	panic("TODO(spawn): implement Set.JoinNext in solutions/task/joinset.go")
}

// AbortAll aborts every task of the set, like tokio's JoinSet::abort_all.
// It does not wait: the tasks stay in the set until they are joined.
func (s *Set[T]) AbortAll() {
	// TODO(spawn): abort every handle of the set.
	panic("TODO(spawn): implement Set.AbortAll in solutions/task/joinset.go")
}

// Shutdown aborts every task of the set and waits until they have all
// ended, like tokio's JoinSet::shutdown; their results are dropped. It
// returns ctx.Err() if ctx ends first. The set is then empty, and may be
// used again.
func (s *Set[T]) Shutdown(ctx context.Context) error {
	// TODO(spawn): abort them all, then join until the set is empty.
	panic("TODO(spawn): implement Set.Shutdown in solutions/task/joinset.go")
}
