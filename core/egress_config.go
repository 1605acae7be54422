package core

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// CheckConfigURLs checks every URL in a plugin binding's configuration,
// a JSON object the platform does not otherwise understand: any string
// value (at any depth) that is an absolute URL with a host is one the
// plugin will call for the tenant, so it must be http(s) or ws(s) and pass
// CheckURL. The field named in an error is "config.<path>". Strings that
// are not URLs (a bare host name or address) are not recognised: a plugin
// taking such a setting must check it against the same rules.
func (g *EgressGuard) CheckConfigURLs(ctx context.Context, config json.RawMessage) error {
	if len(config) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(config, &v); err != nil {
		return FieldError("config", "must be a JSON object")
	}
	return g.checkConfigValue(ctx, "config", v)
}

// webSchemes are the URL schemes a binding's configuration may hold, and
// the http(s) equivalents whose rules they follow.
var webSchemes = map[string]string{"http": "http", "https": "https", "ws": "http", "wss": "https"}

func (g *EgressGuard) checkConfigValue(ctx context.Context, path string, v any) error {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := g.checkConfigValue(ctx, path+"."+k, v[k]); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := g.checkConfigValue(ctx, path+"["+strconv.Itoa(i)+"]", e); err != nil {
				return err
			}
		}
	case string:
		if !strings.Contains(v, "://") {
			return nil
		}
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil || !u.IsAbs() || u.Host == "" {
			return nil // not a URL the plugin could call
		}
		scheme, ok := webSchemes[strings.ToLower(u.Scheme)]
		if !ok {
			return FieldError(path, "only http(s) and ws(s) URLs may be configured, not %q", u.Scheme)
		}
		u.Scheme = scheme
		return g.CheckURL(ctx, path, u.String())
	}
	return nil
}
