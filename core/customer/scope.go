package customer

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// placing is a check of where a caller may put a customer's addresses: a
// caller who sees every customer places them anywhere; any other caller
// only in the regions of their scope (or below), which is where they see
// customers (core.Viewer.Customers). Without the check a scoped caller
// could write customers into other regions, and then not even see them.
type placing struct {
	all    bool
	roots  []uuid.UUID        // the regions of the caller's scope
	within map[uuid.UUID]bool // the regions read so far that lie in them
}

func placingFor(v core.Viewer) *placing {
	r := v.Customers()
	return &placing{all: r.All, roots: r.AddressRegions, within: map[uuid.UUID]bool{}}
}

// read learns, in one read, which regions of the placed addresses lie in
// the caller's scope.
func (p *placing) read(ctx context.Context, repo Repository, lists ...[]core.CustomerAddress) error {
	if p.all || len(p.roots) == 0 {
		return nil
	}
	var ids []uuid.UUID
	for _, l := range lists {
		for _, a := range l {
			if a.RegionID != nil {
				ids = append(ids, *a.RegionID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	in, err := repo.RegionsWithin(ctx, ids, p.roots)
	for _, id := range in {
		p.within[id] = true
	}
	return err
}

// check answers EFORBIDDEN, naming the address's region field, for the
// first address of placed (as given in given, index by index) that lies
// outside the caller's scope: with no region, or a region outside it
// (read must have read placed before). An address equal to one of kept
// (same region and text: the stored addresses an update resends) is
// allowed as it is. With required, a caller who is not tenant-wide must
// give at least one address (a customer they create must be one they can
// see).
func (p *placing) check(given []core.NewCustomerAddress, placed, kept []core.CustomerAddress, required bool) error {
	if p.all {
		return nil
	}
	if required && len(placed) == 0 {
		return &core.Error{Code: core.EFORBIDDEN, Message: "addresses: your scope covers only some regions: " +
			"give an address in one of them (you would not see the customer otherwise)",
			Fields: map[string]string{"addresses": "give an address in a region of your scope"}}
	}
	for i, a := range placed {
		if a.RegionID != nil && p.within[*a.RegionID] || keeps(kept, a) {
			continue
		}
		field := fmt.Sprintf("addresses[%d].region_id", i)
		if i < len(given) && given[i].RegionCode != "" {
			field = fmt.Sprintf("addresses[%d].region_code", i)
		}
		msg := "is outside your scope"
		if a.RegionID == nil {
			msg = "is required: your scope covers only some regions"
		}
		return &core.Error{Code: core.EFORBIDDEN, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
	}
	return nil
}

// keeps reports whether kept holds an address at a's region with a's text.
func keeps(kept []core.CustomerAddress, a core.CustomerAddress) bool {
	for _, k := range kept {
		if k.Address == a.Address && (k.RegionID == nil) == (a.RegionID == nil) && (k.RegionID == nil || *k.RegionID == *a.RegionID) {
			return true
		}
	}
	return false
}
