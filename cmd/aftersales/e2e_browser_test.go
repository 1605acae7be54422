//go:build linux

package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
	"github.com/aftersales/aftersales/web"
)

// The browser tests drive Debian's Chromium (package chromium) through the
// DevTools protocol against the real binary with its embedded portal. They
// need the portal built into the binary (`make web`) and Chromium
// installed; `make test` and CI have both. Outside CI a machine without
// them skips these tests saying why; in CI their absence fails.

const chromiumPath = "/usr/bin/chromium"

func requireBrowser(t *testing.T) {
	t.Helper()
	var missing []string
	if !web.Built() {
		missing = append(missing, "the portal build (run `make web` before `go test`)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, "Chromium at "+chromiumPath+" (apt-get install chromium fonts-noto-cjk)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("browser tests need %s", strings.Join(missing, " and "))
	}
	t.Skipf("browser tests need %s", strings.Join(missing, " and "))
}

// checkDocs checks /docs: the viewer and the spec it loads are served by
// the binary (no CDN), or, in a binary built without the portal, a page
// says how to build it.
func checkDocs(t *testing.T, c *client) {
	t.Helper()
	if !web.Built() {
		r := c.expect(http.StatusOK, "GET", "/docs", "", nil)
		require.Contains(t, string(r.Body), "make web")
		return
	}
	r := c.expect(http.StatusOK, "GET", "/docs", "", nil)
	require.Contains(t, r.Header.Get("Content-Type"), "text/html")
	page := string(r.Body)
	require.NotContains(t, page, "//", "the docs page loads nothing from another host")
	for _, asset := range []string{"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/start.js"} {
		require.Contains(t, page, asset)
		c.expect(http.StatusOK, "GET", asset, "", nil)
	}
	require.Contains(t, string(c.expect(http.StatusOK, "GET", "/docs/start.js", "", nil).Body), "/openapi.json")
}

// servePortal starts the binary for a browser test (skipping or failing
// as requireBrowser says) and returns its address, an API client and the
// platform admin's token. It runs on a fresh database of the test server
// (a copy of a migrated template, far cheaper than a cluster of its own
// per test) with its own embedded Redis, so no other test's worker takes
// its tasks; the embedded default itself is tested by the tests that
// start it (TestFirstStart, TestRestart, …).
func servePortal(t *testing.T) (string, *client, string) {
	t.Helper()
	requireBrowser(t)
	dataDir := testkit.NewDataDir(t)
	_, addr := serveOn(t, "serve", dataDir, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t)})
	return addr, newClient(t, addr), readToken(t, filepath.Join(dataDir, "platform-admin.token"))
}

// browser is one Chromium with a fresh profile, in the given language and
// window size, closed when the test ends.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newBrowser(t *testing.T, base, lang string, width, height int) *browser {
	t.Helper()
	requireBrowser(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", lang),
		chromedp.Flag("accept-lang", lang),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting Chromium")
	return &browser{t: t, ctx: ctx, base: "http://" + base}
}

// browserWait bounds each step. It is generous because the browser tests
// share the machine with the rest of the suite; a step that works takes
// milliseconds.
const browserWait = 40 * time.Second

// run runs actions with a deadline, failing the test with what the page
// showed when one does not complete.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserWait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\nthe page at %s shows:\n%s", what, err, b.location(), b.text())
	}
}

func (b *browser) open(path string) { b.run("open "+path, chromedp.Navigate(b.base+path)) }

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// text is what the page shows, for assertions and failure messages.
func (b *browser) text() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// waitText waits until the page shows s.
func (b *browser) waitText(s string) {
	b.t.Helper()
	js := fmt.Sprintf(`document.body && document.body.innerText.includes(%q)`, s)
	b.run("wait for the text "+s, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(browserWait)))
}

// waitPath waits until the app's route is path.
func (b *browser) waitPath(path string) {
	b.t.Helper()
	js := fmt.Sprintf(`location.pathname === %q`, path)
	b.run("wait for the page "+path, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(browserWait)))
}

// fill types into an input after emptying it the way a user's edit would
// (an input event, so the app's model follows).
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	empty := fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})) })()`, sel)
	b.run("fill "+sel, chromedp.WaitVisible(sel), chromedp.Evaluate[chromedp.Void](empty), chromedp.SendKeys(sel, value))
	got := b.evalString(fmt.Sprintf(`document.querySelector(%q).value`, sel))
	require.Equal(b.t, value, got, "the field %s holds what was typed", sel)
}

// waitVisible waits until an element matching sel is shown.
func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	b.run("wait for "+sel, chromedp.WaitVisible(sel))
}

// click clicks an element once nothing covers it (a loading mask, a dialog
// fading out), as a user would wait to.
func (b *browser) click(sel string) {
	b.t.Helper()
	onTop := fmt.Sprintf(`(() => {
		const e = document.querySelector(%q)
		// not while a drawer, dialog or dropdown around it is still opening:
		// a click then may land on nothing
		if (!e || e.closest('[class*="-enter-active"]')) return false
		e.scrollIntoView({block: 'center'})
		const r = e.getBoundingClientRect()
		// nor while it still moves (content arriving above it, a dropdown
		// placing itself): the same place over three frames
		const at = [r.left, r.top, r.width, r.height].join()
		e.__stable = e.__at === at ? (e.__stable || 0) + 1 : 0
		e.__at = at
		if (e.__stable < 2) return false
		const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
		return top !== null && (top === e || e.contains(top))
	})()`, sel)
	b.run("click "+sel, chromedp.WaitVisible(sel), chromedp.Poll[chromedp.Void](onTop, chromedp.WithPollingTimeout(browserWait)),
		chromedp.Click(sel))
}

// evalString evaluates js in the page and returns its string result.
func (b *browser) evalString(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, "evaluating %s", js)
	return v
}

// axeViolation is one rule axe-core found broken on the page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// requireAccessible runs axe-core (from the portal's npm packages) on the
// page and fails on any serious or critical violation.
func (b *browser) requireAccessible(page string) {
	b.t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "web", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			b.t.Fatalf("axe-core is not installed (npm ci in web/): %v", err)
		}
		b.t.Logf("axe-core not installed; accessibility of %s not checked", page)
		return
	}
	// A dialog or an error still fading in has colours of its own: measure
	// once every enter and leave transition has ended.
	b.run("wait for the transitions to end", chromedp.Poll[chromedp.Void](
		`document.querySelector('[class*="-enter-active"], [class*="-leave-active"]') === null`,
		chromedp.WithPollingTimeout(browserWait)))
	b.run("load axe-core", chromedp.Evaluate[chromedp.Void](string(src)))
	raw := b.evalString(`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	require.NoError(b.t, json.Unmarshal([]byte(raw), &vs))
	var bad []string
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, fmt.Sprintf("%s (%s): %s at %v", v.ID, v.Impact, v.Help, v.Nodes))
		}
	}
	require.Empty(b.t, bad, "accessibility violations on %s", page)
}
