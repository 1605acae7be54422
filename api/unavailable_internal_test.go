package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
)

// What counts as a backing service being unavailable (503 with
// Retry-After) and what stays a bug (500).
func TestUnavailableErrors(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connection refused"}}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, true},
		{fmt.Errorf("get work order: %w", &pgconn.PgError{Code: "08006"}), true},
		{&pgconn.PgError{Code: "53300", Message: "too many connections"}, true},
		{&pgconn.PgError{Code: "23505", Message: "duplicate key"}, false},
		{&pgconn.PgError{Code: "42P01", Message: "relation does not exist"}, false},
		{fmt.Errorf("acquire: %w", refused), true},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true},
		{errors.New("failed to connect to `user=x database=y`: dial error"), true},
		{errors.New("conn closed"), true},
		{errors.New("redis: connection pool timeout"), true},
		{context.Canceled, false},
		{errors.New("nil pointer"), false},
		{core.Errorf(core.EINTERNAL, "no SQL for SLA status"), false},
		{nil, false},
	} {
		if got := unavailable(c.err); got != c.want {
			t.Errorf("unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
