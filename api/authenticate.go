package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// errRollback rolls the request transaction back while the buffered
// response (an error) is still written.
var errRollback = errors.New("rollback")

// principal resolves the caller of an operation of acc from the bearer
// token: authenticated, its tenant active, and allowed acc's permission.
// A long-lived stream calls it again to learn whether that still holds.
func (s *Server) principal(ctx context.Context, hctx huma.Context, acc access) (*core.Principal, error) {
	raw, ok := strings.CutPrefix(hctx.Header("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return nil, core.Errorf(core.EUNAUTHORIZED, "missing bearer token in the Authorization header")
	}
	tok, err := core.ParseToken(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	var p *core.Principal
	switch {
	case acc.Who == accessPlatform && tok.Kind == core.PrincipalPlatform:
		p, err = s.deps.Platform.AuthenticatePlatform(ctx, tok)
	case acc.Who == accessTenant && tok.Kind != core.PrincipalPlatform:
		p, err = s.deps.Identity.Authenticate(ctx, tok)
	case acc.Who == accessPlatform:
		err = core.Errorf(core.EFORBIDDEN, "this operation needs a platform-admin token")
	default:
		err = core.Errorf(core.EFORBIDDEN, "platform-admin tokens cannot act inside a tenant; log in as a tenant user")
	}
	if err != nil {
		return nil, err
	}
	if p.Kind != core.PrincipalPlatform && p.TenantStatus != core.TenantActive {
		msg := "tenant is suspended"
		if p.TenantReason != "" {
			msg += ": " + p.TenantReason
		}
		return nil, core.Errorf(core.ESUSPENDED, "%s", msg)
	}
	noteTenant(ctx, p.TenantSlug) // a refusal below is logged with its tenant
	if acc.Who == accessTenant && acc.Perm.Resource != "" {
		if err := s.deps.Authz.Authorize(ctx, p.TenantID, p.Subject(), acc.Perm, core.Target{}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// authenticate resolves the caller, checks the operation's permission and
// runs the rest of the request inside one transaction (tenant-bound for
// tenant principals), so that a request commits completely or not at all —
// together with its idempotency record.
func (s *Server) authenticate(hctx huma.Context, next func(huma.Context)) {
	acc, _ := hctx.Operation().Metadata[accessKey].(access)
	if acc.Who == accessPublic || acc.Who == "" {
		next(hctx)
		return
	}
	ctx := hctx.Context()
	fail := func(err error) { huma.WriteErr(s.api, hctx, http.StatusInternalServerError, "", err) }
	p, err := s.principal(ctx, hctx, acc)
	if err != nil {
		fail(err)
		return
	}
	ctx = context.WithValue(ctx, principalKey{}, p)
	ctx = core.WithActor(ctx, core.ActorOfPrincipal(p, clientOf(ctx), requestID(ctx)))
	if acc.Stream {
		next(huma.WithContext(hctx, ctx))
		return
	}
	tenant := p.TenantID
	if p.Kind == core.PrincipalPlatform {
		tenant = uuid.Nil
	}
	u := s.deps.Tx.Begin(ctx, tenant)
	defer u.Rollback(ctx)
	if acc.ChangesAccess && tenant != uuid.Nil {
		u.AfterCommit(func() { s.deps.Authz.Invalidate(tenant) })
	}
	ctx = withUnitOfWork(ctx, u)
	buf := newBufferedContext(huma.WithContext(hctx, ctx))
	err = s.serveInTx(ctx, hctx, buf, acc, p, next)
	if err == nil {
		err = u.Commit(ctx)
	}
	if err == nil || errors.Is(err, errRollback) {
		buf.flush() // committed, or rolled back with an error response or a replay
		return
	}
	fail(err) // the commit failed: nothing was written yet
}

// unitKey carries the request's unit of work from the authentication
// middleware to the operation handlers, the one hop Huma's fixed handler
// signature leaves no argument for. Handlers pass it on to use cases as
// an argument (unitOfWork).
type unitKey struct{}

func withUnitOfWork(ctx context.Context, u core.UnitOfWork) context.Context {
	return context.WithValue(ctx, unitKey{}, u)
}

// unitOfWork returns the request's unit of work, opened by authenticate
// for every authenticated, non-streaming operation and committed with the
// response.
func unitOfWork(ctx context.Context) core.UnitOfWork {
	u, _ := ctx.Value(unitKey{}).(core.UnitOfWork)
	if u == nil {
		panic("api: the operation runs outside a request unit of work")
	}
	return u
}

// serveInTx runs the handler with a buffered response inside the request's
// transaction. The returned error decides the transaction: nil commits,
// errRollback rolls back; either way the caller then writes the buffer.
func (s *Server) serveInTx(ctx context.Context, hctx huma.Context, buf *bufferedContext, acc access, p *core.Principal, next func(huma.Context)) error {
	key := hctx.Header("Idempotency-Key")
	if !acc.Idempotent || key == "" {
		next(buf)
		if buf.status >= 400 {
			return errRollback
		}
		return nil
	}
	if len(key) > 255 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		huma.WriteErr(s.api, buf, 0, "", core.FieldError("Idempotency-Key", "must be 1-255 printable ASCII characters"))
		return errRollback
	}
	h := sha256.New()
	h.Write([]byte(hctx.Method() + " " + hctx.URL().Path + "?" + hctx.URL().RawQuery + "\n"))
	if isUpload(hctx) { // not read by checkBody: hashed by what the form says (idempotent_upload.go)
		form, err := readUploadForm(hctx)
		if err != nil {
			huma.WriteErr(s.api, buf, http.StatusBadRequest, "cannot read the multipart form")
			return errRollback
		}
		defer func() { _ = form.RemoveAll() }()
		if err := hashForm(h, form); err != nil {
			return err
		}
		buf.form = form
	} else {
		body, err := io.ReadAll(hctx.BodyReader()) // already read and limited by checkBody
		if err != nil {
			return err
		}
		buf.body = bytes.NewReader(body)
		h.Write(body)
	}
	hash := h.Sum(nil)
	stored, err := s.deps.Idempotency.ClaimIdempotencyKey(ctx, unitOfWork(ctx), p, key)
	if err != nil {
		return err
	}
	if stored != nil {
		if !bytes.Equal(stored.RequestHash, hash) {
			huma.WriteErr(s.api, buf, 0, "", core.Errorf(core.EUNPROCESSABLE,
				"Idempotency-Key %q was already used with a different request; use a new key", key))
			return errRollback
		}
		buf.replay(stored)
		return errRollback
	}
	next(buf)
	if buf.status >= 400 {
		return errRollback
	}
	rec := buf.record(hash)
	if acc.SecretReplay {
		rec.Body = redactSecrets(rec.Body)
	}
	if err := s.deps.Idempotency.SaveIdempotentResponse(ctx, unitOfWork(ctx), p, key, rec); err != nil {
		return err
	}
	return nil
}
