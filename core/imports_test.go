package core_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/aftersales/aftersales/"

// imports lists what the non-test Go files of the package in dir (relative
// to the module root) import, by file.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
	require.NoError(t, err)
	out := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			out[f] = append(out[f], path)
		}
	}
	return out
}

// packagesUnder lists the module's package directories at or below dir.
func packagesUnder(t *testing.T, dir string, skip ...string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(filepath.Join("..", dir), func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("..", p)
		for _, s := range skip {
			if rel == s || strings.HasPrefix(rel, s+"/") {
				return filepath.SkipDir
			}
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if gos, _ := filepath.Glob(filepath.Join(p, "*.go")); len(gos) > 0 {
			dirs = append(dirs, rel)
		}
		return nil
	})
	require.NoError(t, err)
	return dirs
}

// TestCoreImportsNoInfrastructure: core and its packages (but the adapters
// core/postgres and core/authz) import the standard library without its
// network, process and system packages, other core packages, and a few
// pure libraries; nothing that talks to the world. Use cases may log
// through log/slog, whose handler the command chooses.
func TestCoreImportsNoInfrastructure(t *testing.T) {
	t.Parallel()
	infrastructure := []string{"net", "net/http", "net/rpc", "net/smtp", "os", "os/exec", "os/signal", "syscall",
		"database/sql", "runtime/debug", "plugin", "log"}
	pure := []string{"github.com/google/uuid", "golang.org/x/crypto/", "golang.org/x/text/",
		"github.com/expr-lang/expr", "github.com/expr-lang/expr/", // expr: tenants' rule conditions, pure evaluation
		// the knowledge base's text functions: Markdown to HTML, the HTML
		// sanitiser, pinyin for search, and version diffs; all pure
		"github.com/yuin/goldmark", "github.com/yuin/goldmark/", "github.com/microcosm-cc/bluemonday",
		"github.com/mozillazg/go-pinyin", "github.com/pmezard/go-difflib/"}
	for _, dir := range packagesUnder(t, "core", "core/postgres", "core/authz") {
		for file, paths := range imports(t, dir) {
			for _, p := range paths {
				switch {
				case p == module+"core" || strings.HasPrefix(p, module+"core/"):
					require.NotContains(t, []string{module + "core/postgres", module + "core/authz"},
						strings.TrimSuffix(p, "/"), "%s imports the adapter %s", file, p)
				case !strings.Contains(strings.SplitN(p, "/", 2)[0], "."): // the standard library
					require.NotContains(t, infrastructure, p, "%s imports %s", file, p)
					require.False(t, strings.HasPrefix(p, "net/http/"), "%s imports %s", file, p)
				default:
					ok := false
					for _, q := range pure {
						ok = ok || p == q || (strings.HasSuffix(q, "/") && strings.HasPrefix(p, q))
					}
					require.True(t, ok, "%s imports %s, which core may not", file, p)
				}
			}
		}
	}
}

// TestSiblingsDoNotImportEachOther: api, jobs, plugins, tenants and the
// postgres store know core, not one another; cmd wires them.
func TestSiblingsDoNotImportEachOther(t *testing.T) {
	t.Parallel()
	siblings := []string{"api", "jobs", "plugins", "tenants", "core/postgres"}
	within := func(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }
	for _, s := range siblings {
		for _, dir := range packagesUnder(t, s) {
			for file, paths := range imports(t, dir) {
				for _, p := range paths {
					for _, other := range siblings {
						if other != s && !within(s, other) && !within(other, s) {
							require.False(t, within(p, module+other), "%s imports %s", file, p)
						}
					}
				}
			}
		}
	}
}
