package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
)

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts a caller's X-Request-ID only when it is short and
// plain, so it can go into logs as is.
func validRequestID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestID gives every request an ID, echoed in X-Request-ID.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, clientKey{}, clientAddr(r))))
	})
}

type clientKey struct{}

// clientAddr is where a request comes from, for login throttling: the
// address of the connection's far end. (Behind a reverse proxy that is the
// proxy; forwarded-for headers are not trusted, since any client can send
// them.)
func clientAddr(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && host != "" {
		return host
	}
	if r.RemoteAddr != "" {
		return r.RemoteAddr
	}
	return "unknown"
}

// clientOf returns the request's client address (clientAddr).
func clientOf(ctx context.Context) string {
	if c, _ := ctx.Value(clientKey{}).(string); c != "" {
		return c
	}
	return "unknown"
}
