package task

import (
	"context"
	"errors"
	"fmt"
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
// Every read goes into the same buffer, as a server's read loop does.
func Chunks[T any](ctx context.Context, r io.Reader, size int, work func(context.Context, []byte) (T, error)) ([]T, error) {
	if size <= 0 {
		return nil, fmt.Errorf("task: chunk size must be positive, got %d", size)
	}
	buf := make([]byte, size)
	var handles []*Handle[T]
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			// The task gets a copy of its own (bytes.Clone does the same):
			// the next read overwrites buf while the task may still read it.
			chunk := make([]byte, n)
			copy(chunk, buf)
			handles = append(handles, Spawn(ctx, func(ctx context.Context) (T, error) {
				return work(ctx, chunk)
			}))
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			abortAndWait(handles)
			return nil, err
		}
	}
	// Each result comes back through its task's handle: the task shares
	// nothing with the others, and Join orders its writes before our reads.
	results := make([]T, 0, len(handles))
	for i, h := range handles {
		value, err := h.Join(context.WithoutCancel(ctx))
		if err != nil {
			abortAndWait(handles[i+1:])
			return nil, err
		}
		results = append(results, value)
	}
	return results, nil
}

// abortAndWait aborts the tasks and waits until each has ended.
func abortAndWait[T any](handles []*Handle[T]) {
	for _, h := range handles {
		h.Abort()
	}
	for _, h := range handles {
		_, _ = h.Join(context.Background())
	}
}
