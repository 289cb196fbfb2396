package memnet_test

import (
	"io"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

func TestUnreadResetDestroysTheAnswerOfACloseWithBytesUnread(t *testing.T) {
	client, server := connected(t, memnet.New(memnet.WithUnreadReset()))
	_, err := client.Write([]byte("request, and more the server will not read"))
	require.NoError(t, err)
	_, err = io.ReadFull(server, make([]byte, len("request")))
	require.NoError(t, err)
	_, err = server.Write([]byte("refused"))
	require.NoError(t, err)
	require.NoError(t, server.Close(), "a reset is still a successful Close for the end that closes")

	n, err := client.Read(make([]byte, 16))
	assert.Zero(t, n, "the reset destroys the answer the client had not read yet")
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	_, err = client.Write([]byte("x"))
	assert.ErrorIs(t, err, syscall.ECONNRESET)
}

func TestUnreadResetKeepsACloseGracefulOnceEverythingWasRead(t *testing.T) {
	client, server := connected(t, memnet.New(memnet.WithUnreadReset()))
	_, err := client.Write([]byte("request"))
	require.NoError(t, err)
	_, err = io.ReadFull(server, make([]byte, len("request")))
	require.NoError(t, err)
	_, err = server.Write([]byte("answer"))
	require.NoError(t, err)
	require.NoError(t, server.Close())

	got, err := io.ReadAll(client)
	require.NoError(t, err, "nothing was left unread: the close is graceful, the client reads the answer then io.EOF")
	assert.Equal(t, "answer", string(got))
}

func TestUnreadResetSparesALingeringClose(t *testing.T) {
	client, server := connected(t, memnet.New(memnet.WithUnreadReset()))
	_, err := client.Write([]byte("request, and more"))
	require.NoError(t, err)
	_, err = io.ReadFull(server, make([]byte, len("request")))
	require.NoError(t, err)
	_, err = server.Write([]byte("refused"))
	require.NoError(t, err)
	require.NoError(t, server.CloseWrite())

	got, err := io.ReadAll(client)
	require.NoError(t, err, "after CloseWrite the client reads the answer, then io.EOF")
	assert.Equal(t, "refused", string(got))
	require.NoError(t, client.Close())
	rest, err := io.ReadAll(server)
	require.NoError(t, err, "the server drains what is left, then reads the client's end of stream")
	assert.Equal(t, ", and more", string(rest))
	require.NoError(t, server.Close(), "nothing unread: a graceful close")
}

func TestWithoutUnreadResetACloseIsAlwaysGraceful(t *testing.T) {
	client, server := connected(t, memnet.New())
	_, err := client.Write([]byte("request, and more"))
	require.NoError(t, err)
	_, err = server.Write([]byte("answer"))
	require.NoError(t, err)
	require.NoError(t, server.Close())

	got, err := io.ReadAll(client)
	require.NoError(t, err, "by default memnet closes gracefully, unread bytes or not")
	assert.Equal(t, "answer", string(got))
}
