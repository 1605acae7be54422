package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// pbx is a stand-in for the vendor's dial API: it answers with status and
// body, and records what it was sent.
type pbx struct {
	status int
	body   string
	delay  time.Duration
	got    chan map[string]string
	auth   chan string
}

func (p *pbx) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]string
	_ = json.NewDecoder(r.Body).Decode(&m)
	p.got <- m
	p.auth <- r.Header.Get("Authorization")
	select {
	case <-time.After(p.delay):
	case <-r.Context().Done():
		return
	}
	w.WriteHeader(p.status)
	_, _ = w.Write([]byte(p.body))
}

type syncRequest struct {
	auth   string
	groups []syncGroup
}

func startPBX(t *testing.T, status int, body string, delay time.Duration) (*pbx, string) {
	p := &pbx{status: status, body: body, delay: delay, got: make(chan map[string]string, 1), auth: make(chan string, 1)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func TestThroughThePluginProtocol(t *testing.T) {
	bin := plugintest.Build(t, ".")
	ctx := context.Background()

	t.Run("events", func(t *testing.T) {
		p := plugintest.CTI(t, bin)
		evs, err := p.ParseEvents(ctx, cti.VendorRequest{Body: []byte(ringing)})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, "801", evs[0].AgentExtension)

		_, err = p.ParseEvents(ctx, cti.VendorRequest{Body: []byte(`{"event":`)})
		require.ErrorIs(t, err, sdk.ErrBadRequest, "the platform answers a malformed payload with a 4xx")
	})

	t.Run("dial", func(t *testing.T) {
		vendor, url := startPBX(t, http.StatusOK, `{"call_id":"v-77"}`, 0)
		p := plugintest.CTI(t, bin, plugintest.Config(config{DialURL: url, DialToken: "s3cret", CallerID: "4008001234"}))
		res, err := p.Dial(ctx, cti.DialRequest{AgentExtension: "801", Number: "13800138000", Reference: "u-1"})
		require.NoError(t, err)
		require.Equal(t, "v-77", res.CallID)
		require.Equal(t, map[string]string{"agent_extension": "801", "number": "13800138000", "caller_id": "4008001234", "reference": "u-1"}, <-vendor.got)
		require.Equal(t, "Bearer s3cret", <-vendor.auth)
	})

	for _, tc := range []struct {
		name   string
		status int
		delay  time.Duration
		want   error
	}{
		{"vendor refuses", http.StatusUnprocessableEntity, 0, sdk.ErrBadRequest},
		{"vendor fails", http.StatusBadGateway, 0, sdk.ErrUnavailable},
		{"vendor hangs", http.StatusOK, time.Minute, sdk.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := startPBX(t, tc.status, "no such extension", tc.delay)
			timeout := 0 // the default, ample for an answer that comes at once
			if tc.delay > 0 {
				timeout = 100
			}
			p := plugintest.CTI(t, bin, plugintest.Config(config{DialURL: url, TimeoutMS: timeout}))
			_, err := p.Dial(ctx, cti.DialRequest{AgentExtension: "801", Number: "1"})
			require.ErrorIs(t, err, tc.want)
		})
	}

	t.Run("vendor unreachable", func(t *testing.T) {
		p := plugintest.CTI(t, bin, plugintest.Config(config{DialURL: "http://127.0.0.1:1/dial"}))
		_, err := p.Dial(ctx, cti.DialRequest{AgentExtension: "801", Number: "1"})
		require.ErrorIs(t, err, sdk.ErrUnavailable)
	})

	t.Run("dial not configured", func(t *testing.T) {
		p := plugintest.CTI(t, bin)
		_, err := p.Dial(ctx, cti.DialRequest{AgentExtension: "801", Number: "1"})
		require.ErrorIs(t, err, sdk.ErrBadRequest)
		require.Contains(t, err.Error(), "not configured")
	})

	t.Run("sync agents", func(t *testing.T) {
		vendor := make(chan syncRequest, 4)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Groups []syncGroup `json:"groups"`
			}
			require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
			vendor <- syncRequest{auth: r.Header.Get("Authorization"), groups: body.Groups}
		}))
		t.Cleanup(srv.Close)
		p := plugintest.CTI(t, bin, plugintest.Config(config{AgentsURL: srv.URL, AgentsToken: "agt"}))
		syncer, ok := p.(cti.AgentSyncer)
		require.True(t, ok)
		state := cti.AgentSync{Groups: []cti.AgentGroup{{ID: "g1", Name: "维修组", Skill: "repair", Queue: "q-repair",
			Members: []cti.Agent{{Extension: "801", Available: true, State: "available"}, {Extension: "802", State: "away"}}}}}
		require.NoError(t, syncer.SyncAgents(ctx, state))
		got := <-vendor
		require.Equal(t, "Bearer agt", got.auth)
		require.Equal(t, []syncGroup{{ID: "g1", Name: "维修组", Skill: "repair", Queue: "q-repair", Members: []syncAgent{
			{Extension: "801", Available: true, State: "available"}, {Extension: "802", State: "away"}}}}, got.groups)

		// An agent leaves and the other one becomes available: the next
		// state replaces the first.
		state.Groups[0].Members = []cti.Agent{{Extension: "802", Available: true, State: "available"}}
		require.NoError(t, syncer.SyncAgents(ctx, state))
		require.Equal(t, []syncAgent{{Extension: "802", Available: true, State: "available"}}, (<-vendor).groups[0].Members)
	})

	t.Run("sync agents: vendor fails", func(t *testing.T) {
		_, url := startPBX(t, http.StatusServiceUnavailable, "down", 0)
		p := plugintest.CTI(t, bin, plugintest.Config(config{AgentsURL: url}))
		err := p.(cti.AgentSyncer).SyncAgents(ctx, cti.AgentSync{})
		require.ErrorIs(t, err, sdk.ErrUnavailable)
	})

	t.Run("sync agents not configured", func(t *testing.T) {
		p := plugintest.CTI(t, bin)
		require.ErrorIs(t, p.(cti.AgentSyncer).SyncAgents(ctx, cti.AgentSync{}), cti.ErrSyncNotSupported)
		// It still serves events.
		evs, err := p.ParseEvents(ctx, cti.VendorRequest{Body: []byte(ringing)})
		require.NoError(t, err)
		require.Len(t, evs, 1)
	})

	t.Run("bad configuration", func(t *testing.T) {
		p := plugintest.Launch(t, pluginhost.CTI, bin).Plugin.(cti.Plugin)
		for _, c := range []string{`{"dial_url":"ftp://x"}`, `{"dial_ur1":"http://x"}`, `[]`, `{"timeout_ms":-1}`, `{"agents_url":"file:///x"}`} {
			require.ErrorIs(t, p.Configure(ctx, json.RawMessage(c)), sdk.ErrBadRequest, c)
		}
	})
}
