package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// Control characters (C0 and DEL, except tab, line feed and carriage
// return) are refused at the edge: no name, code, address or search term
// needs them, PostgreSQL refuses NUL in text (which would otherwise reach
// it as a 500), and the others only hide text from the people reading it.

// controlChar reports whether r is a refused control character.
func controlChar(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

func hasControlChar(s string) bool { return strings.ContainsFunc(s, controlChar) }

// plainParameter reports whether a decoded path or query value is valid
// UTF-8 without control characters.
func plainParameter(s string) bool { return utf8.ValidString(s) && !hasControlChar(s) }

// withPlainParameters answers 422 (problem+json, naming the parameter) to a
// request whose path or query carries a control character, such as %00, or
// bytes that are not UTF-8, such as %FF, before it is routed.
func withPlainParameters(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.IndexByte(r.RequestURI, '%') < 0 {
			next.ServeHTTP(w, r) // a control character can only arrive percent-encoded
			return
		}
		var where, name string
		if !plainParameter(r.URL.Path) {
			where, name = "path", "the path"
		}
		for k, vs := range r.URL.Query() {
			if name != "" {
				break
			}
			if !plainParameter(k) {
				where, name = "query", "a query parameter's name"
			}
			if slices.ContainsFunc(vs, func(v string) bool { return !plainParameter(v) }) {
				where, name = "query."+k, k
			}
		}
		if name == "" {
			next.ServeHTTP(w, r)
			return
		}
		writeProblemOf(w, r, &Problem{Status: http.StatusUnprocessableEntity, Code: core.EINVALID,
			Detail: name + ": must be valid UTF-8 without control characters",
			Errors: []*huma.ErrorDetail{{Location: where, Message: "must be valid UTF-8 without control characters"}}})
	})
}

// controlCharField returns the JSON path ("body.a.b[2]") of the first
// string, or object key, in body that holds a refused control character,
// and "" when there is none or body is not JSON. Only a body with an
// escaped control character (\u0000-\u001f, \u007f) is decoded: raw
// control characters are not valid JSON, and the decoder refuses them.
func controlCharField(body []byte) string {
	if !escapesControlChar(body) {
		return ""
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return ""
	}
	return findControlChar(v, "body")
}

// escapesControlChar reports whether body holds a \u escape of a refused
// control character.
func escapesControlChar(body []byte) bool {
	for i := bytes.Index(body, []byte(`\u`)); i >= 0 && i+6 <= len(body); {
		n, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
		if err == nil && controlChar(rune(n)) && !escapedBackslash(body, i) {
			return true
		}
		j := bytes.Index(body[i+2:], []byte(`\u`))
		if j < 0 {
			break
		}
		i += 2 + j
	}
	return false
}

// escapedBackslash reports whether the backslash at i is itself escaped
// (preceded by an odd number of backslashes), as in "\\u0000".
func escapedBackslash(body []byte, i int) bool {
	n := 0
	for k := i - 1; k >= 0 && body[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

func findControlChar(v any, path string) string {
	switch x := v.(type) {
	case string:
		if hasControlChar(x) {
			return path
		}
	case []any:
		for i, e := range x {
			if p := findControlChar(e, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	case map[string]any:
		for k, e := range x {
			if hasControlChar(k) {
				return path
			}
			if p := findControlChar(e, path+"."+k); p != "" {
				return p
			}
		}
	}
	return ""
}

// withSafeHeaders sets the headers every answer carries: browsers must not
// guess content types, and no cache may keep an API answer (they carry
// tokens and customers' personal data).
func withSafeHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// writeProblemOf writes p as problem+json, with its title, instance and the
// request ID filled in.
func writeProblemOf(w http.ResponseWriter, r *http.Request, p *Problem) {
	p.Title, p.Instance, p.RequestID = http.StatusText(p.Status), r.URL.Path, requestID(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
