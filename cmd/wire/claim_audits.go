package wire

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/claim"
)

// claimAuditCalls gives the claims their audit callbacks in the call
// centre's queue.
type claimAuditCalls struct{ callbacks *callback.Service }

func (c claimAuditCalls) OpenClaimAudit(ctx context.Context, u core.UnitOfWork, claimID, orderID uuid.UUID) (*claim.AuditCallback, error) {
	t, err := c.callbacks.OpenClaimAudit(ctx, u, claimID, orderID)
	if err != nil {
		return nil, err
	}
	return &claim.AuditCallback{TaskID: t.ID, Status: t.Status, DueAt: t.DueAt}, nil
}

func (c claimAuditCalls) CancelClaimAudit(ctx context.Context, u core.UnitOfWork, taskID uuid.UUID, actor string) (string, error) {
	t, err := c.callbacks.CancelClaimAudit(ctx, u, taskID, actor)
	if err != nil {
		return "", err
	}
	return t.Status, nil
}

// wireClaimAudits links claims and callbacks both ways: a flagged claim
// opens its audit callback, and the callback's outcome is its audit.
func wireClaimAudits(claims *claim.Service, callbacks *callback.Service) {
	claims.SetAuditCalls(claimAuditCalls{callbacks})
	callbacks.SetClaimAudits(claims)
}
