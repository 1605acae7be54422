//go:build !linux

package wire

import "net"

// blocking returns c as it is: the channel's blocking reads and writes are
// Linux's (see blocking_linux.go), where its transport is a Unix socket.
func blocking(c net.Conn) net.Conn { return c }
