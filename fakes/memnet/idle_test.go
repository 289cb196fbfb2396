package memnet_test

import (
	"net"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

// Buffers are allocated on first use, so a server holding ten thousand idle
// connections costs little.
func TestIdleConnectionsCostLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ten thousand connections")
	}
	const pairs = 10_000
	const maxBytesPerPair = 2 << 10 // about 1 KiB today: two Conns, two Streams, addresses

	n := memnet.New(memnet.WithBacklog(pairs))
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	conns := make([]net.Conn, 0, 2*pairs)

	before := heapInUse()
	for range pairs {
		c, err := n.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		s, err := ln.Accept()
		require.NoError(t, err)
		conns = append(conns, c, s)
	}
	after := heapInUse()

	perPair := (int64(after) - int64(before)) / pairs
	t.Logf("%d bytes of heap per idle connection pair", perPair)
	assert.Less(t, perPair, int64(maxBytesPerPair))

	for _, c := range conns {
		c.Close()
	}
	runtime.KeepAlive(conns)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
