package task

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// Chunks reads r in chunks of size bytes (the last one may be shorter) and
// runs work on each chunk in a task of its own, all at once. It returns the
// results in chunk order; or the error of the first chunk, in chunk order,
// whose task failed; or the read error if r fails; or an error, running
// nothing, if size is 0 or less. Either way it returns
// only once every task it spawned has ended.
//
// This design fills the buffer with plain Reads, clones each chunk for its
// task, and joins the tasks in order, aborting the rest at the first error.
func Chunks[T any](ctx context.Context, r io.Reader, size int, work func(context.Context, []byte) (T, error)) ([]T, error) {
	if size < 1 {
		return nil, fmt.Errorf("task: a chunk size of %d is not positive", size)
	}
	buf := make([]byte, size)
	var tasks []*Handle[T]
	stopAll := func() {
		for _, h := range tasks {
			h.Abort()
		}
		for _, h := range tasks {
			h.Join(context.Background())
		}
	}
	for done := false; !done; {
		n := 0
		var err error
		for n < size && err == nil {
			var got int
			got, err = r.Read(buf[n:])
			n += got
		}
		if n > 0 {
			chunk := bytes.Clone(buf[:n])
			tasks = append(tasks, Spawn(ctx, func(ctx context.Context) (T, error) { return work(ctx, chunk) }))
		}
		switch {
		case errors.Is(err, io.EOF):
			done = true
		case err != nil:
			stopAll()
			return nil, err
		}
	}
	results := make([]T, len(tasks))
	for i, h := range tasks {
		v, err := h.Join(context.WithoutCancel(ctx))
		if err != nil {
			tasks = tasks[i+1:]
			stopAll()
			return nil, err
		}
		results[i] = v
	}
	return results, nil
}
