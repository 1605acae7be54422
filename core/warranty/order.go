package warranty

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ChargeOrder computes and stores the charge items of an order completed
// with rec: the policy of its unit's model on the day of completion, the
// fee schedule, the distance from its site to its address, and the parts
// of the record (priced by the PartPricer, when there is one). An order
// without a unit has nothing to price and gets no charges. It runs in the
// completing unit, so the charges commit with the completion.
func (s *Service) ChargeOrder(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error {
	if w.UnitID == nil || rec == nil {
		return nil
	}
	repo := s.store.Warranty(u)
	modelID, purchase, err := repo.Unit(ctx, *w.UnitID)
	if err != nil {
		return err
	}
	m, err := repo.ModelByID(ctx, modelID)
	if err != nil {
		return err
	}
	pd, err := time.Parse(time.DateOnly, purchase)
	if err != nil {
		return err
	}
	var dist *float64
	if w.SiteID != nil && w.Lat != nil && w.Lon != nil {
		slat, slon, err := repo.SiteLocation(ctx, *w.SiteID)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		if err == nil {
			d := DistanceKm(slat, slon, *w.Lat, *w.Lon)
			dist = &d
		}
	}
	lines, err := s.partLines(ctx, u, rec.Parts)
	if err != nil {
		return err
	}
	today, err := s.today(ctx, repo)
	if err != nil {
		return err
	}
	q, err := s.price(ctx, u, repo, m, pd, today, w.ServiceType, dist, lines)
	if err != nil {
		return err
	}
	repo.SaveOrderCharges(&OrderCharges{WorkOrderID: w.ID, Quote: *q, ComputedAt: s.clock.Now().UTC().Truncate(time.Microsecond)})
	return nil
}

// partLines turns the parts of a service record into price lines (priced
// later by catalogued), merging lines of one barcode.
func (s *Service) partLines(ctx context.Context, u core.UnitOfWork, used []core.PartUsed) ([]PartLine, error) {
	if len(used) == 0 {
		return nil, nil
	}
	var codes []string
	qty := map[string]int{}
	for _, p := range used {
		if qty[p.Barcode] == 0 {
			codes = append(codes, p.Barcode)
		}
		qty[p.Barcode] += p.Quantity
	}
	out := make([]PartLine, 0, len(codes))
	for _, c := range codes {
		out = append(out, PartLine{PartCode: c, Quantity: qty[c]})
	}
	return out, nil
}

// catalogued prices part lines by the catalogue's sale price in currency
// (the fee schedule's). A part the catalogue does not know, or prices in
// another currency, keeps the price it came with (a quote's typed price;
// none on an order: priced 0, marked unknown). The catalogue's component,
// when it gives one, replaces an empty one, and its own warranty months
// apply (see Price), whatever its currency.
func (s *Service) catalogued(ctx context.Context, u core.UnitOfWork, currency string, lines []PartLine) ([]PartLine, error) {
	if len(lines) == 0 || s.parts == nil {
		return lines, nil
	}
	codes := make([]string, 0, len(lines))
	for _, l := range lines {
		codes = append(codes, l.PartCode)
	}
	prices, err := s.parts.PriceParts(ctx, u, codes)
	if err != nil {
		return nil, err
	}
	out := make([]PartLine, len(lines))
	for i, l := range lines {
		p, ok := prices[l.PartCode]
		if ok && (p.Currency == "" || p.Currency == currency) {
			price := p.UnitPrice
			l.UnitPrice = &price
		}
		if ok {
			if l.Component == "" {
				l.Component = p.Component
			}
			l.OwnMonths = p.Months
		}
		out[i] = l
	}
	return out, nil
}

// FindOrderCharges reads the charges stored on an order; ENOTFOUND when
// none were computed (not completed yet, or no unit).
func (s *Service) FindOrderCharges(ctx context.Context, u core.UnitOfWork, order uuid.UUID) (*OrderCharges, error) {
	return s.store.Warranty(u).FindOrderCharges(ctx, order)
}
