package api

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// Invitation is a one-time invitation for a user to set their password.
type Invitation struct {
	Token     string    `json:"token" doc:"Secret; shown once. Only its hash is stored."`
	ExpiresAt time.Time `json:"expires_at"`
	Path      string    `json:"path" doc:"The portal page to open with it (relative to the portal's address)." example:"/invite?tenant=acme&token=..."`
}

func invitationOf(t *core.Tenant, inv *core.Invitation) *Invitation {
	if inv == nil {
		return nil
	}
	q := url.Values{"tenant": {t.Slug}, "token": {inv.Token}}
	return &Invitation{Token: inv.Token, ExpiresAt: inv.ExpiresAt, Path: "/invite?" + q.Encode()}
}

type AcceptInvitationInput struct {
	Body struct {
		Tenant   string `json:"tenant" minLength:"1" maxLength:"64" doc:"Tenant slug." example:"acme"`
		Token    string `json:"token" minLength:"1" maxLength:"200"`
		Password string `json:"password" minLength:"10" maxLength:"128" doc:"The new password, with the same rules as a new user's."`
	}
}

type InvitationOutput struct{ Body *Invitation }

func (s *Server) registerInvitationRoutes() {
	register(s.api, huma.Operation{OperationID: "reinvite-tenant-admin", Method: http.MethodPost, Path: "/v1/platform/tenants/{id}/invitation",
		Summary: "Re-issue the invitation of a tenant's admin", Tags: []string{"Platform"}, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusNotFound},
		Description: "For a tenant onboarded without its admin's password, while the admin has not set it: a new invitation (shown once); the previous one no longer works. 404 once the admin has a password. " +
			"Recorded in the tenant's audit log (action create, resource invitation), without the token."},
		access{Who: accessPlatform}, func(ctx context.Context, in *TenantIDInput) (*InvitationOutput, error) {
			t, inv, err := s.deps.Tenants.Reinvite(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &InvitationOutput{Body: invitationOf(t, inv)}, nil
		})
	register(s.api, huma.Operation{OperationID: "accept-invitation", Method: http.MethodPost, Path: "/v1/auth/invitations/accept",
		Summary: "Set one's password with an invitation", Tags: []string{"Auth"},
		Errors: []int{http.StatusForbidden, http.StatusTooManyRequests},
		Description: "Sets the password of the user the invitation was issued to, once, before it expires, and logs them in (as POST /v1/auth/login). " +
			"An unknown, used or expired invitation is refused alike (422, field token) and changes nothing; repeated failures from a client slow it down like failed logins. " +
			"The acceptance is recorded in the tenant's audit log (action accept, resource invitation, the user as actor)."},
		access{Who: accessPublic}, func(ctx context.Context, in *AcceptInvitationInput) (*LoginOutput, error) {
			// The audit event carries the request's ID (the invitee is its actor).
			ctx = core.WithActor(ctx, core.Actor{Kind: core.ActorSystem, Name: core.ActorSystem, Client: clientOf(ctx), RequestID: requestID(ctx)})
			tok, exp, err := s.deps.Identity.AcceptInvitation(ctx, in.Body.Tenant, in.Body.Token, in.Body.Password, clientOf(ctx))
			if err != nil {
				return nil, err
			}
			out := &LoginOutput{}
			out.Body.Token, out.Body.ExpiresAt = tok, exp
			return out, nil
		})
}
