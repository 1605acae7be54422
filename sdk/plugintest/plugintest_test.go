package plugintest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/internal/wire"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

func faulty(t *testing.T) string { return plugintest.Build(t, "./testdata/faulty") }

func TestRoundTrip(t *testing.T) {
	p := plugintest.CTI(t, faulty(t), plugintest.Config(map[string]string{"k": "v"}))
	ctx := context.Background()

	evs, err := p.ParseEvents(ctx, cti.VendorRequest{
		Headers: http.Header{"X-Call": {"c-42"}},
		Query:   url.Values{"from": {"138"}},
		Body:    []byte("payload"),
	})
	require.NoError(t, err)
	require.Equal(t, []cti.CallEvent{
		{Type: cti.Ringing, CallID: "c-42", Caller: "138", Called: "payload", At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)},
		{Type: cti.Ended}, // zero time stays zero
	}, evs)

	res, err := p.Dial(ctx, cti.DialRequest{})
	require.NoError(t, err)
	require.JSONEq(t, `{"k":"v"}`, res.CallID, "Configure delivered the binding's configuration")
}

func TestErrorsKeepTheirKind(t *testing.T) {
	p := plugintest.CTI(t, faulty(t))
	for _, tc := range []struct {
		body string
		want error
	}{
		{"bad", sdk.ErrBadRequest},
		{"notfound", sdk.ErrNotFound},
		{"conflict", sdk.ErrConflict},
		{"unavailable", sdk.ErrUnavailable},
		{"plain", sdk.ErrInternal},
		{"panic", sdk.ErrInternal},
	} {
		t.Run(tc.body, func(t *testing.T) {
			_, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte(tc.body)})
			require.ErrorIs(t, err, tc.want)
		})
	}
	// The panic did not take the process down.
	_, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte("ok")})
	require.NoError(t, err)
}

func TestDeadlineIsTheCallersContextError(t *testing.T) {
	p := plugintest.CTI(t, faulty(t))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.ParseEvents(ctx, cti.VendorRequest{Body: []byte("hang")})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCrashedPluginIsUnavailable(t *testing.T) {
	proc := plugintest.Launch(t, pluginhost.CTI, faulty(t))
	p := proc.Plugin.(cti.Plugin)
	_, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte("exit")})
	require.ErrorIs(t, err, sdk.ErrUnavailable)
	require.Eventually(t, proc.Client.Exited, 5*time.Second, 10*time.Millisecond)
}

func TestConfigureRejected(t *testing.T) {
	p := plugintest.Launch(t, pluginhost.CTI, faulty(t)).Plugin.(cti.Plugin)
	err := p.Configure(context.Background(), []byte(`"reject"`))
	require.ErrorIs(t, err, sdk.ErrBadRequest)
}

func TestWrongKindFailsOnConfigure(t *testing.T) {
	c := plugin.NewClient(pluginhost.ClientConfig(pluginhost.Parts, exec.Command(faulty(t))))
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	require.NoError(t, err)
	p, err := pluginhost.DispenseParts(rpc)
	require.NoError(t, err)
	err = p.Configure(context.Background(), []byte("{}"))
	require.ErrorIs(t, err, sdk.ErrInternal)
	require.Contains(t, err.Error(), "another kind")
}

func TestBinaryRunByHandRefusesToServe(t *testing.T) {
	out, err := exec.Command(faulty(t)).CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "got %v", err)
	require.Contains(t, string(out), "plugin")
}

// A logger made inside a call (after Serve took over os.Stderr) still
// reaches the host's log, at its level.
func TestLoggerInsideACallReachesTheHost(t *testing.T) {
	var buf syncBuffer
	p := plugintest.CTI(t, faulty(t), plugintest.Stderr(&buf))
	_, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte("log")})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return strings.Contains(buf.String(), "[WARN]  plugin.") &&
			strings.Contains(buf.String(), "logged inside a call")
	}, 5*time.Second, 10*time.Millisecond, buf.String())
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A future host that also speaks v2 still runs a v1 plugin: go-plugin
// negotiates the newest version both know.
func TestNewerHostNegotiatesV1(t *testing.T) {
	cfg := pluginhost.ClientConfig(pluginhost.CTI, exec.Command(faulty(t)))
	cfg.VersionedPlugins[2] = plugin.PluginSet{"cti": &wire.GRPCPlugin{NewClient: func(*grpc.ClientConn) any { return "v2 client" }}}
	c := plugin.NewClient(cfg)
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	require.NoError(t, err)
	require.Equal(t, 1, c.NegotiatedVersion())
	p, err := pluginhost.DispenseCTI(rpc)
	require.NoError(t, err)
	_, err = p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte("ok")})
	require.NoError(t, err)
}

func TestEnvOverridesTheTestsEnvironment(t *testing.T) {
	t.Setenv("PLUGINTEST_PROBE", "from the test process")
	p := plugintest.CTI(t, faulty(t), plugintest.Env("PLUGINTEST_PROBE=from Env"))
	evs, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte("env")})
	require.NoError(t, err)
	require.Equal(t, "from Env", evs[0].CallID)
}

// Serve leaves the plugin's garbage collector and thread count as the
// runtime sets them, unless the plugin asks (then the environment still
// wins).
func TestServeTunesTheRuntimeOnlyWhenAsked(t *testing.T) {
	t.Setenv("GOGC", "") // restored after the test; unset meanwhile
	require.NoError(t, os.Unsetenv("GOGC"))
	t.Setenv("GOMAXPROCS", "")
	require.NoError(t, os.Unsetenv("GOMAXPROCS"))
	procs := strconv.Itoa(runtime.GOMAXPROCS(0)) // the runtime's default here, as in the plugin
	for _, tc := range []struct {
		name             string
		env              []string
		gogc, gomaxprocs string
	}{
		{"default", nil, "100", procs},
		{"asked", []string{"FAULTY_TUNE=1"}, "400", "1"},
		{"asked, environment wins", []string{"FAULTY_TUNE=1", "GOGC=50", "GOMAXPROCS=2"}, "50", "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := plugintest.CTI(t, faulty(t), plugintest.Env(tc.env...))
			for body, want := range map[string]string{"gogc": tc.gogc, "gomaxprocs": tc.gomaxprocs} {
				evs, err := p.ParseEvents(context.Background(), cti.VendorRequest{Body: []byte(body)})
				require.NoError(t, err)
				require.Equal(t, want, evs[0].CallID, body)
			}
		})
	}
}
