package memnet_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

func TestResetFailsThePeersCallsWithECONNRESET(t *testing.T) {
	client, server := connected(t, memnet.New())
	_, err := server.Write([]byte("lost in the reset"))
	require.NoError(t, err)
	require.NoError(t, server.Reset())

	_, err = client.Read(make([]byte, 64))
	requireOpError(t, err, "read", syscall.ECONNRESET)
	assert.Contains(t, err.Error(), "read: connection reset by peer")
	_, err = client.Write([]byte("x"))
	requireOpError(t, err, "write", syscall.ECONNRESET)

	_, err = server.Read(make([]byte, 1))
	requireOpError(t, err, "read", net.ErrClosed)
	requireOpError(t, server.Reset(), "close", net.ErrClosed)
}

func TestResetWakesTheBlockedPeer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := pipe(t, memnet.New(memnet.WithWindow(1)))
		read := readAsync(client, 1)
		write := writeAsync(client, []byte("abc"))
		synctest.Wait()
		require.Empty(t, read)
		require.Empty(t, write)

		require.NoError(t, server.Reset())
		requireOpError(t, (<-read).err, "read", syscall.ECONNRESET)
		requireOpError(t, (<-write).err, "write", syscall.ECONNRESET)
	})
}

func TestSetMaxReadDeliversARequestAByteAtATime(t *testing.T) {
	client, server := connected(t, memnet.New())
	client.Outbound().SetMaxRead(1) // what the server reads
	_, err := client.Write([]byte("GET /\r\n"))
	require.NoError(t, err)

	buf := make([]byte, 64)
	for _, want := range "GET /\r\n" {
		n, err := server.Read(buf)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		assert.Equal(t, string(want), string(buf[:1]))
	}

	// A reader that loops, like io.ReadFull, still gets it all.
	_, err = client.Write([]byte("hello"))
	require.NoError(t, err)
	_, err = io.ReadFull(server, buf[:5])
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf[:5]))

	client.Outbound().SetMaxRead(0)
	client.Write([]byte("whole"))
	n, err := server.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "whole", string(buf[:n]))
}

func TestStallHoldsBytesAndEOFUntilResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := pipe(t, memnet.New(memnet.WithWindow(4)))
		client.Outbound().Stall()
		_, err := client.Write([]byte("ping"))
		require.NoError(t, err, "a stalled stream still buffers up to the window")
		require.NoError(t, client.CloseWrite())
		read := readAsync(server, 8)
		synctest.Wait()
		require.Empty(t, read, "nothing is delivered while the stream is stalled, not even EOF")

		client.Outbound().Resume()
		r := <-read
		require.NoError(t, r.err)
		assert.Equal(t, "ping", string(r.b))
		_, err = server.Read(make([]byte, 1))
		assert.Same(t, io.EOF, err)
	})
}

func TestStalledReaderPushesBackOnTheWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet(memnet.WithWindow(4))
		client, server := pipe(t, n)
		server.Inbound().Stall() // the same stream as client.Outbound()
		read := readAsync(server, 8)
		require.NoError(t, client.SetWriteDeadline(fake.Now().Add(time.Second)))
		write := writeAsync(client, []byte("too long"))
		synctest.Wait()
		require.Empty(t, read)
		require.Empty(t, write)

		fake.Advance(time.Second)
		r := <-write
		requireTimeout(t, r.err, "write")
		assert.Equal(t, 4, r.n)
		server.Inbound().Resume()
		assert.Equal(t, "too ", string((<-read).b))
	})
}

func TestFailWriteAfterCutsAWriteShort(t *testing.T) {
	client, server := connected(t, memnet.New())
	client.Outbound().FailWriteAfter(3, nil)

	n, err := client.Write([]byte("hello"))
	assert.Equal(t, 3, n, "a partial write reports what it wrote")
	requireOpError(t, err, "write", syscall.ECONNRESET)

	buf := make([]byte, 3)
	_, err = io.ReadFull(server, buf)
	require.NoError(t, err)
	assert.Equal(t, "hel", string(buf), "the peer receives the bytes written before the failure")

	n, err = client.Write([]byte("again"))
	require.NoError(t, err, "the fault fires once")
	assert.Equal(t, 5, n)
}

func TestFailWriteAfterCountsAcrossWritesAndTakesAnError(t *testing.T) {
	client, _ := connected(t, memnet.New())
	boom := errors.New("boom")
	client.Outbound().FailWriteAfter(6, boom)

	n, err := client.Write([]byte("four"))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	n, err = client.Write([]byte("four"))
	assert.Equal(t, 2, n)
	requireOpError(t, err, "write", boom)

	// A *net.OpError is returned as it is.
	custom := &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}
	client.Outbound().FailWriteAfter(0, custom)
	n, err = client.Write([]byte("x"))
	assert.Zero(t, n)
	assert.Same(t, custom, err)
}

func TestLatencyDelaysBytesInVirtualTime(t *testing.T) {
	n, fake := fakeNet()
	client, server := connected(t, n)
	client.Outbound().SetLatency(100 * time.Millisecond)
	_, err := client.Write([]byte("hi"))
	require.NoError(t, err, "latency does not block the writer")

	require.NoError(t, server.SetReadDeadline(fake.Now().Add(99*time.Millisecond)))
	read := readAsync(server, 8)
	require.NoError(t, fake.WaitForTimer(budgetContext(t), 99*time.Millisecond))
	fake.Advance(99 * time.Millisecond)
	r := await(t, read)
	requireTimeout(t, r.err, "read") // the bytes were not there yet

	require.NoError(t, server.SetReadDeadline(time.Time{}))
	read = readAsync(server, 8)
	fake.Advance(time.Millisecond)
	r = await(t, read)
	require.NoError(t, r.err)
	assert.Equal(t, "hi", string(r.b))
}

func TestLatencyKeepsBytesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet()
		client, server := pipe(t, n)
		client.Outbound().SetLatency(time.Second)
		client.Write([]byte("slow,"))
		client.Outbound().SetLatency(0)
		fake.Advance(500 * time.Millisecond)
		client.Write([]byte("fast"))
		client.CloseWrite()

		var got strings.Builder
		done := make(chan error, 1)
		go func() {
			_, err := io.Copy(&got, server)
			done <- err
		}()
		synctest.Wait()
		require.Empty(t, done)
		assert.Empty(t, got.String(), "later bytes do not overtake earlier, slower ones")

		fake.Advance(500 * time.Millisecond)
		require.NoError(t, <-done)
		assert.Equal(t, "slow,fast", got.String())
	})
}

func TestLatencyWithAWindowOfZero(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet(memnet.WithWindow(0))
		client, server := pipe(t, n)
		client.Outbound().SetLatency(time.Second)
		write := writeAsync(client, []byte("abc"))
		read := readAsync(server, 8)
		synctest.Wait()
		require.Empty(t, read)
		require.Empty(t, write)

		fake.Advance(time.Second)
		assert.Equal(t, "abc", string((<-read).b))
		r := <-write
		require.NoError(t, r.err)
		assert.Equal(t, 3, r.n)
	})
}
