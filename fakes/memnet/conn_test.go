package memnet_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

func TestEndOfStreamIsABareEOFAfterTheBufferedBytes(t *testing.T) {
	client, server := connected(t, memnet.New())
	_, err := client.Write([]byte("hello"))
	require.NoError(t, err)
	require.NoError(t, client.Close())

	buf := make([]byte, 5)
	_, err = io.ReadFull(server, buf)
	require.NoError(t, err, "the bytes written before Close are delivered")
	assert.Equal(t, "hello", string(buf))

	n, err := server.Read(buf)
	assert.Zero(t, n)
	assert.Same(t, io.EOF, err, "io.EOF, not wrapped, so io.ReadFull and io.ReadAll work")

	// io.ReadFull sees io.ErrUnexpectedEOF on a truncated message.
	client2, server2 := connected(t, memnet.New())
	client2.Write([]byte("hi"))
	client2.Close()
	_, err = io.ReadFull(server2, make([]byte, 5))
	assert.Same(t, io.ErrUnexpectedEOF, err)
}

func TestErrorsAfterCloseAreErrClosed(t *testing.T) {
	client, _ := connected(t, memnet.New())
	require.NoError(t, client.Close())

	_, err := client.Read(make([]byte, 1))
	opErr := requireOpError(t, err, "read", net.ErrClosed)
	assert.Equal(t, client.LocalAddr(), opErr.Source)
	assert.Equal(t, client.RemoteAddr(), opErr.Addr)
	assert.Equal(t, fmt.Sprintf("read tcp %s->%s: use of closed network connection", client.LocalAddr(), client.RemoteAddr()), err.Error())

	_, err = client.Write([]byte("x"))
	requireOpError(t, err, "write", net.ErrClosed)
	requireOpError(t, client.Close(), "close", net.ErrClosed)
	requireOpError(t, client.CloseWrite(), "close", net.ErrClosed)
	requireOpError(t, client.CloseRead(), "close", net.ErrClosed)
	requireOpError(t, client.SetDeadline(time.Time{}), "set", net.ErrClosed)
	requireOpError(t, client.SetReadDeadline(time.Time{}), "set", net.ErrClosed)
	requireOpError(t, client.SetWriteDeadline(time.Time{}), "set", net.ErrClosed)
}

func TestWriteToAClosedPeerIsEPIPE(t *testing.T) {
	client, server := connected(t, memnet.New())
	require.NoError(t, server.Close())
	_, err := client.Write([]byte("x"))
	requireOpError(t, err, "write", syscall.EPIPE)
	assert.Contains(t, err.Error(), "write: broken pipe")

	// The reading side still ends cleanly.
	_, err = client.Read(make([]byte, 1))
	assert.Same(t, io.EOF, err)
}

func TestCloseWakesBlockedCalls(t *testing.T) {
	for _, window := range windows {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, server := pipe(t, memnet.New(memnet.WithWindow(window)))
				read := readAsync(client, 1)
				write := writeAsync(client, make([]byte, window+1))
				synctest.Wait()
				require.Empty(t, read, "nothing to read: Read blocks")
				require.Empty(t, write, "nobody reads: Write blocks")

				require.NoError(t, client.Close())
				requireOpError(t, (<-read).err, "read", net.ErrClosed)
				r := <-write
				requireOpError(t, r.err, "write", net.ErrClosed)
				assert.Equal(t, window, r.n, "a Write cut short reports what it wrote")
				_ = server
			})
		})
	}
}

func TestPeerCloseWakesBlockedCalls(t *testing.T) {
	for _, window := range windows {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, server := pipe(t, memnet.New(memnet.WithWindow(window)))
				read := readAsync(server, 1)
				write := writeAsync(server, make([]byte, window+1))
				synctest.Wait()
				require.Empty(t, read)
				require.Empty(t, write)

				require.NoError(t, client.Close())
				r := <-read
				assert.Same(t, io.EOF, r.err)
				r = <-write
				requireOpError(t, r.err, "write", syscall.EPIPE)
				assert.Equal(t, window, r.n)
			})
		})
	}
}

func TestCloseWriteHalfClosesTheConnection(t *testing.T) {
	client, server := connected(t, memnet.New())

	// The client sends its request and says it is done...
	_, err := client.Write([]byte("request"))
	require.NoError(t, err)
	require.NoError(t, client.CloseWrite())
	_, err = client.Write([]byte("more"))
	requireOpError(t, err, "write", syscall.EPIPE)

	// ...the server reads to EOF, then answers on the still-open direction.
	req, err := io.ReadAll(server)
	require.NoError(t, err)
	assert.Equal(t, "request", string(req))
	_, err = server.Write([]byte("response"))
	require.NoError(t, err)
	require.NoError(t, server.Close())

	resp, err := io.ReadAll(client)
	require.NoError(t, err)
	assert.Equal(t, "response", string(resp))
	require.NoError(t, client.CloseWrite(), "a second CloseWrite is harmless, as on TCP")
}

