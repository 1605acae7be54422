package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// sseWrite writes one piece of an event stream and flushes it; false when
// the client is gone.
type sseWrite func(format string, args ...any) bool

// runSSE serves a text/event-stream: ": connected", then first, then what
// send writes for each of events, with a keep-alive comment every
// keepAlive (0: 15 s) at which recheck checks the caller again (when it
// refuses, "event: closed" ends the stream). It returns when the client
// goes away, events is closed, the server shuts its streams or a write
// fails.
func runSSE[T any](s *Server, ctx context.Context, hctx huma.Context, keepAlive time.Duration, recheck func(context.Context) error,
	events <-chan T, first func(sseWrite) bool, send func(sseWrite, T) bool) {
	hctx.SetHeader("Content-Type", "text/event-stream")
	hctx.SetHeader("Cache-Control", "no-cache")
	hctx.SetHeader("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	hctx.SetStatus(http.StatusOK)
	w := hctx.BodyWriter()
	rw, ok := w.(http.ResponseWriter)
	if !ok {
		s.deps.Log.Error("event stream: the response writer cannot stream")
		return
	}
	rc := http.NewResponseController(rw)
	if keepAlive <= 0 {
		keepAlive = defaultSSEKeepAlive
	}
	write := func(format string, args ...any) bool {
		// Each write moves the deadline on: the server's WriteTimeout would
		// otherwise cut the stream.
		_ = rc.SetWriteDeadline(time.Now().Add(2*keepAlive + 5*time.Second))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(": connected\n\n") || (first != nil && !first(write)) {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.streams:
			return
		case <-tick.C:
			switch err := recheck(ctx); core.ErrorCode(err) {
			case core.EUNAUTHORIZED, core.EFORBIDDEN, core.ESUSPENDED:
				reason, _ := json.Marshal(map[string]string{"reason": core.ErrorMessage(err)})
				write("event: closed\ndata: %s\n\n", reason)
				return
			case "":
			default: // the check itself failed (the database): try again next time
				if ctx.Err() != nil {
					return
				}
				s.deps.Log.Warn("event stream: checking the caller again failed", "err", err)
			}
			if !write(": keep-alive\n\n") {
				return
			}
		case e, ok := <-events:
			if !ok || !send(write, e) {
				return
			}
		}
	}
}
