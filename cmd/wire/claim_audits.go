package wire

import (
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/claim"
)

// wireClaimAudits links claims and callbacks both ways: a flagged claim
// opens its audit callback, and the callback's outcome is its audit.
func wireClaimAudits(claims *claim.Service, callbacks *callback.Service) {
	claims.SetAuditCalls(callback.ClaimAuditCalls{Callbacks: callbacks})
	callbacks.SetClaimAudits(claims)
}
