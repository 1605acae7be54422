package warranty

import (
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/aftersales/aftersales/core"
)

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// maxAmount bounds one fee (minor units): 100 million, far above any fee.
const maxAmount = 10_000_000_000

// FeeSchedule is a tenant's 收费标准: labour by service type and model (or
// product line, or the service type alone), travel by distance band, and
// DefaultLabour when no rate matches.
type FeeSchedule struct {
	Currency      string         `json:"currency" example:"CNY" doc:"ISO 4217 code every amount is in."`
	DefaultLabour int64          `json:"default_labour" minimum:"0" doc:"Labour charged when no rate matches (minor units)."`
	Labour        []LabourRate   `json:"labour" doc:"Labour rates; the most specific match wins: model, then product line, then the service type alone."`
	Travel        []DistanceBand `json:"travel" doc:"Travel fee by distance band; bands may not overlap."`
	Version       int            `json:"version" readOnly:"true"`
	UpdatedAt     time.Time      `json:"updated_at" readOnly:"true"`
}

// LabourRate is the labour charged for a service type on a model, a
// product line, or any (both empty).
type LabourRate struct {
	ServiceType string `json:"service_type" example:"repair"`
	ProductLine string `json:"product_line,omitempty" doc:"The line the rate is for; empty: any."`
	ModelCode   string `json:"model_code,omitempty" doc:"The model the rate is for (overrides its line's rate); empty: any."`
	Amount      int64  `json:"amount" minimum:"0" doc:"Minor units."`
}

// DistanceBand is the travel fee from FromKm (inclusive) up to ToKm
// (exclusive; 0: no upper bound), one way from the site to the address.
type DistanceBand struct {
	FromKm int   `json:"from_km" minimum:"0"`
	ToKm   int   `json:"to_km" minimum:"0" doc:"Exclusive upper bound; 0: no upper bound (the last band only)."`
	Amount int64 `json:"amount" minimum:"0" doc:"Minor units."`
}

// Validate checks the schedule (EINVALID naming the field, e.g.
// travel[1].from_km for overlapping bands) and sorts bands by distance.
// knownModel and knownLine report whether a code exists in the catalogue.
func (f *FeeSchedule) Validate(knownServiceType, knownLine, knownModel func(string) bool) error {
	if !currencyPattern.MatchString(f.Currency) {
		return core.FieldError("currency", "must be an ISO 4217 code such as CNY")
	}
	if f.DefaultLabour < 0 || f.DefaultLabour > maxAmount {
		return core.FieldError("default_labour", "must be between 0 and %d", int64(maxAmount))
	}
	if len(f.Labour) > 1000 {
		return core.FieldError("labour", "at most 1000 rates")
	}
	type key struct{ st, line, model string }
	seen := map[key]bool{}
	for i, r := range f.Labour {
		field := fmt.Sprintf("labour[%d]", i)
		if !knownServiceType(r.ServiceType) {
			return core.FieldError(field+".service_type", "unknown service type %q", r.ServiceType)
		}
		if r.ProductLine != "" && !knownLine(r.ProductLine) {
			return core.FieldError(field+".product_line", "unknown product line %q", r.ProductLine)
		}
		if r.ModelCode != "" && !knownModel(r.ModelCode) {
			return core.FieldError(field+".model_code", "unknown model %q", r.ModelCode)
		}
		if r.Amount < 0 || r.Amount > maxAmount {
			return core.FieldError(field+".amount", "must be between 0 and %d", int64(maxAmount))
		}
		k := key{r.ServiceType, r.ProductLine, r.ModelCode}
		if seen[k] {
			return core.FieldError(field, "a rate for this service type, line and model is listed twice")
		}
		seen[k] = true
	}
	if len(f.Travel) > 100 {
		return core.FieldError("travel", "at most 100 bands")
	}
	for i, b := range f.Travel {
		field := fmt.Sprintf("travel[%d]", i)
		if b.FromKm < 0 || b.FromKm > 100000 {
			return core.FieldError(field+".from_km", "must be between 0 and 100000")
		}
		if b.ToKm < 0 || (b.ToKm != 0 && b.ToKm <= b.FromKm) {
			return core.FieldError(field+".to_km", "must be above from_km, or 0 for no upper bound")
		}
		if b.Amount < 0 || b.Amount > maxAmount {
			return core.FieldError(field+".amount", "must be between 0 and %d", int64(maxAmount))
		}
	}
	// Overlaps are named by the band as the caller sent it.
	idx := make([]int, len(f.Travel))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return f.Travel[idx[a]].FromKm < f.Travel[idx[b]].FromKm })
	for n := 1; n < len(idx); n++ {
		prev, cur := f.Travel[idx[n-1]], f.Travel[idx[n]]
		if prev.ToKm == 0 || cur.FromKm < prev.ToKm {
			return core.FieldError(fmt.Sprintf("travel[%d].from_km", idx[n]),
				"the band %d-%s km overlaps the band from %d km", cur.FromKm, upper(cur.ToKm), prev.FromKm)
		}
	}
	sorted := make([]DistanceBand, len(idx))
	for n, i := range idx {
		sorted[n] = f.Travel[i]
	}
	f.Travel = sorted
	if f.Labour == nil {
		f.Labour = []LabourRate{}
	}
	return nil
}

func upper(to int) string {
	if to == 0 {
		return "∞"
	}
	return fmt.Sprint(to)
}

// LabourFor returns the labour amount for a service type on a model of a
// line, and which rate matched: "model", "line", "service_type" or
// "default".
func (f *FeeSchedule) LabourFor(serviceType, line, model string) (int64, string) {
	var byLine, byType *LabourRate
	for i := range f.Labour {
		r := &f.Labour[i]
		if r.ServiceType != serviceType {
			continue
		}
		switch {
		case r.ModelCode != "" && r.ModelCode == model:
			return r.Amount, "model"
		case r.ModelCode == "" && r.ProductLine != "" && r.ProductLine == line:
			byLine = r
		case r.ModelCode == "" && r.ProductLine == "":
			byType = r
		}
	}
	if byLine != nil {
		return byLine.Amount, "line"
	}
	if byType != nil {
		return byType.Amount, "service_type"
	}
	return f.DefaultLabour, "default"
}

// TravelFor returns the travel fee for a distance in km and the band it
// falls in; ok is false when no band covers it (the schedule has none
// there).
func (f *FeeSchedule) TravelFor(km float64) (int64, DistanceBand, bool) {
	for _, b := range f.Travel {
		if km >= float64(b.FromKm) && (b.ToKm == 0 || km < float64(b.ToKm)) {
			return b.Amount, b, true
		}
	}
	return 0, DistanceBand{}, false
}

// DefaultSchedule is the schedule of a tenant that has set none: CNY,
// nothing charged.
func DefaultSchedule() *FeeSchedule {
	return &FeeSchedule{Currency: "CNY", Labour: []LabourRate{}, Travel: []DistanceBand{}}
}
