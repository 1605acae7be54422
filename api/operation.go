package api

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// Who may call an operation.
const (
	accessPublic   = "public"   // no credentials
	accessPlatform = "platform" // platform-admin token
	accessTenant   = "tenant"   // tenant user or API key, with Perm
)

// access is attached to every operation as metadata and read by the
// authentication middleware.
type access struct {
	Who  string
	Perm core.Permission // required permission for accessTenant; zero: any authenticated tenant principal
	// Idempotent operations honour Idempotency-Key (creates and actions).
	Idempotent bool
	// SecretReplay: the response carries a secret shown once (a token
	// only the hash of is stored). Its idempotency record keeps the
	// response with that secret redacted wherever it appears, and a
	// replay returns it so (redactSecrets).
	SecretReplay bool
	// ChangesAccess operations change roles, grants, scopes, keys or the
	// region tree: this replica reloads the tenant's rules right after the
	// commit (others follow by NOTIFY).
	ChangesAccess bool
	// Stream operations (server-sent events) are authenticated and
	// authorised but run outside the request transaction and unbuffered:
	// they open their own short transactions as they go.
	Stream bool
}

const accessKey = "access"

const maxBody = 1 << 20 // 1 MiB default body limit

// register registers a Huma operation with its access rule and documents
// the errors every operation can return.
func register[I, O any](api huma.API, op huma.Operation, acc access, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[accessKey] = acc
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = maxBody
	}
	// 503 (with Retry-After): PostgreSQL or Redis unreachable or
	// restarting (unavailable.go).
	errs := []int{http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusServiceUnavailable}
	if acc.Who != accessPublic {
		op.Security = []map[string][]string{{"bearer": {}}}
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
	} else {
		op.Security = []map[string][]string{} // says "no credentials", not "unspecified"
	}
	if hasBody[I]() {
		// checkBody refuses a body over the limit; Huma, a Content-Type
		// the operation does not read.
		errs = append(errs, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if acc.Idempotent {
		errs = append(errs, http.StatusConflict)
		op.Description += "\n\nAccepts an `Idempotency-Key` header: a repeated request with the same key and body " +
			"returns the stored response; the same key with another body is refused with 422."
		if acc.SecretReplay {
			op.Description += " The stored response keeps no secret: a replay returns it with every token replaced by `" +
				redactedSecret + "` (also inside links); the secret is shown once, by the first response."
		}
	}
	op.Errors = append(errs, op.Errors...)
	huma.Register(api, op, h)
}

// hasBody reports whether an operation's input I has a request body.
func hasBody[I any]() bool {
	t := reflect.TypeFor[I]()
	if t.Kind() != reflect.Struct {
		return false
	}
	_, body := t.FieldByName("Body")
	_, raw := t.FieldByName("RawBody")
	return body || raw
}

// principalKey holds the *core.Principal of the request.
type principalKey struct{}

func principal(ctx context.Context) *core.Principal {
	p, _ := ctx.Value(principalKey{}).(*core.Principal)
	return p
}

// authorize checks a permission on a target for the caller: nil or a 403
// (or a 404 for a target outside the caller's scope, so the existence of
// objects in other regions does not leak).
func (s *Server) authorize(ctx context.Context, perm core.Permission, target core.Target) error {
	p := principal(ctx)
	if p == nil || p.Kind == core.PrincipalPlatform {
		return core.Errorf(core.EFORBIDDEN, "a tenant user or API key is required")
	}
	return s.deps.Authz.Authorize(ctx, p.TenantID, p.Subject(), perm, target)
}

// callerScope returns the scope of the caller, for filtering lists, from
// the same loaded rules the access checks use.
func (s *Server) callerScope(ctx context.Context) (core.Scope, error) {
	p := principal(ctx)
	return s.deps.Authz.ScopeOf(ctx, p.TenantID, p.Subject())
}

// viewer returns the caller as the visibility rules of work orders,
// customers and units see them (core.Viewer): their scope and, for a user
// who signs in as a technician, that technician record.
func (s *Server) viewer(ctx context.Context) (core.Viewer, error) {
	p := principal(ctx)
	if p.Kind == core.PrincipalUser && p.TechnicianRead && s.deps.WorkOrders.Technicians != nil {
		// The request's principal was looked up for this request, with the
		// user's technician record: no second query.
		sc, err := s.deps.Authz.ScopeOf(ctx, p.TenantID, p.Subject())
		return core.Viewer{Scope: sc, Technician: p.Technician}, err
	}
	return s.viewerIn(ctx, unitOfWork(ctx), p)
}

// viewerIn is viewer for principal p, reading through unit u (for work
// outside the request's unit, such as an event stream).
func (s *Server) viewerIn(ctx context.Context, u core.UnitOfWork, p *core.Principal) (core.Viewer, error) {
	sc, err := s.deps.Authz.ScopeOf(ctx, p.TenantID, p.Subject())
	if err != nil {
		return core.Viewer{}, err
	}
	v := core.Viewer{Scope: sc}
	if p.Kind == core.PrincipalUser && s.deps.WorkOrders.Technicians != nil {
		v.Technician, err = s.deps.WorkOrders.Technicians.TechnicianOfUser(ctx, u, p.ID)
	}
	return v, err
}

// Page is the cursor of a list response.
type Page struct {
	Next string `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// ListParams are the query parameters of every list.
type ListParams struct {
	Cursor string `query:"cursor" maxLength:"200" doc:"Cursor from a previous page's next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Page size."`
}
