package claim

import (
	"regexp"

	"github.com/aftersales/aftersales/core"
)

// ClaimSettings are a tenant's claim prices and settlement terms. Money is in
// minor units of Currency.
type ClaimSettings struct {
	Currency        string `json:"currency" pattern:"^[A-Z]{3}$" example:"CNY"`
	LabourRate      int64  `json:"labour_rate" minimum:"0" doc:"Per standard hour, minor units."`
	TravelRatePerKm int64  `json:"travel_rate_per_km" minimum:"0" doc:"Per km of straight-line distance, minor units."`
	PartReturnDays  int    `json:"part_return_days" minimum:"1" maximum:"365" doc:"Defective parts must be back within this many days of completion. An alias of the tenant setting part_return_days (PATCH /v1/settings), the one window of field requests and claims: reading shows it, saving sets it."`
	ResponseMissFee int64  `json:"response_miss_fee" minimum:"0" doc:"Deducted from the site's statement per missed response deadline, minor units."`
	ArrivalMissFee  int64  `json:"arrival_miss_fee" minimum:"0" doc:"Deducted per missed arrival deadline, minor units."`
}

// DefaultSettings are a tenant's settings until it saves its own.
func DefaultSettings() ClaimSettings {
	return ClaimSettings{Currency: "CNY", LabourRate: 5000, TravelRatePerKm: 200, PartReturnDays: 15,
		ResponseMissFee: 2000, ArrivalMissFee: 5000}
}

var currency = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks settings; EINVALID naming the field.
func (s *ClaimSettings) Validate() error {
	switch {
	case !currency.MatchString(s.Currency):
		return core.FieldError("currency", "an ISO 4217 code such as CNY")
	case s.LabourRate < 0:
		return core.FieldError("labour_rate", "may not be negative")
	case s.TravelRatePerKm < 0:
		return core.FieldError("travel_rate_per_km", "may not be negative")
	case s.PartReturnDays < 1 || s.PartReturnDays > 365:
		return core.FieldError("part_return_days", "1-365 days")
	case s.ResponseMissFee < 0:
		return core.FieldError("response_miss_fee", "may not be negative")
	case s.ArrivalMissFee < 0:
		return core.FieldError("arrival_miss_fee", "may not be negative")
	}
	return nil
}
