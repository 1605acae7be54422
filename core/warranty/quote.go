package warranty

import (
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Model is what pricing needs of a product model.
type Model struct {
	ID             uuid.UUID
	Code           string
	ProductLine    string
	WarrantyMonths int
}

// PartLine is a part a quote or an order prices: its code, the component
// it belongs to ("" for none) and its sale price (nil: unknown, priced 0
// and marked).
type PartLine struct {
	PartCode  string `json:"part_code" example:"AC-CMP-01"`
	Component string `json:"component,omitempty" example:"compressor" doc:"The major component the part belongs to; empty: none."`
	Quantity  int    `json:"quantity" minimum:"1" maximum:"1000"`
	UnitPrice *int64 `json:"unit_price,omitempty" minimum:"0" doc:"Sale price per unit in minor units; absent: unknown (priced 0 and marked)."`
	// OwnMonths is the part's own warranty from the catalogue (0: none):
	// its term when the policy does not list its component.
	OwnMonths int `json:"-"`
}

// Item kinds.
const (
	ItemLabour = "labour"
	ItemTravel = "travel"
	ItemPart   = "part"
)

// Reasons of items that are not about the policy.
const (
	ReasonNoDistance = "no_distance" // the distance is unknown: travel priced 0, marked price_unknown
	ReasonNoBand     = "no_band"     // no distance band covers the distance: the same
)

// Item is one line of a quote or of an order's charges: free or charged,
// and why.
type Item struct {
	Kind      string `json:"kind" enum:"labour,travel,part"`
	Code      string `json:"code" doc:"labour: the service type; travel: the band (e.g. 10-30 km); part: the part code."`
	Component string `json:"component,omitempty" doc:"part: the major component it belongs to."`
	Quantity  int    `json:"quantity"`
	UnitPrice int64  `json:"unit_price" doc:"Minor units."`
	Amount    int64  `json:"amount" doc:"quantity × unit_price, minor units: the fee before warranty."`
	Charged   bool   `json:"charged" doc:"Whether the customer pays for the item (amount; an item of unknown price is charged at 0 and marked); false: covered by the warranty."`
	Coverage  string `json:"coverage" enum:"refund,replacement,free_repair,charged"`
	Reason    string `json:"reason" doc:"Why: refund_window, replacement_window, unit_term, component_term, part_term, expired, component_expired, part_expired, no_policy, not_yet_purchased; travel the fee schedule cannot price: no_distance or no_band (then price_unknown, charged and coverage still the visit's)."`
	// PriceUnknown marks an item priced 0 because its price is unknown.
	PriceUnknown bool   `json:"price_unknown,omitempty" doc:"Priced 0 because the price is unknown: part: its sale price; travel: the distance (no_distance) or its band (no_band). It counts 0 in total: the price is still to be agreed."`
	Rate         string `json:"rate,omitempty" doc:"labour: which rate matched (model, line, service_type, default)."`
}

// Quote is what a service costs the customer: the unit's coverage, the
// items and the total charged.
type Quote struct {
	Currency     string   `json:"currency"`
	PolicySource string   `json:"policy_source" enum:"model,line,default" doc:"Where the policy came from: the model's, its line's, or the model's warranty months (no policy set)."`
	Policy       Policy   `json:"policy"`
	Warranty     Decision `json:"warranty" doc:"What the policy gives the unit today."`
	DistanceKm   *float64 `json:"distance_km,omitempty"`
	Items        []Item   `json:"items"`
	Total        int64    `json:"total" doc:"Sum of the charged items, minor units."`
}

// PriceInput is what Price prices.
type PriceInput struct {
	Policy       Policy
	PolicySource string
	Schedule     FeeSchedule
	Model        Model
	Purchase     time.Time // the purchase date
	Today        time.Time // in the tenant's zone
	ServiceType  string
	DistanceKm   *float64 // nil: unknown
	Parts        []PartLine
}

// Price prices a service. A part's term, after the unit's refund and
// replacement windows, is its component's when the policy lists it; else
// the part's own months (the catalogue's warranty_months) when it has
// them; else the unit's repair term. Labour and travel are free when the
// unit is covered, or when a listed component is (the visit repairs a
// component under its own term); a part's own months cover the part only.
func Price(in PriceInput) Quote {
	unit := Evaluate(in.Policy, in.Purchase, in.Today, "")
	q := Quote{Currency: in.Schedule.Currency, PolicySource: in.PolicySource, Policy: in.Policy, Warranty: unit,
		DistanceKm: in.DistanceKm, Items: []Item{}}
	visit := unit
	var parts []Item
	for _, p := range in.Parts {
		d := Evaluate(in.Policy, in.Purchase, in.Today, p.Component)
		_, listed := in.Policy.Component(p.Component)
		switch {
		case listed:
		case p.OwnMonths > 0:
			d = partTerm(in.Policy, in.Purchase, in.Today, p.OwnMonths)
		default:
			d = unit
		}
		it := Item{Kind: ItemPart, Code: p.PartCode, Component: p.Component, Quantity: p.Quantity}
		if p.UnitPrice == nil {
			it.PriceUnknown = true
		} else {
			it.UnitPrice = *p.UnitPrice
		}
		it.Amount = it.UnitPrice * int64(p.Quantity)
		setCoverage(&it, d)
		parts = append(parts, it)
		if listed && !visit.Free() && d.Free() {
			visit = d
		}
	}
	amount, rate := in.Schedule.LabourFor(in.ServiceType, in.Model.ProductLine, in.Model.Code)
	labour := Item{Kind: ItemLabour, Code: in.ServiceType, Quantity: 1, UnitPrice: amount, Amount: amount, Rate: rate}
	setCoverage(&labour, visit)
	q.Items = append(q.Items, labour)
	travel := Item{Kind: ItemTravel, Quantity: 1}
	setCoverage(&travel, visit)
	// Travel the schedule cannot price is still the visit's: charged or
	// covered as labour is, priced 0 and marked, never free for want of
	// a band (a claim follows the coverage).
	switch fee, band, ok := in.Schedule.TravelFor(deref(in.DistanceKm)); {
	case in.DistanceKm == nil:
		travel.Reason, travel.PriceUnknown = ReasonNoDistance, true
	case !ok:
		travel.Code, travel.Reason, travel.PriceUnknown = fmt.Sprintf("%.1f km", *in.DistanceKm), ReasonNoBand, true
	default:
		travel.Code, travel.UnitPrice, travel.Amount = fmt.Sprintf("%d-%s km", band.FromKm, upper(band.ToKm)), fee, fee
	}
	q.Items = append(q.Items, travel)
	q.Items = append(q.Items, parts...)
	for _, it := range q.Items {
		if it.Charged {
			q.Total += it.Amount
		}
	}
	return q
}

// partTerm is what a part's own months give: the unit's refund and
// replacement windows, then the months from the purchase date.
func partTerm(p Policy, purchase, today time.Time, months int) Decision {
	own := Policy{RefundDays: p.RefundDays, ReplaceDays: p.ReplaceDays, RepairMonths: months}
	d := Evaluate(own, purchase, today, "")
	switch d.Reason {
	case ReasonUnitTerm:
		d.Reason = ReasonPartTerm
	case ReasonExpired:
		d.Reason = ReasonPartExpired
	}
	return d
}

func setCoverage(it *Item, d Decision) {
	it.Coverage, it.Reason, it.Charged = d.Coverage, d.Reason, !d.Free()
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// DistanceKm is the great-circle distance between two points, rounded to
// 100 m: the travel fee is charged by it.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return math.Round(2*r*math.Asin(math.Sqrt(a))*10) / 10
}

// validParts checks quote part lines (EINVALID naming parts[i].field).
func validParts(parts []PartLine) error {
	if len(parts) > 100 {
		return core.FieldError("parts", "at most 100 lines")
	}
	for i, p := range parts {
		field := fmt.Sprintf("parts[%d]", i)
		if !codePattern.MatchString(p.PartCode) {
			return core.FieldError(field+".part_code", "must be 1-32 letters, digits, '.', '_' or '-'")
		}
		if p.Component != "" && !codePattern.MatchString(p.Component) {
			return core.FieldError(field+".component", "must be 1-32 letters, digits, '.', '_' or '-'")
		}
		if p.Quantity < 1 || p.Quantity > 1000 {
			return core.FieldError(field+".quantity", "must be between 1 and 1000")
		}
		if p.UnitPrice != nil && (*p.UnitPrice < 0 || *p.UnitPrice > maxAmount) {
			return core.FieldError(field+".unit_price", "must be between 0 and %d", int64(maxAmount))
		}
	}
	return nil
}
