package customer

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// regions knows which of the regions named by a set of addresses exist in
// the tenant.
type regions struct {
	byID   map[uuid.UUID]bool
	byCode map[string]uuid.UUID
}

// findRegions looks up every region the addresses name, by ID or code, in
// one read (none when they name none).
func findRegions(ctx context.Context, repo Repository, lists [][]core.NewCustomerAddress) (*regions, error) {
	r := &regions{byID: map[uuid.UUID]bool{}, byCode: map[string]uuid.UUID{}}
	var ids []uuid.UUID
	var codes []string
	for _, l := range lists {
		for _, a := range l {
			if a.RegionID != nil {
				ids = append(ids, *a.RegionID)
			}
			if a.RegionCode != "" {
				codes = append(codes, a.RegionCode)
			}
		}
	}
	if len(ids) == 0 && len(codes) == 0 {
		return r, nil
	}
	found, err := repo.FindRegions(ctx, ids, codes)
	if err != nil {
		return nil, err
	}
	for _, f := range found {
		r.byID[f.ID], r.byCode[f.Code] = true, f.ID
	}
	return r, nil
}

// place gives the addresses IDs and region IDs; EINVALID for a region that
// does not exist in the tenant.
func (r *regions) place(addrs []core.NewCustomerAddress) ([]core.CustomerAddress, error) {
	out := make([]core.CustomerAddress, 0, len(addrs))
	for i, a := range addrs {
		ca := core.CustomerAddress{ID: newAddressID(), Label: a.Label, RegionID: a.RegionID, Address: a.Address, Lat: a.Lat, Lon: a.Lon}
		switch {
		case a.RegionID != nil && !r.byID[*a.RegionID]:
			return nil, core.FieldError(fmt.Sprintf("addresses[%d].region_id", i), "no such region")
		case a.RegionCode != "":
			id, ok := r.byCode[a.RegionCode]
			if !ok {
				return nil, core.FieldError(fmt.Sprintf("addresses[%d].region_code", i), "no region with code %q", a.RegionCode)
			}
			ca.RegionID = &id
		}
		out = append(out, ca)
	}
	return out, nil
}

// newAddressID returns a time-ordered ID, so addresses, listed in ID
// order, list in the order they were given.
func newAddressID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New()
	}
	return id
}
