package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Response is a response read to its end.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request with hc and reads the response. body may be nil, a
// string or []byte (sent as is) or a value encoded as JSON; any body is
// sent as application/json. token, when set, is sent as a bearer token;
// hdr are further header name, value pairs. A request that cannot be sent
// fails the test.
func Do(t testing.TB, hc *http.Client, method, url, token string, body any, hdr ...string) Response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	case []byte:
		rd = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s %s: encoding the body: %v", method, url, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the response: %v", method, url, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}
