package api

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// redactedSecret replaces a secret in a stored response.
const redactedSecret = "[redacted]"

// redactSecrets returns a JSON response body with the value of every
// secret — a string under a key naming a token or a secret, at any depth
// (of 8 characters or more) — replaced by redactedSecret wherever it occurs in the body, also
// inside other strings (a link that carries it, raw or query-escaped). A
// body that is not JSON, or has no secret, is returned as it is.
func redactSecrets(body []byte) []byte {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return body
	}
	var secrets []string
	collectSecrets(v, &secrets)
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s)} {
			enc, _ := json.Marshal(form)
			body = bytes.ReplaceAll(body, enc[1:len(enc)-1], []byte(redactedSecret))
		}
	}
	return body
}

func collectSecrets(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && len(s) >= 8 && isSecretKey(k) { // a secret is long; "" or "n/a" is none
				*out = append(*out, s)
			} else {
				collectSecrets(x, out)
			}
		}
	case []any:
		for _, x := range v {
			collectSecrets(x, out)
		}
	}
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "token") || strings.Contains(k, "secret")
}
