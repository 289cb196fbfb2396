package task

import (
	"context"
	"io"
)

// Chunks reads r in chunks of size bytes (the last one may be shorter) and
// runs work on each chunk in a task of its own, all at once. It returns
// the results in chunk order; or the error of the first chunk, in chunk
// order, whose task failed; or the read error if r fails; or an error,
// running nothing, if size is 0 or less. Either way Chunks returns only
// once every task it spawned has ended: it aborts those whose result is no
// longer needed, and waits for them.
//
// Read every chunk into the same buffer, as a server's read loop does
// (io.ReadFull fills it). A closure captures variables, not values, and
// three traps follow from it:
//
//   - the buffer is reused: a task that keeps a slice of it (buf[:n]) sees
//     the next read's bytes, not its own chunk;
//   - a variable declared outside the loop is one variable for every task:
//     each task sees whatever was last assigned to it;
//   - a variable the tasks write (a results slice they append to, a counter
//     they add to) is a data race: let each result come back through its
//     task's handle instead.
func Chunks[T any](ctx context.Context, r io.Reader, size int, work func(context.Context, []byte) (T, error)) ([]T, error) {
	// TODO(spawn): read, spawn a task per chunk with its own copy, join them in order.
	panic("TODO(spawn): implement Chunks in solutions/task/capture.go")
}
