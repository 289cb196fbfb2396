package memnet_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
)

// A server and a client in one test, over a network of their own.
func Example() {
	network := memnet.New()
	ln, err := network.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	fmt.Println("listening on", ln.Addr())

	// The server shouts back each line it receives.
	served := make(chan struct{})
	go func() {
		defer close(served)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		lines := bufio.NewScanner(conn)
		for lines.Scan() {
			fmt.Fprintln(conn, strings.ToUpper(lines.Text()))
		}
	}()

	conn, err := network.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	fmt.Println("connected from", conn.LocalAddr())
	fmt.Fprintln(conn, "hello")
	fmt.Fprintln(conn, "memnet")
	conn.(*memnet.Conn).CloseWrite() // done sending: the server's Scan ends

	reply, err := io.ReadAll(conn) // until the server closes
	fmt.Printf("%q %v\n", reply, err)
	conn.Close()
	<-served

	// Output:
	// listening on 127.0.0.1:32768
	// connected from 127.0.0.1:32769
	// "HELLO\nMEMNET\n" <nil>
}

// A read deadline fired by a fake clock: the test waits until the deadline's
// timer is armed, advances virtual time, and the blocked Read has failed by
// the time Advance returns. No real time passes.
func Example_readDeadline() {
	fake := clock.NewFake()
	network := memnet.New(memnet.WithClock(fake))
	client, server := network.Pipe()
	defer client.Close()
	defer server.Close()

	server.SetReadDeadline(fake.Now().Add(5 * time.Second))
	readErr := make(chan error)
	go func() {
		_, err := server.Read(make([]byte, 64)) // the client never writes
		readErr <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a safety budget only
	defer cancel()
	if err := fake.WaitForTimer(ctx, 5*time.Second); err != nil {
		panic(err)
	}
	fake.Advance(5 * time.Second)

	err := <-readErr
	fmt.Println(err)
	var netErr net.Error
	fmt.Println(errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout())

	// Output:
	// read tcp 127.0.0.1:32769->127.0.0.1:32768: i/o timeout
	// true true
}

// A request that arrives a byte at a time, the way a server that assumes one
// Read returns the whole request gets caught out.
func ExampleStream_SetMaxRead() {
	client, server := memnet.New().Pipe()
	defer client.Close()
	defer server.Close()

	client.(*memnet.Conn).Outbound().SetMaxRead(1)
	client.Write([]byte("PING\n"))

	buf := make([]byte, 64)
	n, _ := server.Read(buf)
	fmt.Printf("one Read: %q\n", buf[:n])
	line, _ := bufio.NewReader(server).ReadString('\n')
	fmt.Printf("a reader that loops: %q\n", line)

	// Output:
	// one Read: "P"
	// a reader that loops: "ING\n"
}

// Latency in virtual time: bytes become readable once the fake clock has
// advanced past it, however long the test really takes.
func ExampleStream_SetLatency() {
	fake := clock.NewFake()
	client, server := memnet.New(memnet.WithClock(fake)).Pipe()
	defer client.Close()
	defer server.Close()

	client.(*memnet.Conn).Outbound().SetLatency(50 * time.Millisecond)
	client.Write([]byte("hello")) // returns at once; the bytes are in flight

	got := make(chan string)
	go func() {
		buf := make([]byte, 5)
		n, _ := server.Read(buf)
		got <- string(buf[:n])
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a safety budget only
	defer cancel()
	fake.WaitForTimer(ctx, 50*time.Millisecond) // the delivery, armed by Write
	fake.Advance(50 * time.Millisecond)
	fmt.Printf("read %q at +%v\n", <-got, fake.Since(clock.Epoch))

	// Output:
	// read "hello" at +50ms
}

// A connection reset: the peer's next call fails with ECONNRESET, as when
// a client disappears mid-request.
func ExampleConn_Reset() {
	client, server := memnet.New().Pipe()
	defer server.Close()

	client.(*memnet.Conn).Reset()
	_, err := server.Read(make([]byte, 1))
	fmt.Println(err)

	// Output:
	// read tcp 127.0.0.1:32769->127.0.0.1:32768: read: connection reset by peer
}
