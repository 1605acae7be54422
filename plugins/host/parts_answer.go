package host

import (
	"slices"
	"unicode/utf8"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk/parts"
)

// Bounds on an ERP's answer.
const (
	maxPartsDefault = 200 // parts in a lookup that set no limit
	maxWarehouses   = 500
	maxPartText     = 500 // bytes of one text field
	maxPartModels   = 200
)

func checkText(what, s string, required bool) error {
	if (required && s == "") || !utf8.ValidString(s) || len(s) > maxPartText {
		return invalidAnswer("%s %q is empty, not UTF-8 or too long", what, clip(s))
	}
	return nil
}

// checkParts validates a lookup answer: at most limit parts, each with a
// number, no number twice.
func checkParts(got []parts.Part, limit int) ([]core.Part, error) {
	if limit <= 0 {
		limit = maxPartsDefault
	}
	if len(got) > limit {
		return nil, invalidAnswer("%d parts for a limit of %d", len(got), limit)
	}
	seen := make(map[string]bool, len(got))
	out := make([]core.Part, len(got))
	for k, p := range got {
		if err := checkText("part number", p.Number, true); err != nil {
			return nil, err
		}
		if seen[p.Number] {
			return nil, invalidAnswer("part %q listed twice", clip(p.Number))
		}
		seen[p.Number] = true
		for _, f := range []string{p.Name, p.Unit} {
			if err := checkText("part field", f, false); err != nil {
				return nil, err
			}
		}
		if len(p.ProductModels) > maxPartModels {
			return nil, invalidAnswer("part %q fits %d models, at most %d", clip(p.Number), len(p.ProductModels), maxPartModels)
		}
		models := slices.Clone(p.ProductModels)
		if models == nil {
			models = []string{}
		}
		out[k] = core.Part{Code: p.Number, Name: p.Name, Models: models, Unit: p.Unit}
	}
	return out, nil
}

// checkStock validates stock levels: a warehouse once, counts not
// negative, no more available than on hand.
func checkStock(got []parts.StockLevel) ([]core.StockLevel, error) {
	if len(got) > maxWarehouses {
		return nil, invalidAnswer("%d warehouses, at most %d", len(got), maxWarehouses)
	}
	seen := make(map[string]bool, len(got))
	out := make([]core.StockLevel, len(got))
	for k, s := range got {
		if err := checkText("warehouse code", s.Warehouse, true); err != nil {
			return nil, err
		}
		if err := checkText("warehouse name", s.WarehouseName, false); err != nil {
			return nil, err
		}
		switch {
		case seen[s.Warehouse]:
			return nil, invalidAnswer("warehouse %q listed twice", clip(s.Warehouse))
		case s.OnHand < 0 || s.Available < 0 || s.Available > s.OnHand:
			return nil, invalidAnswer("warehouse %q: %d on hand, %d available", clip(s.Warehouse), s.OnHand, s.Available)
		}
		seen[s.Warehouse] = true
		out[k] = core.StockLevel{WarehouseCode: s.Warehouse, WarehouseName: s.WarehouseName, OnHand: s.OnHand, Available: s.Available}
	}
	return out, nil
}

// checkReservation validates a reservation against the request: the same
// part, no more than asked for, from the warehouse asked for.
func checkReservation(got parts.Reservation, r core.PartReservation) (*core.Reservation, error) {
	if err := checkText("reservation ID", got.ID, true); err != nil {
		return nil, err
	}
	switch {
	case got.PartNumber != r.PartCode:
		return nil, invalidAnswer("reserved part %q, asked for %q", clip(got.PartNumber), clip(r.PartCode))
	case got.Warehouse != "" && got.Warehouse != r.WarehouseCode:
		return nil, invalidAnswer("reserved in warehouse %q, asked for %q", clip(got.Warehouse), clip(r.WarehouseCode))
	case got.Quantity <= 0 || got.Quantity > r.Quantity:
		return nil, invalidAnswer("reserved %d, asked for %d", got.Quantity, r.Quantity)
	}
	out := &core.Reservation{ID: got.ID, PartCode: got.PartNumber, WarehouseCode: r.WarehouseCode, Quantity: got.Quantity}
	if !got.ExpiresAt.IsZero() {
		t := got.ExpiresAt.UTC()
		out.ExpiresAt = &t
	}
	return out, nil
}
