package wire

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A channel connection is one call at a time, a write then a read, and the
// peer usually idles between calls. On the network poller each message
// costs a read that finds nothing, a park, an epoll wake-up of the
// poller's thread and the read again; on a virtual machine whose idle CPUs
// halt, those hops are where most of a call's time goes. blocking turns
// the connection over to reads and writes that block their thread in the
// kernel instead: the peer's write wakes that thread and nothing else.
// Measured between two Go processes on a 2-vCPU VM, a round trip with a
// 4 KB request took 38–40 µs this way against 78–85 µs on the poller.
//
// It applies to Unix sockets (the channel's transport on Linux); any other
// connection, or one it cannot convert, is returned as it is.
func blocking(c net.Conn) net.Conn {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return c
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return c
	}
	fd, errno := -1, syscall.Errno(0)
	if err := raw.Control(func(s uintptr) {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, s, syscall.F_DUPFD_CLOEXEC, 0)
		fd, errno = int(r), e
	}); err != nil || errno != 0 {
		return c
	}
	// A descriptor in blocking mode is one os.NewFile leaves off the poller.
	if err := syscall.SetNonblock(fd, false); err != nil {
		_ = syscall.Close(fd)
		return c
	}
	f := os.NewFile(uintptr(fd), "channel")
	fraw, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return c
	}
	b := &blockingConn{f: f, raw: fraw, local: uc.LocalAddr(), remote: uc.RemoteAddr()}
	_ = uc.Close() // the duplicate carries the connection on
	return b
}

// blockingConn is a Unix socket read and written in blocking mode. Its
// deadlines end the connection when they pass (the socket is shut down,
// which wakes a blocked read or write): a read or write cannot resume
// after one, unlike a poller's. The channel never needs it to: a call
// that outlives its deadline closes its connection anyway.
type blockingConn struct {
	f             *os.File
	raw           syscall.RawConn
	local, remote net.Addr
	expired       atomic.Bool
	mu            sync.Mutex
	timer         *time.Timer
}

func (c *blockingConn) Read(b []byte) (int, error) {
	n, err := c.f.Read(b)
	return n, c.fault(err)
}

func (c *blockingConn) Write(b []byte) (int, error) {
	n, err := c.f.Write(b)
	return n, c.fault(err)
}

// fault reports a read or write ended by a passed deadline as
// os.ErrDeadlineExceeded, as the poller's connections do.
func (c *blockingConn) fault(err error) error {
	if err != nil && c.expired.Load() {
		return os.ErrDeadlineExceeded
	}
	return err
}

func (c *blockingConn) Close() error {
	_ = c.SetDeadline(time.Time{})
	c.shutdown()
	return c.f.Close()
}

// shutdown wakes whatever is blocked on the socket; it reads end of file
// and writes fail from then on.
func (c *blockingConn) shutdown() {
	_ = c.raw.Control(func(fd uintptr) { _ = syscall.Shutdown(int(fd), syscall.SHUT_RDWR) })
}

func (c *blockingConn) LocalAddr() net.Addr  { return c.local }
func (c *blockingConn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline ends the connection at t; the zero time lifts the bound.
func (c *blockingConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	switch d := time.Until(t); {
	case t.IsZero():
	case d <= 0:
		c.expire()
	default:
		c.timer = time.AfterFunc(d, c.expire)
	}
	return nil
}

func (c *blockingConn) SetReadDeadline(t time.Time) error  { return c.SetDeadline(t) }
func (c *blockingConn) SetWriteDeadline(t time.Time) error { return c.SetDeadline(t) }

func (c *blockingConn) expire() {
	c.expired.Store(true)
	c.shutdown()
}
