package customer

import (
	"context"

	"github.com/aftersales/aftersales/core"
)

// ImportCustomers validates every row and creates the valid ones in one
// go; the report's Total is len(rows). The regions of all rows are read
// in one go. Rows are never matched to existing customers: importing
// twice creates twice, and no duplicate-phone warnings are given. A row a
// scoped v may not write (see CreateCustomer) fails with its region.
func (s *Service) ImportCustomers(ctx context.Context, u core.UnitOfWork, v core.Viewer, rows []core.CustomerImportRow) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	repo := s.store.Customers(u)
	valid := make([]core.CustomerImportRow, 0, len(rows))
	var addrs [][]core.NewCustomerAddress
	for _, r := range rows {
		if err := r.Customer.Normalize(); err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		valid = append(valid, r)
		addrs = append(addrs, r.Customer.Addresses)
	}
	regions, err := findRegions(ctx, repo, addrs)
	if err != nil {
		return nil, err
	}
	type placedRow struct {
		row    *core.CustomerImportRow
		placed []core.CustomerAddress
	}
	ok := make([]placedRow, 0, len(valid))
	all := make([][]core.CustomerAddress, 0, len(valid))
	for i, r := range valid {
		placed, err := regions.place(r.Customer.Addresses)
		if err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		if err := s.locate(ctx, u, r.Customer.Addresses, placed); err != nil {
			return nil, err
		}
		ok, all = append(ok, placedRow{&valid[i], placed}), append(all, placed)
	}
	placing := placingFor(v)
	if err := placing.read(ctx, repo, all...); err != nil {
		return nil, err
	}
	now := s.now()
	cs := make([]*core.Customer, 0, len(ok))
	for _, r := range ok {
		if err := placing.check(r.row.Customer.Addresses, r.placed, nil, true); err != nil {
			rep.Fail(r.row.Row, err)
			continue
		}
		cs = append(cs, newCustomer(&r.row.Customer, r.placed, now))
	}
	if len(cs) > 0 {
		repo.InsertCustomers(cs)
	}
	rep.Created = len(cs)
	rep.Finish()
	return rep, nil
}
