package testkit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what would fail the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestContractCatchesWhatTheSpecDoesNotSay: the checker fails a response
// with an undocumented status or a body off its schema, and passes one
// the spec describes or a path it does not name.
func TestContractCatchesWhatTheSpecDoesNotSay(t *testing.T) {
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		fails              string // "" passes
	}{
		{"documented problem", "GET", "/v1/regions/5d1f1a52-0b5e-4b5c-9d8c-6c1f8fe0b0aa", 404,
			`{"title":"Not Found","status":404,"detail":"no region","code":"not_found"}`, ""},
		{"undocumented status", "GET", "/v1/regions/5d1f1a52-0b5e-4b5c-9d8c-6c1f8fe0b0aa", 418, `{}`, "418"},
		{"body off the schema", "GET", "/v1/me", 200, `{"user":42}`, "failed to validate"},
		{"a path the spec does not name", "GET", "/metrics", 200, `# HELP`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			h := ContractHandler(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tc.status >= 400 {
					w.Header().Set("Content-Type", "application/problem+json")
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			if w.Code != tc.status || w.Body.String() != tc.body {
				t.Fatalf("the handler's answer was changed: %d %s", w.Code, w.Body)
			}
			if tc.fails == "" {
				if len(rec.errs) > 0 {
					t.Fatalf("a response the spec describes failed: %v", rec.errs)
				}
				return
			}
			if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], tc.fails) {
				t.Fatalf("want one failure naming %q, got %v", tc.fails, rec.errs)
			}
		})
	}
}
