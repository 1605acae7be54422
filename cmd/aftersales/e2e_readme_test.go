//go:build linux

package main_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// readmeSkip, on the line before a ```sh block of README.md, leaves the
// block out of TestREADMEShellBlocksRun (the two commands that build and
// test everything are not run by the tests they start).
const readmeSkip = "<!-- readme-test: skip"

// readmeSection is a `##` section of README.md with its runnable ```sh
// blocks, kept as a bash script whose line N is README.md's line N (every
// line outside the blocks blank), so bash's errors name README lines.
type readmeSection struct {
	title   string
	blocks  int
	script  []string
	skipped int
}

// readmeSections splits README.md into its `##` sections and collects
// their sh blocks.
func readmeSections(t *testing.T, readme string) []*readmeSection {
	t.Helper()
	lines := strings.Split(readme, "\n")
	var (
		out          []*readmeSection
		cur          *readmeSection
		in, skipping bool
		prev         string // the last non-blank line before a fence
	)
	for i, line := range lines {
		switch {
		case !in && strings.HasPrefix(line, "## "):
			cur = &readmeSection{title: strings.TrimPrefix(line, "## "), script: make([]string, len(lines))}
			out = append(out, cur)
		case !in && line == "```sh":
			require.NotNil(t, cur, "README.md:%d: a sh block before the first ## section", i+1)
			in, skipping = true, strings.HasPrefix(prev, readmeSkip)
			if skipping {
				cur.skipped++
			} else {
				cur.blocks++
			}
		case in && line == "```":
			in = false
		case in && !skipping:
			cur.script[i] = line
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	require.False(t, in, "README.md ends inside a sh block")
	return out
}

// placeholder matches what a reader would have to fill in by hand.
var placeholder = regexp.MustCompile(`…|<[a-z_ -]+>|\.\.\.`)

// TestREADMEShellBlocksRun runs every sh block of README.md, the blocks of
// a section in order in one bash process (so later blocks use the
// variables of earlier ones), against a freshly started binary with the
// demo tenant loaded, the way a reader would with `DEMO=1 make run`. A
// command that fails, or a request answered with an error status, fails
// the test with the block's output: the README cannot rot.
func TestREADMEShellBlocksRun(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	sections := readmeSections(t, string(raw))
	var runnable, skipped int
	for _, s := range sections {
		runnable, skipped = runnable+s.blocks, skipped+s.skipped
		for i, line := range s.script {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				require.NotRegexp(t, placeholder, line, "README.md:%d: a placeholder in a shell block", i+1)
			}
		}
	}
	require.GreaterOrEqual(t, runnable, 3, "README.md's shell blocks were not found")
	require.Equal(t, 1, skipped, "only the two commands (make run, make test) are skipped")

	// The reader's directory: the data dir at ./data (as `make run` has
	// it) and the reference plugins built into ./bin/plugins.
	dir := t.TempDir()
	dataDir, pluginDir := filepath.Join(dir, "data"), filepath.Join(dir, "data", "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "plugins", "cti-generic"), "../../plugins/cti-generic")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the cti-generic plugin: %s", out)

	addr := freeAddr(t)
	p := startProc(t, "serve", map[string]string{"DATABASE_URL": newDatabase(t), "REDIS_URL": privateRedis(t),
		"DATA_DIR": dataDir, "PLUGIN_DIR": pluginDir, "HTTP_ADDR": addr, "DEMO": "1",
		"EGRESS_ALLOWED_NETWORKS": "10.20.0.8"}, "serve")
	p.waitReady(t, "http://"+addr)

	// curl reads this file (CURL_HOME): an error status fails the command
	// and its problem details are printed, as if every call had
	// --fail-with-body --show-error.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".curlrc"), []byte("fail-with-body\nshow-error\n"), 0o600))
	var all string
	for _, s := range sections {
		if s.blocks == 0 {
			continue
		}
		script := append([]string(nil), s.script...)
		script[0] = `set -Eeuo pipefail; trap 'echo "README.md:$LINENO: exit status $?" >&2' ERR`
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-c", strings.Join(script, "\n"), "readme")
		cmd.Dir = dir
		cmd.Env = childEnv(map[string]string{"API": addr, "PLUGIN_DIR": pluginDir, "CURL_HOME": dir})
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		err := cmd.Run()
		cancel()
		require.NoError(t, err, "README.md section %q failed; its output:\n%s", s.title, output.String())
		all += fmt.Sprintf("## %s\n%s", s.title, output.String())
	}

	// What the walk-through did, seen in its output.
	for _, want := range []string{`"slug":"acme"`, `"name":"周敏"`, `"state":"completed"`, `"cti_token":"ctk_`, `"extension":"801"`} {
		require.Contains(t, all, want, "README output")
	}
}
