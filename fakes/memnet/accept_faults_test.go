package memnet_test

import (
	"errors"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

func TestFailAcceptFailsTheNextAcceptsLikeEMFILEThenAcceptsTheBacklog(t *testing.T) {
	n := memnet.New()
	l, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := l.(*memnet.Listener)
	defer ln.Close()
	ln.FailAccept(2, os.NewSyscallError("accept", syscall.EMFILE))

	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err, "dials still queue while Accept fails")
	defer c.Close()
	for i := range 2 {
		s, err := ln.Accept()
		require.Error(t, err, "Accept %d should fail", i+1)
		assert.Nil(t, s)
		var op *net.OpError
		require.ErrorAs(t, err, &op)
		assert.Equal(t, "accept", op.Op)
		assert.Equal(t, ln.Addr().String(), op.Addr.String())
		assert.ErrorIs(t, err, syscall.EMFILE)
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Temporary(), "EMFILE is temporary, as on a real socket") //nolint:staticcheck // what retry loops test
		assert.False(t, ne.Timeout())
	}
	s, err := ln.Accept()
	require.NoError(t, err, "the third Accept takes the queued connection")
	defer s.Close()
	assert.Equal(t, c.LocalAddr().String(), s.RemoteAddr().String())
}

func TestFailAcceptReplacedClearedAndTrumpedByClose(t *testing.T) {
	n := memnet.New()
	l, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := l.(*memnet.Listener)
	boom := errors.New("boom")
	ln.FailAccept(5, boom)
	ln.FailAccept(1, boom) // replaces the five
	_, err = ln.Accept()
	assert.ErrorIs(t, err, boom)
	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	s, err := ln.Accept()
	require.NoError(t, err, "only one failure was left")
	s.Close()

	ln.FailAccept(3, boom)
	ln.FailAccept(0, boom) // clears them
	c2, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c2.Close()
	s, err = ln.Accept()
	require.NoError(t, err)
	s.Close()

	ln.FailAccept(3, boom)
	require.NoError(t, ln.Close())
	_, err = ln.Accept()
	assert.ErrorIs(t, err, net.ErrClosed, "a closed listener says so before any injected fault")
	assert.NotErrorIs(t, err, boom)
}
