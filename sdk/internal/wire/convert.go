package wire

import (
	"net/http"
	"time"
)

// UnixNano encodes t for the wire: 0 for the zero time.
func UnixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Time decodes UnixNano: the zero time for 0, else a UTC time.
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// MultiMap converts between http.Header / url.Values and the wire's map
// of value lists; V is the wire's list message.
func MultiMap[V any](m map[string][]string, wrap func([]string) V) map[string]V {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, vs := range m {
		out[k] = wrap(vs)
	}
	return out
}

// FromMultiMap is MultiMap's inverse.
func FromMultiMap[V any](m map[string]V, unwrap func(V) []string) http.Header {
	if len(m) == 0 {
		return nil
	}
	out := make(http.Header, len(m))
	for k, v := range m {
		out[k] = unwrap(v)
	}
	return out
}
