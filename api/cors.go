package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// The CORS policy is explicit: the portal is served by the API's own
// origin and needs no CORS at all, so by default a browser page of any
// other origin gets no Access-Control-Allow-Origin (it cannot read
// answers) and its preflight requests are refused with a 403 that says
// why. A platform that serves a front end elsewhere lists its origins in
// CORS_ALLOWED_ORIGINS. Credentials are bearer tokens that a page sends
// itself, never cookies, so Access-Control-Allow-Credentials is never set.

// corsAllowHeaders are the request headers a foreign page may send.
const corsAllowHeaders = "Authorization, Content-Type, Idempotency-Key, X-Request-ID, Last-Event-ID"

// corsMethods are the methods the API's operations use.
const corsMethods = "GET, POST, PUT, PATCH, DELETE"

// ParseOrigins reads a comma-separated list of origins
// ("https://portal.example.com", "http://localhost:5173"): each a scheme
// and host with an optional port, nothing more.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q is not an origin (scheme://host[:port])", o)
		}
		out = append(out, u.Scheme+"://"+strings.ToLower(u.Host))
	}
	return out, nil
}

// withCORS applies the CORS policy: answers to a request from an allowed
// origin carry Access-Control-Allow-Origin; a preflight from an allowed
// origin is answered 204 with the methods and headers allowed, from any
// other a 403 problem.
func withCORS(allowed []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		ok := slices.Contains(allowed, strings.ToLower(origin))
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
			if !ok && !sameOrigin(r, origin) {
				writeProblemOf(w, r, &Problem{Status: http.StatusForbidden, Code: core.EFORBIDDEN,
					Detail: fmt.Sprintf("origin %s may not call this API from a browser: it answers pages of its own origin "+
						"and of the origins the platform lists in CORS_ALLOWED_ORIGINS", origin)})
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if ok {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "X-Request-ID, Location, Retry-After")
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin is the request's own host (a browser
// sends Origin on its own page's requests too).
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}
