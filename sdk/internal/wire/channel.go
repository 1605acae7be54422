package wire

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"runtime"
	"slices"
	"sync"
	"time"
)

// A channel is a connection between host and plugin beside go-plugin's
// gRPC connection, for calls on the hot path (dispatch rules run inside
// every dispatch decision): length-prefixed protobuf messages over mutual
// TLS, written and read by the calling goroutine itself. gRPC hands each
// message between its caller, writer and reader goroutines, and every
// hand-off can wake a thread; here a call is one write and one read on
// each side. The two ends exchange their certificates over the gRPC
// connection (itself mutually authenticated by go-plugin) and each accepts
// only the other's: no other process can call the plugin or pose as it.

// MaxFrame bounds a channel message.
const MaxFrame = 64 << 20

// handshakeTimeout bounds a connection's TLS handshake on the plugin's side.
const handshakeTimeout = 10 * time.Second

// NewChannelCert returns an ephemeral self-signed certificate for one end
// of a channel; its leaf (Certificate[0]) is what the other end pins.
func NewChannelCert() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "aftersales plugin channel"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(10, 0, 0), // it lives as long as its process
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// pinned accepts a peer whose leaf certificate is one of allowed().
func pinned(allowed func() [][]byte) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) > 0 && slices.ContainsFunc(allowed(), func(der []byte) bool { return bytes.Equal(der, raw[0]) }) {
			return nil
		}
		return errors.New("channel: the peer's certificate is not the one exchanged over the plugin connection")
	}
}

// ChannelListener is the plugin's end of its channel: it accepts
// connections from the hosts whose certificates it was given.
type ChannelListener struct {
	l    net.Listener
	cert tls.Certificate
	mu   sync.Mutex
	host [][]byte
}

// ListenChannel listens for channel connections: on Linux on an abstract
// Unix socket (nothing on disk to clean up after a killed process),
// elsewhere on the loopback interface. TLS keeps out any process that
// reaches the address but was not given a certificate.
func ListenChannel() (*ChannelListener, error) {
	cert, err := NewChannelCert()
	if err != nil {
		return nil, err
	}
	var l net.Listener
	if runtime.GOOS == "linux" {
		name := make([]byte, 12)
		_, _ = rand.Read(name)
		l, err = net.Listen("unix", "@aftersales-plugin-"+hex.EncodeToString(name))
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("channel: listen: %w", err)
	}
	return &ChannelListener{l: l, cert: cert}, nil
}

// Addr is where the host connects.
func (c *ChannelListener) Addr() net.Addr { return c.l.Addr() }

// Certificate is the leaf the host pins.
func (c *ChannelListener) Certificate() []byte { return c.cert.Certificate[0] }

// Allow accepts connections presenting the host certificate der.
func (c *ChannelListener) Allow(der []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.ContainsFunc(c.host, func(d []byte) bool { return bytes.Equal(d, der) }) {
		c.host = append(c.host, bytes.Clone(der))
	}
}

func (c *ChannelListener) allowed() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.host
}

// Serve accepts connections until the listener is closed and runs handle
// for each, on a goroutine of its own, once its TLS handshake succeeded;
// the connection is closed when handle returns.
func (c *ChannelListener) Serve(handle func(*FrameConn)) error {
	cfg := &tls.Config{
		MinVersion:            tls.VersionTLS13,
		Certificates:          []tls.Certificate{c.cert},
		ClientAuth:            tls.RequireAnyClientCert,
		VerifyPeerCertificate: pinned(c.allowed),
	}
	for {
		conn, err := c.l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return err
		}
		if err != nil { // out of file descriptors, say: the next may work
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go func() {
			t := tls.Server(blocking(conn), cfg)
			defer t.Close()
			ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
			err := t.HandshakeContext(ctx)
			cancel()
			if err == nil {
				handle(newFrameConn(t))
			}
		}()
	}
}

// Close stops accepting connections.
func (c *ChannelListener) Close() error { return c.l.Close() }

// DialChannel connects the host to a plugin's channel, presenting own and
// accepting only the plugin certificate peer.
func DialChannel(ctx context.Context, network, address string, own tls.Certificate, peer []byte) (*FrameConn, error) {
	if network != "unix" && network != "tcp" {
		return nil, fmt.Errorf("channel: unknown network %q", network)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	conn = blocking(conn)
	t := tls.Client(conn, &tls.Config{
		MinVersion:            tls.VersionTLS13,
		Certificates:          []tls.Certificate{own},
		InsecureSkipVerify:    true, // the certificate is checked against the pinned one instead
		VerifyPeerCertificate: pinned(func() [][]byte { return [][]byte{peer} }),
	})
	if err := t.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return newFrameConn(t), nil
}

// FrameConn reads and writes a channel's length-prefixed messages. It is
// used by one goroutine at a time.
type FrameConn struct {
	conn net.Conn
	r    *bufio.Reader
	in   []byte
	out  []byte
}

func newFrameConn(c net.Conn) *FrameConn {
	return &FrameConn{conn: c, r: bufio.NewReaderSize(c, 32<<10)}
}

// WriteFrame sends the message encode appends to the slice it is given,
// as one frame, in one write.
func (f *FrameConn) WriteFrame(encode func([]byte) []byte) error {
	out := encode(append(f.out[:0], 0, 0, 0, 0))
	if len(out)-4 > MaxFrame {
		return fmt.Errorf("channel: a message of %d bytes is over the %d-byte limit", len(out)-4, MaxFrame)
	}
	binary.BigEndian.PutUint32(out, uint32(len(out)-4))
	f.out = out
	_, err := f.conn.Write(out)
	return err
}

// ReadFrame reads the next frame. Its bytes are the connection's buffer:
// they stay valid until the next read.
func (f *FrameConn) ReadFrame() ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(f.r, head[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > MaxFrame {
		return nil, fmt.Errorf("channel: a frame of %d bytes is over the %d-byte limit", n, MaxFrame)
	}
	if cap(f.in) < int(n) {
		f.in = make([]byte, n)
	}
	in := f.in[:n]
	if _, err := io.ReadFull(f.r, in); err != nil {
		return nil, err
	}
	return in, nil
}

// SetDeadline bounds the reads and writes in progress and to come; the
// zero time lifts the bound.
func (f *FrameConn) SetDeadline(t time.Time) error { return f.conn.SetDeadline(t) }

// Close closes the connection.
func (f *FrameConn) Close() error { return f.conn.Close() }
