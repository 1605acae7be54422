package authz

import (
	"context"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ScopeOf returns the scope granted directly to subject, from the rules
// already loaded for the tenant: the same data the checks decide on, and no
// database round trip on the request path.
func (a *Authorizer) ScopeOf(ctx context.Context, tenantID uuid.UUID, subject string) (core.Scope, error) {
	sc := core.Scope{Regions: []uuid.UUID{}, Sites: []uuid.UUID{}}
	t, err := a.tenant(ctx, tenantID)
	if err != nil {
		return sc, err
	}
	objs, _ := t.scopes.GetRoles(subject, t.dom)
	sort.Strings(objs)
	for _, o := range objs {
		kind, raw, _ := strings.Cut(o, ":")
		id, err := uuid.Parse(raw)
		switch {
		case o == core.ScopeAll:
			sc.All = true
		case err != nil:
		case kind == "region":
			sc.Regions = append(sc.Regions, id)
		case kind == "site":
			sc.Sites = append(sc.Sites, id)
		}
	}
	return sc, nil
}
