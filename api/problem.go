package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// Problem is an RFC 9457 problem details body, with the domain error code
// and the request ID so a caller can quote it to support.
type Problem struct {
	Type      string              `json:"type,omitempty" doc:"A URI reference that identifies the problem type."`
	Title     string              `json:"title,omitempty" doc:"A short summary of the problem type."`
	Status    int                 `json:"status,omitempty" doc:"HTTP status code."`
	Detail    string              `json:"detail,omitempty" doc:"What is wrong, specific to this occurrence."`
	Instance  string              `json:"instance,omitempty" doc:"The request path."`
	Code      string              `json:"code,omitempty" doc:"Machine-readable error code, e.g. invalid, not_found, conflict, forbidden, tenant_suspended."`
	RequestID string              `json:"request_id,omitempty" doc:"The request ID, also in the X-Request-ID header."`
	Errors    []*huma.ErrorDetail `json:"errors,omitempty" doc:"Individual problems, e.g. one per invalid field."`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes problems application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	core.EINVALID:       http.StatusUnprocessableEntity,
	core.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	core.ENOTFOUND:      http.StatusNotFound,
	core.ECONFLICT:      http.StatusConflict,
	core.EUNAUTHORIZED:  http.StatusUnauthorized,
	core.EFORBIDDEN:     http.StatusForbidden,
	core.ESUSPENDED:     http.StatusForbidden,
	core.ELOCKED:        http.StatusTooManyRequests,
	core.ERATELIMIT:     http.StatusTooManyRequests,
	core.EINTERNAL:      http.StatusInternalServerError,
	core.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	core.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	core.EUNAVAILABLE:   http.StatusServiceUnavailable,
}

var codeOfStatus = map[int]string{
	400: core.EINVALID, 401: core.EUNAUTHORIZED, 403: core.EFORBIDDEN, 404: core.ENOTFOUND,
	409: core.ECONFLICT, 413: "too_large", 415: core.EINVALID, 422: core.EINVALID, 429: core.ERATELIMIT,
}

// installProblems makes every error Huma writes a Problem, mapping domain
// errors by code and logging internal ones (the caller sees "Internal error.").
func installProblems(log *slog.Logger) {
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		p := &Problem{Status: status, Detail: msg}
		var ctx context.Context = context.Background()
		if hctx != nil {
			ctx = hctx.Context()
			p.Instance = hctx.URL().Path
			p.RequestID = requestID(ctx)
		}
		for _, err := range errs {
			var ce *core.Error
			if errors.As(err, &ce) {
				p.Status, p.Detail, p.Code = statusOf[ce.Code], ce.Message, ce.Code
				if p.Status == 0 {
					p.Status = http.StatusInternalServerError
				}
				for f, m := range ce.Fields {
					p.Errors = append(p.Errors, &huma.ErrorDetail{Location: "body." + f, Message: m})
				}
				if ce.RetryAfterSeconds > 0 && hctx != nil {
					hctx.SetHeader("Retry-After", strconv.Itoa(ce.RetryAfterSeconds))
				}
				continue
			}
			if d, ok := err.(huma.ErrorDetailer); ok {
				p.Errors = append(p.Errors, d.ErrorDetail())
			} else if err != nil && p.Status < 500 {
				p.Errors = append(p.Errors, &huma.ErrorDetail{Message: err.Error()})
			}
		}
		if p.Status == http.StatusInternalServerError && anyUnavailable(errs) {
			// A backing service is down or restarting, not a bug: retryable.
			p.Status, p.Code = http.StatusServiceUnavailable, codeUnavailable
			p.Detail, p.Errors = "A backing service is unavailable; retry after the Retry-After seconds.", nil
			if hctx != nil {
				hctx.SetHeader("Retry-After", strconv.Itoa(retryAfterUnavailable))
			}
			log.WarnContext(ctx, "backing service unavailable", "request_id", p.RequestID, "path", p.Instance, "errors", errorTexts(errs))
			p.Title = http.StatusText(p.Status)
			return p
		}
		if p.Status >= 500 && p.Code != core.EUNAVAILABLE { // a tenant's ERP being down is an answer, not a bug
			log.ErrorContext(ctx, "internal error", "request_id", p.RequestID, "path", p.Instance, "detail", msg, "errors", errorTexts(errs))
			p.Detail, p.Errors, p.Code = "Internal error.", nil, core.EINTERNAL
		}
		if p.Code == "" {
			p.Code = codeOfStatus[p.Status]
		}
		p.Title = http.StatusText(p.Status)
		return p
	}
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return huma.NewErrorWithContext(nil, status, msg, errs...)
	}
}

// routerProblems answers what the router itself refuses — a path no
// route serves (404) or a method the path does not take (405, with its
// Allow header) — with a problem+json body like every other error,
// rather than the router's text/plain.
func routerProblems(mux *http.ServeMux, portal http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r) // sets the path values h reads
			return
		}
		if portal != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) && !apiPath(r.URL.Path) {
			portal.ServeHTTP(w, r)
			return
		}
		rec := &routerAnswer{header: http.Header{}}
		h.ServeHTTP(rec, r) // a redirect (a path to clean), a 404 or a 405
		if rec.status != http.StatusNotFound && rec.status != http.StatusMethodNotAllowed {
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body)
			return
		}
		detail := "no operation is served at " + r.URL.Path
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			detail = r.Method + " is not an operation of " + r.URL.Path + "; it takes " + rec.header.Get("Allow")
		}
		p := &Problem{Status: rec.status, Detail: detail, Code: core.ENOTFOUND}
		if rec.status == http.StatusMethodNotAllowed {
			p.Code = "method_not_allowed"
		}
		writeProblemOf(w, r, p)
	})
}

// apiPath reports whether path belongs to the API, where an unknown path is
// a problem, not a page of the portal.
func apiPath(path string) bool {
	return path == "/v1" || strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/openapi") ||
		strings.HasPrefix(path, "/schemas/")
}

// routerAnswer records what the router's own handler answers.
type routerAnswer struct {
	header http.Header
	status int
	body   []byte
}

func (a *routerAnswer) Header() http.Header { return a.header }
func (a *routerAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}
func (a *routerAnswer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	a.body = append(a.body, b...)
	return len(b), nil
}

func errorTexts(errs []error) []string {
	texts := make([]string, 0, len(errs))
	for _, e := range errs {
		if e != nil {
			texts = append(texts, e.Error())
		}
	}
	return texts
}
