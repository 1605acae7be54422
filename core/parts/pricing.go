package parts

import (
	"context"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/warranty"
)

// CatalogueStore reads catalogue entries by part number. The PostgreSQL
// adapter implements it.
type CatalogueStore interface {
	// PartsByNumber reads the parts whose numbers are among numbers; an
	// unknown number is absent from the result.
	PartsByNumber(ctx context.Context, u core.UnitOfWork, numbers []string) (map[string]*Part, error)
}

// Prices prices parts from the catalogue: the warranty area's orders and
// quotes at the sale price (warranty.PartPricer), claims at the cost price
// (claim.PartCoster). A service record names a part by the barcode
// scanned, which is matched against the part number.
type Prices struct{ Store CatalogueStore }

// PriceParts implements warranty.PartPricer: the sale price, currency,
// major component and own warranty months of each known part.
func (p Prices) PriceParts(ctx context.Context, u core.UnitOfWork, codes []string) (map[string]warranty.PartPrice, error) {
	found, err := p.lookup(ctx, u, codes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]warranty.PartPrice, len(found))
	for n, part := range found {
		out[n] = warranty.PartPrice{UnitPrice: part.SaleMinor, Currency: part.Currency, Component: part.Component,
			Months: part.WarrantyMonths}
	}
	return out, nil
}

// PartCosts implements claim.PartCoster: the cost price of each known part
// in currency; a part priced in another currency is left out (unknown).
func (p Prices) PartCosts(ctx context.Context, u core.UnitOfWork, currency string, codes []string) (map[string]int64, error) {
	found, err := p.lookup(ctx, u, codes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(found))
	for n, part := range found {
		if part.Currency == currency {
			out[n] = part.CostMinor
		}
	}
	return out, nil
}

func (p Prices) lookup(ctx context.Context, u core.UnitOfWork, codes []string) (map[string]*Part, error) {
	if len(codes) == 0 || p.Store == nil {
		return map[string]*Part{}, nil
	}
	return p.Store.PartsByNumber(ctx, u, codes)
}
