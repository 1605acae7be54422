package customer

import (
	"context"
	"time"

	"github.com/aftersales/aftersales/core"
)

// FindScreenPop answers a caller lookup (来电弹屏): the customers with
// the phone, written as the phone system gives it and read with country
// for numbers without a country code, each with what an agent needs, at
// most core.ScreenPopMaxCustomers ordered by name. EINVALID when phone is
// not a phone number. An unknown phone gives no customers and
// UnknownCaller. Unit warranties are computed for today (the tenant's
// current time). Only the customers v may see are found, each with the
// work orders v may see: a caller out of v's sight is unknown to v.
func (s *Service) FindScreenPop(ctx context.Context, u core.UnitOfWork, v core.Viewer, phone, country string, today time.Time) (*core.ScreenPop, error) {
	phone, err := core.NormalizePhone(phone, country)
	if err != nil {
		return nil, err
	}
	customers, err := s.store.Customers(u).FindScreenPop(ctx, phone, v.Customers(), v.Orders())
	if err != nil {
		return nil, err
	}
	if customers == nil {
		customers = []core.ScreenPopCustomer{}
	}
	for i := range customers {
		if customers[i].OpenComplaints == nil {
			customers[i].OpenComplaints = []core.ComplaintSummary{}
		}
	}
	pop := &core.ScreenPop{Phone: phone, UnknownCaller: len(customers) == 0, Customers: customers}
	pop.SetWarranty(today)
	return pop, nil
}
