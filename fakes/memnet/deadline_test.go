package memnet_test

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

// requireTimeout checks err is what TCP returns when a deadline passes.
func requireTimeout(t *testing.T, err error, op string) {
	t.Helper()
	requireOpError(t, err, op, os.ErrDeadlineExceeded)
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout(), "Timeout() of %v", err)
}

// This is how a spec drives a deadline: wait until the timer is armed,
// advance the fake clock, and the blocked Read has returned by the time
// Advance does.
func TestReadDeadlineFiresWhenTheFakeClockPassesIt(t *testing.T) {
	n, fake := fakeNet()
	client, server := connected(t, n)
	require.NoError(t, server.SetReadDeadline(fake.Now().Add(5*time.Second)))
	read := readAsync(server, 16)

	require.NoError(t, fake.WaitForTimer(budgetContext(t), 5*time.Second))
	fake.Advance(5 * time.Second)
	r := await(t, read)
	assert.Zero(t, r.n)
	requireTimeout(t, r.err, "read")

	// The timeout does not break the connection: clear it and read on.
	require.NoError(t, server.SetReadDeadline(time.Time{}))
	_, err := client.Write([]byte("late"))
	require.NoError(t, err)
	r = await(t, readAsync(server, 16))
	require.NoError(t, r.err)
	assert.Equal(t, "late", string(r.b))
}

func TestReadDeadlineDoesNotFireEarlyWhateverTheWallClockDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet()
		_, server := pipe(t, n)
		require.NoError(t, server.SetReadDeadline(fake.Now().Add(5*time.Second)))
		read := readAsync(server, 1)

		time.Sleep(time.Hour) // wall-clock time in the bubble: irrelevant to the fake clock
		fake.Advance(5*time.Second - time.Nanosecond)
		synctest.Wait()
		require.Empty(t, read, "the Read returned before the fake clock reached its deadline")

		fake.Advance(time.Nanosecond)
		requireTimeout(t, (<-read).err, "read")
	})
}

func TestWriteDeadlineEndsABlockedWriteWithThePartialCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet(memnet.WithWindow(8))
		client, _ := pipe(t, n)
		require.NoError(t, client.SetWriteDeadline(fake.Now().Add(time.Second)))
		write := writeAsync(client, make([]byte, 20))
		synctest.Wait()
		require.Empty(t, write, "the window is full: the Write blocks")

		fake.Advance(time.Second)
		r := <-write
		requireTimeout(t, r.err, "write")
		assert.Equal(t, 8, r.n, "the bytes that fitted in the window were written")
	})
}

func TestADeadlineInThePastFailsAtOnceEvenWithDataWaiting(t *testing.T) {
	n, fake := fakeNet()
	client, server := pipe(t, n)
	_, err := client.Write([]byte("data"))
	require.NoError(t, err)

	for _, past := range []time.Time{fake.Now(), fake.Now().Add(-time.Hour), time.Unix(1, 0)} {
		require.NoError(t, server.SetReadDeadline(past))
		n, err := server.Read(make([]byte, 4))
		assert.Zero(t, n)
		requireTimeout(t, err, "read")

		require.NoError(t, client.SetWriteDeadline(past))
		n, err = client.Write([]byte("x"))
		assert.Zero(t, n)
		requireTimeout(t, err, "write")
	}
	assert.Empty(t, fake.Pending(), "a past deadline arms no timer")

	require.NoError(t, server.SetDeadline(time.Time{}))
	buf := make([]byte, 4)
	_, err = server.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "data", string(buf))
}

func TestMovingOrClearingADeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, fake := fakeNet()
		_, server := pipe(t, n)
		require.NoError(t, server.SetReadDeadline(fake.Now().Add(time.Second)))
		read := readAsync(server, 1)
		synctest.Wait()

		// Pushed back before it passed: the old instant no longer counts.
		require.NoError(t, server.SetReadDeadline(fake.Now().Add(3*time.Second)))
		require.Len(t, fake.Pending(), 1, "the deadline's timer is reused, not duplicated")
		assert.Equal(t, 3*time.Second, fake.Pending()[0].Duration)
		fake.Advance(2 * time.Second)
		synctest.Wait()
		require.Empty(t, read)

		// Cleared: nothing fires at all.
		require.NoError(t, server.SetReadDeadline(time.Time{}))
		assert.Empty(t, fake.Pending())
		fake.Advance(time.Hour)
		synctest.Wait()
		require.Empty(t, read)

		// Set in the past while the Read is blocked: it fails at once.
		require.NoError(t, server.SetReadDeadline(fake.Now().Add(-time.Second)))
		requireTimeout(t, (<-read).err, "read")
	})
}

func TestReadAndWriteDeadlinesAreIndependent(t *testing.T) {
	n, fake := fakeNet()
	client, server := pipe(t, n)
	require.NoError(t, client.SetReadDeadline(fake.Now()))
	_, err := client.Write([]byte("ok"))
	require.NoError(t, err, "an expired read deadline does not affect Write")

	require.NoError(t, server.SetWriteDeadline(fake.Now()))
	buf := make([]byte, 2)
	_, err = server.Read(buf)
	require.NoError(t, err, "an expired write deadline does not affect Read")
}

func TestDeadlinesOnTheRealClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, server := pipe(t, memnet.New()) // clock.Real(): inside the bubble, synctest's time
		require.NoError(t, server.SetReadDeadline(time.Now().Add(time.Minute)))
		read := readAsync(server, 1)
		time.Sleep(time.Minute - time.Nanosecond)
		synctest.Wait()
		require.Empty(t, read)
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		requireTimeout(t, (<-read).err, "read")
	})
}

// On the real clock a deadline pushed later keeps the timer armed for the
// earlier one, which re-arms itself when it fires early (see lazyTimers):
// the deadline must still pass exactly when it should, and a cleared one
// never.
func TestRealClockDeadlinesMovedLaterOrCleared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, server := pipe(t, memnet.New())
		start := time.Now()
		require.NoError(t, server.SetReadDeadline(start.Add(time.Minute)))
		for i := range 10 {
			require.NoError(t, server.SetReadDeadline(start.Add(time.Duration(i+2)*time.Minute)))
		}
		read := readAsync(server, 1)
		time.Sleep(11*time.Minute - time.Nanosecond)
		synctest.Wait()
		require.Empty(t, read, "the Read timed out at the deadline it had before it was moved")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		requireTimeout(t, (<-read).err, "read")

		require.NoError(t, server.SetReadDeadline(time.Now().Add(time.Minute)))
		require.NoError(t, server.SetReadDeadline(time.Time{}))
		read = readAsync(server, 1)
		time.Sleep(time.Hour)
		synctest.Wait()
		require.Empty(t, read, "a cleared deadline fired")
		server.Close()
		requireOpError(t, (<-read).err, "read", net.ErrClosed)
	})
}

// A deadline's timer is armed by memnet, but the fake clock names the line
// that set the deadline: that is the line a test (or a spec's cleanup
// check) needs when the timer is left pending.
func TestADeadlinesTimerNamesTheLineThatSetIt(t *testing.T) {
	n, fake := fakeNet()
	_, server := connected(t, n)
	_, file, line, _ := runtime.Caller(0)
	require.NoError(t, server.SetReadDeadline(fake.Now().Add(time.Minute)))
	pending := fake.Pending()
	require.Len(t, pending, 1)
	assert.Equal(t, fmt.Sprintf("%s:%d", file, line+1), pending[0].ArmedAt())

	require.NoError(t, server.Close())
	assert.Empty(t, fake.Pending(), "closing the connection stops its deadline's timer")
}