func TestCloseReadEndsReadsAndBreaksThePeersWrites(t *testing.T) {
	client, server := connected(t, memnet.New())
	_, err := client.Write([]byte("unread"))
	require.NoError(t, err)
	require.NoError(t, server.CloseRead())

	_, err = server.Read(make([]byte, 8))
	assert.Same(t, io.EOF, err)
	_, err = client.Write([]byte("x"))
	requireOpError(t, err, "write", syscall.EPIPE)

	// The other direction still works.
	_, err = server.Write([]byte("ok"))
	require.NoError(t, err)
	buf := make([]byte, 2)
	_, err = io.ReadFull(client, buf)
	require.NoError(t, err)
	assert.Equal(t, "ok", string(buf))
}

func TestZeroLengthCalls(t *testing.T) {
	client, server := pipe(t, memnet.New(memnet.WithWindow(0)))
	n, err := client.Write(nil)
	assert.Zero(t, n)
	assert.NoError(t, err, "an empty Write returns at once, even with a window of 0")
	n, err = server.Read(nil)
	assert.Zero(t, n)
	assert.NoError(t, err, "an empty Read returns at once")
}

func TestWindowBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := pipe(t, memnet.New(memnet.WithWindow(4)))
		_, err := client.Write([]byte("abcd"))
		require.NoError(t, err, "a write that fits in the window returns at once")

		blocked := writeAsync(client, []byte("efgh"))
		synctest.Wait()
		require.Empty(t, blocked, "the window is full: the writer must wait for the reader")
		assert.Equal(t, 8, client.Outbound().Buffered())

		buf := make([]byte, 2)
		_, err = io.ReadFull(server, buf)
		require.NoError(t, err)
		assert.Equal(t, "ab", string(buf))
		// Two bytes of room: "ef" is buffered, "gh" still waits.
		synctest.Wait()
		require.Empty(t, blocked, "the writer returns only once all its bytes are buffered")

		_, err = io.ReadFull(server, buf)
		require.NoError(t, err)
		assert.Equal(t, "cd", string(buf))
		r := <-blocked
		require.NoError(t, r.err)
		assert.Equal(t, 4, r.n)

		rest := make([]byte, 4)
		_, err = io.ReadFull(server, rest)
		require.NoError(t, err)
		assert.Equal(t, "efgh", string(rest))
	})
}

func TestWindowZeroBehavesLikeNetPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := pipe(t, memnet.New(memnet.WithWindow(0)))
		done := writeAsync(client, []byte("hello"))
		synctest.Wait()
		require.Empty(t, done, "with a window of 0 a Write waits for a Read")
		assert.Equal(t, 5, client.Outbound().Buffered())

		buf := make([]byte, 3)
		n, err := server.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "hel", string(buf[:n]))
		synctest.Wait()
		require.Empty(t, done, "the Write returns only when all its bytes are read")

		n, err = server.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "lo", string(buf[:n]))
		r := <-done
		require.NoError(t, r.err)
		assert.Equal(t, 5, r.n)
	})
}

func TestAServerThatWritesBeforeReadingDoesNotDeadlock(t *testing.T) {
	// The reason net.Pipe is not enough: both ends greet first.
	client, server := connected(t, memnet.New())
	for _, c := range []net.Conn{client, server} {
		_, err := c.Write([]byte("hello"))
		require.NoError(t, err)
	}
	for _, c := range []net.Conn{client, server} {
		buf := make([]byte, 5)
		_, err := io.ReadFull(c, buf)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(buf))
	}
}

func TestConcurrentWritesNeverInterleave(t *testing.T) {
	const writers, size = 8, 10_000 // each Write is larger than most windows
	for _, window := range []int{0, 1, 1 << 10, memnet.DefaultWindow} {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			client, server := connected(t, memnet.New(memnet.WithWindow(window)))
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					n, err := client.Write(bytes.Repeat([]byte{byte('a' + w)}, size))
					assert.NoError(t, err)
					assert.Equal(t, size, n)
				})
			}
			go func() { wg.Wait(); client.CloseWrite() }()

			got, err := io.ReadAll(server)
			require.NoError(t, err)
			require.Len(t, got, writers*size)
			seen := map[byte]bool{}
			for i := 0; i < len(got); i += size {
				run := got[i : i+size]
				require.Equal(t, bytes.Repeat(run[:1], size), run, "the Write at offset %d was interleaved with another", i)
				require.False(t, seen[run[0]], "writer %c appears twice", run[0])
				seen[run[0]] = true
			}
		})
	}
}

