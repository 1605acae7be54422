package testkit

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// The contract is openapi/openapi.yaml, the spec the server generates
// (make generate) and the portal's client is built from. Tests hold every
// response to it: a status, header or body the spec does not describe
// fails the test that caused it.
var contract struct {
	once sync.Once
	mu   sync.Mutex // the validator's caches are not documented as safe for concurrent use
	v    validator.Validator
	err  error
}

func loadContract() (validator.Validator, error) {
	contract.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		spec, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "openapi", "openapi.yaml"))
		if err != nil {
			contract.err = err
			return
		}
		doc, err := libopenapi.NewDocument(spec)
		if err != nil {
			contract.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			contract.err = errs[0]
			return
		}
		contract.v = v
	})
	return contract.v, contract.err
}

// CheckContract reports on t every way resp, the answer to req, departs
// from the spec. A path or method the spec does not name (the docs, the
// metrics, a request a test sends to an unknown path on purpose) is not checked
// here; event streams are checked by status only. resp.Body is read and
// replaced, so the caller can still read it.
func CheckContract(t testing.TB, req *http.Request, resp *http.Response) {
	t.Helper()
	v, err := loadContract()
	if err != nil {
		t.Fatalf("loading the contract openapi/openapi.yaml: %v", err)
	}
	check := *resp
	var body []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		check.Body, check.ContentLength = http.NoBody, 0 // a stream: its status and headers only
	} else {
		if body, err = io.ReadAll(resp.Body); err != nil {
			return // the test sees the same error when it reads
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		check.Body = io.NopCloser(bytes.NewReader(body))
	}
	contract.mu.Lock()
	ok, errs := v.ValidateHttpResponse(req, &check)
	contract.mu.Unlock()
	if ok {
		return
	}
	for _, e := range errs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			return // not an operation: the router's own answers are tested on their own
		}
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  - " + e.Error())
	}
	t.Errorf("%s %s answered %d, which the spec does not describe:%s\nbody: %.600s", req.Method, req.URL.Path, resp.StatusCode, b.String(), body)
}

// ContractHandler serves h and holds each of its answers to the spec
// (CheckContract): a test server built on it fails t on every response
// the spec does not describe.
//
// Under a fuzz test (t a *testing.F, whose methods the fuzz target may not
// call) the answers are not checked: fuzz tests look for 5xx, with random
// input; nor under a benchmark, which measures the server alone.
func ContractHandler(t testing.TB, h http.Handler) http.Handler {
	switch t.(type) {
	case *testing.F, *testing.B:
		return h // fuzz targets may not call F's methods; benchmarks measure the server alone
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Accept"), "text/event-stream") || strings.HasSuffix(r.URL.Path, "/events") {
			h.ServeHTTP(w, r) // streams: flushed as they go, not recorded
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		resp := rec.Result()
		req := r.Clone(r.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		CheckContract(t, req, resp)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// ContractTransport sends requests through base (nil: the default
// transport) and holds each answer to the spec (CheckContract), for tests
// that talk to a server in another process.
func ContractTransport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return contractTransport{t: t, base: base}
}

type contractTransport struct {
	t    testing.TB
	base http.RoundTripper
}

func (c contractTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.GetBody != nil {
		rc, err := r.GetBody()
		if err == nil {
			body, _ = io.ReadAll(rc)
		}
	}
	resp, err := c.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	CheckContract(c.t, req, resp)
	return resp, nil
}
