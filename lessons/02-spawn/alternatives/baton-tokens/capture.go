package task

import (
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
// This design gives each task a context of its own to cancel, instead of
// aborting its handle, and copies each chunk with append.
func Chunks[T any](ctx context.Context, r io.Reader, size int, work func(context.Context, []byte) (T, error)) ([]T, error) {
	if size <= 0 {
		return nil, fmt.Errorf("task: chunk size must be positive, got %d", size)
	}
	type running struct {
		h      *Handle[T]
		cancel context.CancelFunc
	}
	var tasks []running
	// dropFrom cancels tasks[i:] and waits for each to end.
	dropFrom := func(i int) {
		for _, t := range tasks[i:] {
			t.cancel()
		}
		for _, t := range tasks[i:] {
			_, _ = t.h.Join(context.Background())
		}
	}
	defer func() {
		for _, t := range tasks {
			t.cancel()
		}
	}()

	buf := make([]byte, size)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			chunk := append([]byte(nil), buf[:n]...)
			taskCtx, cancel := context.WithCancel(ctx)
			h := Spawn(taskCtx, func(ctx context.Context) (T, error) { return work(ctx, chunk) })
			tasks = append(tasks, running{h, cancel})
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			dropFrom(0)
			return nil, err
		}
	}
	results := make([]T, len(tasks))
	for i, t := range tasks {
		v, err := t.h.Join(context.WithoutCancel(ctx))
		if err != nil {
			dropFrom(i + 1)
			return nil, err
		}
		results[i] = v
	}
	return results, nil
}
