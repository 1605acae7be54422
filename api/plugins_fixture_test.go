package api_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/cmd/wire"
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/plugins/host"
)

// streamWriteTimeout is these replicas' write timeout: far shorter than
// serve's, so a test sees event streams outlive it, and long enough that a
// loaded machine (password hashing at login, onboarding) does not cut
// ordinary requests (at 2 s, CI saw EOFs at login).
const streamWriteTimeout = 8 * time.Second

// pluginKey is the platform key shared by the replicas of a test.
var pluginKey = []byte("0123456789abcdef0123456789abcdef")

// setupPlugins starts a replica with a plugin directory and runtime rt
// (nil: the real plugin host, as serve builds it) on the database of pool.
func setupPlugins(t testing.TB, pool *pgxpool.Pool, dbURL, dir string, rt core.PluginRuntime, opts ...option) *testBundle {
	return start(t, pool, dbURL, streamWriteTimeout, append([]option{withPlugins(dir, rt)}, opts...)...)
}

// withPlugins gives a replica a plugin directory and runtime rt (nil: the
// real plugin host, as serve builds it).
func withPlugins(dir string, rt core.PluginRuntime) option {
	return func(o *wire.Options) {
		o.PluginKey, o.PluginDir, o.PluginRuntime, o.SSEKeepAlive = pluginKey, dir, rt, 50*time.Millisecond
		o.PluginHost = host.Options{BackoffMin: 100 * time.Millisecond, BackoffMax: time.Second, DispatchTimeout: 2 * time.Second}
	}
}

// writePlugin writes an executable file into dir and returns its name and
// SHA-256.
func writePlugin(t testing.TB, dir, name, content string) (string, string) {
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o755))
	sum := sha256.Sum256([]byte(content))
	return name, hex.EncodeToString(sum[:])
}

// registerAndBind registers a plugin of kind and binds it to the tenant;
// it returns the binding's ID and CTI token.
func (b *testBundle) registerAndBind(dir string, tenant tenantFixture, kind string, secrets map[string]string) (string, string) {
	b.t.Helper()
	name, sum := writePlugin(b.t, dir, "fake-"+kind+"-"+uuid.NewString()[:8], "#!/bin/sh\n# "+kind+uuid.NewString())
	p := b.must(201, "POST", "/v1/platform/plugins", b.platform, map[string]any{"name": strings.ToLower(name), "kind": kind,
		"version": "1.0.0", "path": name, "sha256": sum})
	r := b.must(201, "POST", "/v1/plugin-bindings", tenant.admin, map[string]any{"plugin_id": p.str("id"), "name": kind,
		"config": map[string]any{"url": "https://vendor.example"}, "secrets": secrets})
	return r.str("id"), r.str("cti_token")
}

// fakeRuntime stands in for the plugin host where a test is about the
// platform side: the vendor's switch and the ERP are edges we do not own.
// The CTI "plugin" reads {"event","call_id","caller","extension"}.
type fakeRuntime struct {
	mu      sync.Mutex
	stopped []uuid.UUID
	rules   error // DispatchRules fails with it
	config  error // CheckConfig answers it
}

func (f *fakeRuntime) CTI(_ context.Context, b *core.PluginBinding) (core.CTIPlugin, error) {
	return fakeCTI{}, nil
}

func (f *fakeRuntime) Parts(_ context.Context, b *core.PluginBinding) (core.PartsPlugin, error) {
	return fakeParts{secret: b.Secrets["password"]}, nil
}

func (f *fakeRuntime) DispatchRules(context.Context, *core.PluginBinding) (dispatch.Rules, error) {
	return nil, f.rules
}

func (f *fakeRuntime) Status(_ context.Context, id uuid.UUID) core.PluginStatus {
	return core.PluginStatus{BindingID: id, PluginProcess: core.PluginProcess{State: core.PluginFailed,
		LastError: "checksum mismatch", Restarts: 3, Breaker: core.BreakerOpen}}
}

func (f *fakeRuntime) CheckConfig(context.Context, *core.PluginBinding) error { return f.config }

func (f *fakeRuntime) Stop(id uuid.UUID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, id)
}

type fakeCTI struct{}

func (fakeCTI) TranslateEvents(_ context.Context, p core.CTIPayload) ([]core.CallEvent, error) {
	var in struct{ Event, CallID, Caller, Extension string }
	if err := json.Unmarshal(p.Body, &in); err != nil || in.Event == "" || in.CallID == "" {
		return nil, core.Errorf(core.EINVALID, "not a call event")
	}
	return []core.CallEvent{{Type: in.Event, CallID: in.CallID, Caller: in.Caller, AgentExtension: in.Extension}}, nil
}

func (fakeCTI) Dial(_ context.Context, r core.DialRequest) (*core.DialResult, error) {
	return &core.DialResult{CallID: "dial-" + r.AgentExtension + "-" + r.Number}, nil
}

type fakeParts struct{ secret string }

func (p fakeParts) FindParts(_ context.Context, q core.PartQuery) ([]core.Part, error) {
	return []core.Part{{Code: "P-100", Name: "压缩机 " + q.Query, Models: []string{q.Model}, PriceCents: 45000, Currency: "CNY"}}, nil
}

func (p fakeParts) PartStock(_ context.Context, code string) ([]core.StockLevel, error) {
	if code != "P-100" {
		return nil, core.Errorf(core.ENOTFOUND, "no part %s", code)
	}
	return []core.StockLevel{{WarehouseCode: "SZ", OnHand: 5, Available: 3}}, nil
}

func (p fakeParts) ReservePart(_ context.Context, r core.PartReservation) (*core.Reservation, error) {
	if r.Quantity > 3 {
		return nil, core.Errorf(core.ECONFLICT, "only 3 of %s in %s", r.PartCode, r.WarehouseCode)
	}
	return &core.Reservation{ID: "R-1", PartCode: r.PartCode, WarehouseCode: r.WarehouseCode, Quantity: r.Quantity}, nil
}

func (p fakeParts) CreateRequisition(context.Context, core.PartRequisition) (*core.Requisition, error) {
	if p.secret == "" {
		return nil, errors.New("no ERP password")
	}
	return &core.Requisition{ID: "Q-1", Number: "REQ-0001", Status: "submitted"}, nil
}

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data map[string]any
}

// openEvents opens the agent event stream of token and returns its events;
// it returns once the stream is established.
func (b *testBundle) openEvents(token string) <-chan sseEvent {
	b.t.Helper()
	return b.openStream("/v1/agents/me/events", token)
}

// openStream opens the event stream at path for token and returns its
// events; it returns once the stream is established.
func (b *testBundle) openStream(path, token string) <-chan sseEvent {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", b.url+path, nil)
	require.NoError(b.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(b.t, err)
	require.Equal(b.t, 200, res.StatusCode)
	require.Equal(b.t, "text/event-stream", res.Header.Get("Content-Type"))
	rd := bufio.NewReader(res.Body)
	line, err := rd.ReadString('\n')
	require.NoError(b.t, err)
	require.Equal(b.t, ": connected\n", line)
	out := make(chan sseEvent, 16)
	go func() {
		defer res.Body.Close()
		defer close(out)
		var ev sseEvent
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[len("data: "):]), &ev.Data)
			case line == "" && ev.Name != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

var errPluginDown = errors.New("plugin down")
