package spawn_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

// chunksOutcome is what task.Chunks returned.
type chunksOutcome struct {
	results []string
	err     error
}

// startChunks calls task.Chunks on a goroutine of the spec's.
// input says what r reads, for the messages.
func startChunks(ctx context.Context, input string, r io.Reader, size int,
	work func(context.Context, []byte) (string, error)) *harness.Call[chunksOutcome] {
	return harness.Go("task.Chunks(ctx, r, "+strconv.Itoa(size)+", work) on "+input, func() chunksOutcome {
		results, err := task.Chunks(ctx, r, size, work)
		return chunksOutcome{results, err}
	})
}

// failingReader gives its chunks, one per Read, then fails with err.
type failingReader struct {
	chunks []string
	err    error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, r.err
	}
	n := copy(p, r.chunks[0])
	r.chunks[0] = r.chunks[0][n:]
	if r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

var _ = Describe("capture", Label("capture"), func() {
	It("runs a task per chunk, all at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		chunks := startChunks(ctx, `"aaaabbbbcc"`, strings.NewReader("aaaabbbbcc"), 4, func(ctx context.Context, chunk []byte) (string, error) {
			pause(ctx, clk, time.Second)
			return strings.ToUpper(string(chunk)), nil
		})
		chunks.WaitFor(ctx, "the three chunks' tasks to wait on the clock at the same time. Spawn a task per chunk "+
			"and join them only once every chunk has been read", func(ctx context.Context) error {
			return clk.WaitForTimers(ctx, 3)
		})
		clk.Advance(time.Second)
		got := chunks.Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred(), "Every chunk's work succeeded. %s", harness.See("capture"))
		Expect(got.results).To(Equal([]string{"AAAA", "BBBB", "CC"}),
			"Chunks should return each chunk's result, in chunk order; the last chunk may be shorter. %s", harness.See("capture"))
	}, harness.Timeout)

	It("gives every task its own chunk, though every read reuses one buffer", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		// Each task looks at its chunk only after its second on the clock,
		// so after every read was made.
		chunks := startChunks(ctx, `"aaaabbbbcc"`, strings.NewReader("aaaabbbbcc"), 4, func(ctx context.Context, chunk []byte) (string, error) {
			pause(ctx, clk, time.Second)
			return string(chunk), nil
		})
		chunks.WaitFor(ctx, "the three chunks' tasks to wait on the clock at the same time", func(ctx context.Context) error {
			return clk.WaitForTimers(ctx, 3)
		})
		clk.Advance(time.Second)
		got := chunks.Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred())
		Expect(got.results).To(Equal([]string{"aaaa", "bbbb", "cc"}),
			"Each task looked at its chunk once every read was done, and did not see its own bytes. A slice of the "+
				"reused buffer shows whatever the last read put there, and a chunk variable declared outside the "+
				"loop is one variable that every task captures: give each task a copy of its own (bytes.Clone), "+
				"in a variable declared inside the loop. %s", harness.See("capture"))
	}, harness.Timeout)

	It("returns the results in chunk order, collected without a data race", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		const input = "aaaabbbbccccddddeeeeffffgggghhhh"
		// The later the chunk, the shorter its trip: the tasks finish in
		// the reverse of chunk order, h first and a last.
		chunks := startChunks(ctx, `"aaaabbbb...hhhh"`, strings.NewReader(input), 4, func(ctx context.Context, chunk []byte) (string, error) {
			pause(ctx, clk, time.Duration('i'-chunk[0])*time.Second)
			return string(chunk[:1]), nil
		})
		chunks.WaitFor(ctx, "the eight chunks' tasks to wait on the clock at the same time", func(ctx context.Context) error {
			return clk.WaitForTimers(ctx, 8)
		})
		for range 8 {
			clk.Advance(time.Second)
		}
		got := chunks.Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred())
		Expect(got.results).To(Equal([]string{"a", "b", "c", "d", "e", "f", "g", "h"}),
			"The tasks finished in the reverse of chunk order; Chunks should still return the results in chunk "+
				"order. Tasks that append to a shared slice put them in the order they finish, and race each other "+
				"(run with -race): let each result come back through its task's handle, and join the handles in "+
				"chunk order. %s", harness.See("capture"))
	}, harness.Timeout)

	It("returns the error of the first failing chunk, once every task has ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		errB, errD := errors.New("chunk b is broken"), errors.New("chunk d is broken")
		// Written by c's task as its last step, read by the spec without a
		// lock once Chunks has returned: only safe if Chunks waited for it.
		cFinished := false
		chunks := startChunks(ctx, `"aaaabbbbccccdddd"`, strings.NewReader("aaaabbbbccccdddd"), 4, func(ctx context.Context, chunk []byte) (string, error) {
			switch chunk[0] {
			case 'a':
				pause(ctx, clk, 3*time.Second)
				return "a", nil
			case 'b':
				pause(ctx, clk, 2*time.Second)
				return "", errB
			case 'c': // c's work never ends on its own: only an abort stops it
				<-ctx.Done()
				cFinished = true
				return "", ctx.Err()
			default:
				pause(ctx, clk, time.Second)
				return "", errD
			}
		})
		chunks.WaitFor(ctx, "the tasks of chunks a, b and d to wait on the clock", func(ctx context.Context) error {
			return clk.WaitForTimers(ctx, 3)
		})
		clk.Advance(3 * time.Second)
		got := returned(ctx, chunks, "task.Chunks to return once chunk b's task failed",
			"The task of chunk c runs until its context is cancelled: once b failed, its result is not needed, so "+
				"abort it and wait for it. "+harness.See("capture"))
		Expect(got.err).To(MatchError(errB),
			"Chunk d failed first in time, but chunk b comes first in chunk order: Chunks should return b's error. %s", harness.See("capture"))
		Expect(got.results).To(BeNil(), "A failed Chunks returns no results.")
		Expect(cFinished).To(BeTrue(), "Chunks returned before chunk c's task ended: it must wait for the tasks it aborts. %s", harness.See("capture"))
	}, harness.Timeout)

	It("stops at a read error: aborts the tasks already spawned, waits for them, and returns the error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		broken := errors.New("disk unplugged")
		var mu sync.Mutex
		var ended []string
		r := &failingReader{chunks: []string{"aaaa", "bbbb"}, err: broken}
		chunks := startChunks(ctx, "a reader that fails after two chunks", r, 4, func(ctx context.Context, chunk []byte) (string, error) {
			<-ctx.Done()
			mu.Lock()
			ended = append(ended, string(chunk))
			mu.Unlock()
			return "", ctx.Err()
		})
		got := returned(ctx, chunks, "task.Chunks to return after its reader failed",
			"The two tasks already spawned only end when their context is cancelled: abort them and wait for them. "+harness.See("capture"))
		Expect(got.err).To(MatchError(broken), "The reader failed: Chunks should return its error. %s", harness.See("capture"))
		mu.Lock()
		defer mu.Unlock()
		Expect(ended).To(ConsistOf("aaaa", "bbbb"),
			"Chunks returned before the tasks it had spawned ended: abort them, and wait for each. %s", harness.See("capture"))
	}, harness.Timeout)

	It("refuses a chunk size of 0 or less with an error, and runs no work", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, size := range []int{0, -4} {
			var calls atomic.Int32
			got := returned(ctx, startChunks(ctx, `"abc"`, strings.NewReader("abc"), size, func(context.Context, []byte) (string, error) {
				calls.Add(1)
				return "", nil
			}), "task.Chunks to return with a chunk size of "+strconv.Itoa(size),
				"A chunk size of 0 or less cannot make progress: a read into an empty buffer reads nothing, for ever. "+harness.See("capture"))
			Expect(got.err).To(HaveOccurred(), "Chunks with a chunk size of %d should return an error: only a positive size makes chunks. %s", size, harness.See("capture"))
			Expect(got.results).To(BeNil())
			Expect(calls.Load()).To(BeZero(), "Chunks with a chunk size of %d ran work anyway.", size)
		}
	}, harness.Timeout)

	It("derives every task's context from its own: cancelling Chunks' context cancels the work", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chunksCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		started := make(chan struct{}, 2)
		chunks := startChunks(chunksCtx, `"aaaabbbb"`, strings.NewReader("aaaabbbb"), 4, func(taskCtx context.Context, chunk []byte) (string, error) {
			started <- struct{}{}
			<-taskCtx.Done()
			return "", taskCtx.Err()
		})
		for range 2 {
			harness.Receive(ctx, started, "both chunks' tasks to start", harness.See("capture"))
		}
		cancel()
		got := returned(ctx, chunks, "task.Chunks to return once the spec cancelled its context",
			"Each task's work waits for its context: spawn the tasks with Chunks' own context, so that they end with it. "+harness.See("capture"))
		Expect(got.err).To(MatchError(context.Canceled),
			"The spec cancelled Chunks' context; the first chunk's work returned its context's error, which Chunks should return. %s",
			harness.See("capture"))
	}, harness.Timeout)

})
