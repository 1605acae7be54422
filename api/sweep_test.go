package api_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"
)

// TestMalformedInputSweep sends every operation of the spec malformed
// bodies and every query and path parameter hostile values: no answer is a
// 5xx, and every refusal is problem+json. The operations come from the
// spec itself, so a new operation is swept without being listed here.
func TestMalformedInputSweep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	huge := `[` + strings.Repeat(`"x",`, 50000) + `"x"]`
	long := `"` + strings.Repeat("长", 100000) + `"`
	bodies := map[string]string{
		"invalid JSON": `{"a":`, "not an object": `[1,2,3]`, "a string": `"text"`, "null": `null`, "empty object": `{}`,
		"deep nesting": deep, "huge array": huge, "100k characters": long, "invalid UTF-8": "{\"a\":\"\xff\xfe\"}",
		"NUL": `{"name":"a\u0000b","code":"X\u0000","description":"\u0000"}`, "control characters": `{"name":"\u0007\u001b[31m"}`,
	}
	params := map[string]string{"NUL": "%00", "control": "%07%1B", "long": strings.Repeat("a", 10000), "invalid UTF-8": "%FF%FE",
		"traversal": "..%2F..%2Fetc", "negative": "-1"}
	pathParam := regexp.MustCompile(`\{[^}]+\}`)

	spec := b.app.Server.API().OpenAPI()
	paths := make([]string, 0, len(spec.Paths))
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	swept, sent := 0, 0
	for _, path := range paths {
		item := spec.Paths[path]
		for _, o := range []struct {
			method string
			op     *huma.Operation
		}{{"GET", item.Get}, {"POST", item.Post}, {"PUT", item.Put}, {"PATCH", item.Patch}, {"DELETE", item.Delete}} {
			op := o.op
			if op == nil || strings.HasSuffix(path, "/events") { // the event stream stays open
				continue
			}
			swept++
			token := acme.admin
			if strings.HasPrefix(path, "/v1/platform") {
				token = b.platform
			}
			target := pathParam.ReplaceAllString(path, "0b0c2f5e-6a6d-4c8e-9a51-6d1f8f0b7a11")
			check := func(what, method, target string, body any, hdr ...string) {
				t.Helper()
				sent++
				r := b.do(method, target, token, body, hdr...)
				require.Less(t, r.Status, 500, "%s %s (%s): %s", method, target, what, r.Raw)
				if r.Status >= 400 {
					require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s %s (%s): %s", method, target, what, r.Raw)
				}
			}
			if op.RequestBody != nil {
				for what, body := range bodies {
					check(what, o.method, target, body)
				}
				check("wrong content type", o.method, target, `{"a":1}`, "Content-Type", "application/xml")
			}
			for _, p := range op.Parameters {
				for what, v := range params {
					switch p.In {
					case "query":
						check(p.Name+" "+what, o.method, target+"?"+p.Name+"="+v, nil)
					case "path":
						check(p.Name+" "+what, o.method, strings.Replace(path, "{"+p.Name+"}", v, 1), nil)
					}
				}
			}
		}
	}
	require.Greater(t, swept, 80, "the spec's operations were swept")
	t.Logf("%d operations, %d requests, no 5xx", swept, sent)
}
