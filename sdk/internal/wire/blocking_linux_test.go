package wire

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// unixPair returns both ends of a connection on an abstract Unix socket.
func unixPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	name := make([]byte, 8)
	_, _ = rand.Read(name)
	l, err := net.Listen("unix", "@aftersales-wire-test-"+hex.EncodeToString(name))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	client, err = net.Dial("unix", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func TestBlockingConnCarriesTheConnectionInBlockingMode(t *testing.T) {
	client, server := unixPair(t)
	c, ok := blocking(client).(*blockingConn)
	if !ok {
		t.Fatalf("blocking returned %T for a Unix connection", blocking(client))
	}
	defer c.Close()
	var flags int
	if err := c.raw.Control(func(fd uintptr) { flags, _ = fcntlFlags(fd) }); err != nil {
		t.Fatal(err)
	}
	if flags&syscall.O_NONBLOCK != 0 {
		t.Fatal("the descriptor is still in non-blocking mode")
	}
	if _, err := server.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if _, err := c.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(server, buf); err != nil || string(buf) != "pong" {
		t.Fatalf("peer read %q, %v", buf, err)
	}
	if c.RemoteAddr().String() != client.RemoteAddr().String() {
		t.Fatalf("remote address %v, want %v", c.RemoteAddr(), client.RemoteAddr())
	}
}

func TestBlockingConnDeadlineEndsABlockedRead(t *testing.T) {
	client, _ := unixPair(t)
	c := blocking(client)
	defer c.Close()
	start := time.Now()
	if err := c.SetDeadline(start.Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read ended with %v, want the deadline", err)
	}
	if took := time.Since(start); took < 40*time.Millisecond || took > 5*time.Second {
		t.Fatalf("read ended after %v", took)
	}
	// A deadline in the past ends the connection at once; a lifted one
	// does not fire.
	c2 := blocking(func() net.Conn { c, _ := unixPair(t); return c }())
	defer c2.Close()
	_ = c2.SetDeadline(time.Now().Add(20 * time.Millisecond))
	_ = c2.SetDeadline(time.Time{})
	time.Sleep(50 * time.Millisecond)
	if c2.(*blockingConn).expired.Load() {
		t.Fatal("a lifted deadline ended the connection")
	}
	_ = c2.SetDeadline(time.Unix(1, 0))
	if _, err := c2.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read after a past deadline: %v", err)
	}
}

func TestBlockingConnCloseWakesABlockedRead(t *testing.T) {
	client, _ := unixPair(t)
	c := blocking(client)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the read returned data after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close left the read blocked")
	}
}

func TestBlockingLeavesOtherConnectionsAlone(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := blocking(c); got != c {
		t.Fatalf("a TCP connection came back as %T", got)
	}
}

func fcntlFlags(fd uintptr) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
