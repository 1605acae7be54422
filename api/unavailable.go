package api

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// codeUnavailable is the problem code of a 503: PostgreSQL or Redis could
// not be reached or dropped the connection (a restart, a failover, a
// pooler cycling its connections). The client should retry after
// Retry-After seconds; with an Idempotency-Key a retried write applies once.
const codeUnavailable = "unavailable"

// retryAfterUnavailable is the Retry-After of a 503, in seconds: about how
// long a PostgreSQL fast restart or a Redis restart takes.
const retryAfterUnavailable = 2

// unavailable reports whether err says a backing service is unreachable
// or went away, rather than a bug: a refused or reset connection, a
// network timeout, a connection closed mid-query, or PostgreSQL's
// connection-exception and shutdown states. It reads the PostgreSQL driver's
// errors through their SQLSTATE method, so the API needs no driver import.
func unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		s := st.SQLState()
		// 08: connection exception; 57P01-57P03: admin shutdown, crash
		// shutdown, cannot connect now (starting up or shutting down);
		// 53300: too many connections.
		return strings.HasPrefix(s, "08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ENOENT, io.ErrUnexpectedEOF, context.DeadlineExceeded} {
		if errors.Is(err, e) {
			return true
		}
	}
	// What drivers report without a typed error: pgx's closed connection
	// and its failed connect, go-redis's exhausted pool.
	msg := err.Error()
	for _, s := range []string{"conn closed", "failed to connect to", "connection pool timeout", "closed pool", "server closed the connection unexpectedly"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// anyUnavailable: whether one of errs is unavailable.
func anyUnavailable(errs []error) bool {
	for _, e := range errs {
		if unavailable(e) {
			return true
		}
	}
	return false
}
