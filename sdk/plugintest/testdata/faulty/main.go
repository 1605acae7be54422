// Command faulty is a CTI plugin that misbehaves on demand, to test how
// errors, panics, hangs and crashes cross the wire. The body of a
// ParseEvents request names the behaviour. With FAULTY_TUNE=1 in its
// environment it asks Serve to tune the runtime (GOGC 400, GOMAXPROCS 1).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

type plugin struct {
	mu     sync.Mutex
	config json.RawMessage
}

func (p *plugin) Configure(_ context.Context, c json.RawMessage) error {
	if string(c) == `"reject"` {
		return sdk.BadRequest("configuration rejected")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.config = c
	return nil
}

func (p *plugin) ParseEvents(ctx context.Context, req cti.VendorRequest) ([]cti.CallEvent, error) {
	switch string(req.Body) {
	case "bad":
		return nil, sdk.BadRequest("malformed payload")
	case "notfound":
		return nil, sdk.NotFound("no such call")
	case "conflict":
		return nil, sdk.Conflict("not enough stock")
	case "unavailable":
		return nil, sdk.Unavailable("vendor down")
	case "plain":
		return nil, errors.New("something broke")
	case "panic":
		panic("boom")
	case "hang":
		<-ctx.Done()
		time.Sleep(time.Second) // answers late even after the deadline
		return nil, ctx.Err()
	case "exit":
		os.Exit(3)
	case "env":
		return []cti.CallEvent{{Type: cti.Ended, CallID: os.Getenv("PLUGINTEST_PROBE")}}, nil
	case "gogc":
		pct := debug.SetGCPercent(100)
		debug.SetGCPercent(pct)
		return []cti.CallEvent{{Type: cti.Ended, CallID: strconv.Itoa(pct)}}, nil
	case "gomaxprocs":
		return []cti.CallEvent{{Type: cti.Ended, CallID: strconv.Itoa(runtime.GOMAXPROCS(0))}}, nil
	case "log":
		sdk.Logger().Warn("logged inside a call", "tenant_data", "none")
		return nil, nil
	}
	// Echo: the request comes back as one event, to check the round trip.
	return []cti.CallEvent{{
		Type: cti.Ringing, CallID: req.Headers.Get("X-Call"), Caller: req.Query.Get("from"),
		Called: string(req.Body), At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
	}, {Type: cti.Ended}}, nil
}

func (p *plugin) Dial(context.Context, cti.DialRequest) (cti.DialResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return cti.DialResult{CallID: string(p.config)}, nil
}

func main() {
	var opts []sdk.ServeOption
	if os.Getenv("FAULTY_TUNE") == "1" {
		opts = append(opts, sdk.WithGCPercent(400), sdk.WithMaxProcs(1))
	}
	cti.Serve(&plugin{}, opts...)
}
