package memnet_test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc/test/bufconn"

	"autoroute/fakes/memnet"
)

// window is the per-direction buffer given to the transports that take one.
const window = 64 << 10

// A transport makes a connected client and server; the benchmark closes
// them.
type transport struct {
	name string
	pair func(b *testing.B) (client, server net.Conn)
}

var transports = []transport{
	{"memnet", memnetPair},
	{"bufconn", bufconnPair},
	{"net.Pipe", func(*testing.B) (net.Conn, net.Conn) { return net.Pipe() }},
	{"tcp", tcpPair},
}

func memnetPair(b *testing.B) (net.Conn, net.Conn) {
	n := memnet.New(memnet.WithWindow(window))
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return dialAccept(b, ln, func() (net.Conn, error) { return n.Dial("tcp", ln.Addr().String()) })
}

func bufconnPair(b *testing.B) (net.Conn, net.Conn) {
	ln := bufconn.Listen(window)
	defer ln.Close()
	return dialAccept(b, ln, ln.Dial)
}

func tcpPair(b *testing.B) (net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return dialAccept(b, ln, func() (net.Conn, error) { return net.Dial("tcp", ln.Addr().String()) })
}

// dialAccept dials while accepting: bufconn's Dial waits for Accept.
func dialAccept(b *testing.B, ln net.Listener, dial func() (net.Conn, error)) (net.Conn, net.Conn) {
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			b.Error(err)
		}
		accepted <- c
	}()
	client, err := dial()
	if err != nil {
		b.Fatal(err)
	}
	return client, <-accepted
}

// forEach runs bench once per transport, as sub-benchmarks named net=<name>
// so that benchstat can put them side by side (-col /net).
func forEach(b *testing.B, bench func(b *testing.B, client, server net.Conn)) {
	for _, tr := range transports {
		b.Run("net="+tr.name, func(b *testing.B) {
			client, server := tr.pair(b)
			defer client.Close()
			defer server.Close()
			bench(b, client, server)
		})
	}
}

// BenchmarkWrite1K measures throughput: the client writes 1 KiB at a time
// while the server reads as fast as it can.
func BenchmarkWrite1K(b *testing.B) { forEach(b, writes(1<<10)) }

// BenchmarkWrite64K is BenchmarkWrite1K with 64 KiB writes.
func BenchmarkWrite64K(b *testing.B) { forEach(b, writes(64<<10)) }

func writes(size int) func(b *testing.B, client, server net.Conn) {
	return func(b *testing.B, client, server net.Conn) {
		drained := make(chan error, 1)
		go func() {
			_, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{server}, make([]byte, 64<<10))
			drained <- err
		}()
		msg := make([]byte, size)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.Write(msg); err != nil {
				b.Fatal(err)
			}
		}
		client.Close()
		if err := <-drained; err != nil && !errors.Is(err, io.ErrClosedPipe) {
			b.Fatal(err)
		}
	}
}

// BenchmarkPingPong measures latency: an 8-byte message to the server and
// back, one at a time.
func BenchmarkPingPong(b *testing.B) { forEach(b, pingPong(false)) }

// BenchmarkPingPongDeadline is BenchmarkPingPong with a fresh deadline set
// before every Read and Write, as a careful server does.
func BenchmarkPingPongDeadline(b *testing.B) { forEach(b, pingPong(true)) }

func pingPong(deadlines bool) func(b *testing.B, client, server net.Conn) {
	return func(b *testing.B, client, server net.Conn) {
		echoed := make(chan struct{})
		go func() {
			defer close(echoed)
			echo(server, deadlines)
		}()
		msg := make([]byte, 8)
		b.ReportAllocs()
		for b.Loop() {
			if deadlines {
				client.SetWriteDeadline(time.Now().Add(time.Minute))
			}
			if _, err := client.Write(msg); err != nil {
				b.Fatal(err)
			}
			if deadlines {
				client.SetReadDeadline(time.Now().Add(time.Minute))
			}
			if _, err := io.ReadFull(client, msg); err != nil {
				b.Fatal(err)
			}
		}
		client.Close()
		<-echoed
	}
}

// echo sends back every 8-byte message until the connection ends.
func echo(c net.Conn, deadlines bool) {
	msg := make([]byte, 8)
	for {
		if deadlines {
			c.SetReadDeadline(time.Now().Add(time.Minute))
		}
		if _, err := io.ReadFull(c, msg); err != nil {
			return
		}
		if deadlines {
			c.SetWriteDeadline(time.Now().Add(time.Minute))
		}
		if _, err := c.Write(msg); err != nil {
			return
		}
	}
}