func TestPipeEndsHaveTCPAddresses(t *testing.T) {
	a, b := memnet.New().Pipe()
	defer a.Close()
	defer b.Close()
	require.IsType(t, &net.TCPAddr{}, a.LocalAddr())
	assert.Equal(t, a.LocalAddr(), b.RemoteAddr())
	assert.Equal(t, a.RemoteAddr(), b.LocalAddr())
	assert.NotEqual(t, a.LocalAddr().String(), b.LocalAddr().String())
}

func TestAWriteToABlockedReaderGoesStraightIntoItsBuffer(t *testing.T) {
	for _, window := range windows {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, server := pipe(t, memnet.New(memnet.WithWindow(window)))
				read := readAsync(server, 3)
				synctest.Wait()
				n, err := client.Write([]byte("abc"))
				require.NoError(t, err, "a blocked reader takes a Write that fits its buffer, even with a window of 0")
				assert.Equal(t, 3, n)
				assert.Equal(t, "abc", string((<-read).b))

				// A Write larger than the reader's buffer: the rest is
				// buffered, or waits for the next Read with a window of 0.
				read = readAsync(server, 2)
				synctest.Wait()
				write := writeAsync(client, []byte("defg"))
				assert.Equal(t, "de", string((<-read).b))
				if window >= 2 {
					synctest.Wait()
					require.Len(t, write, 1, "the rest fits in the window: the Write is done")
				}
				rest := make([]byte, 2)
				_, err = io.ReadFull(server, rest)
				require.NoError(t, err)
				assert.Equal(t, "fg", string(rest))
				r := <-write
				require.NoError(t, r.err)
				assert.Equal(t, 4, r.n)

				// SetMaxRead also limits what is handed over.
				client.Outbound().SetMaxRead(1)
				read = readAsync(server, 8)
				synctest.Wait()
				write = writeAsync(client, []byte("hi"))
				assert.Equal(t, "h", string((<-read).b))
				rest = make([]byte, 1)
				_, err = io.ReadFull(server, rest)
				require.NoError(t, err)
				assert.Equal(t, "i", string(rest))
				require.NoError(t, (<-write).err)
			})
		})
	}
}

// Every method, concurrently, for the race detector; the results do not
// matter, only that nothing races, panics or hangs.
func TestEveryMethodConcurrently(t *testing.T) {
	for _, window := range []int{0, 16, memnet.DefaultWindow} {
		n := memnet.New(memnet.WithWindow(window))
		ln, err := n.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 20 {
			client, err := n.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			accepted, err := ln.Accept()
			require.NoError(t, err)
			server := accepted.(*memnet.Conn)
			c := client.(*memnet.Conn)
			calls := []func(){
				func() { c.Write(make([]byte, 100)) },
				func() { server.Read(make([]byte, 10)) },
				func() { server.Write(make([]byte, 100)) },
				func() { c.Read(make([]byte, 10)) },
				func() { c.SetDeadline(time.Now().Add(time.Millisecond)) },
				func() { server.SetReadDeadline(time.Now().Add(time.Millisecond)) },
				func() { server.SetWriteDeadline(time.Now()) },
				func() { c.Outbound().SetMaxRead(3) },
				func() { c.Outbound().Stall(); c.Outbound().Resume() },
				func() { c.Outbound().SetLatency(time.Microsecond) },
				func() { c.Inbound().FailWriteAfter(50, nil) },
				func() { c.Outbound().Buffered() },
				func() { c.LocalAddr(); c.RemoteAddr() },
				func() { c.CloseWrite() },
				func() { server.CloseRead() },
				func() { c.Close() },
				func() { server.Reset() },
			}
			for _, call := range calls {
				wg.Go(call)
				wg.Go(call)
			}
		}
		wg.Go(func() { ln.Close() })
		wg.Go(func() { n.Dial("tcp", ln.Addr().String()) })
		wg.Wait()
	}
}

// The package starts no goroutines: everything runs on the caller's.
func TestStartsNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	s, err := ln.Accept()
	require.NoError(t, err)
	require.NoError(t, c.SetDeadline(time.Now().Add(time.Hour)))
	c.(*memnet.Conn).Outbound().SetLatency(time.Hour)
	_, err = c.Write([]byte("ping"))
	require.NoError(t, err)
	_, err = s.Write([]byte("pong"))
	require.NoError(t, err)
	assert.Equal(t, before, runtime.NumGoroutine())
	c.Close()
	s.Close()
	ln.Close()
	assert.Equal(t, before, runtime.NumGoroutine())
}
