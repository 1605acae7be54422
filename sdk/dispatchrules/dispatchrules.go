// Package dispatchrules is the dispatch-rules plugin kind: a tenant's own
// rules that filter and re-rank the candidate service sites of a dispatch
// decision, and choose the technician at the chosen site, each with reasons
// that the platform stores in the decision ("why this site").
//
// The platform ranks the sites itself first and asks the rules with the
// eligible ones, best first. It calls under a short deadline (about 200 ms):
// when the plugin errs, is late or answers with a site it was not given (or
// one twice), the platform keeps its built-in ranking and records that it
// fell back and why. So rules must be quick and must not call slow backends.
//
// A plugin implements Decider (protocol v2: one Decide call per decision,
// with the sites and the technicians of the first ones) and calls Serve
// from main. Plugin is protocol v1's interface (Rank, then
// ChooseTechnician: two calls per decision); plugins written for it keep
// working. A complete, tested plugin to start from is in the example
// directory (sdk/dispatchrules/example): its main_test.go builds the
// binary and runs it through sdk/plugintest.
package dispatchrules

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aftersales/aftersales/sdk"
)

// Point is a WGS-84 position in decimal degrees.
type Point struct {
	Lat float64
	Lon float64
}

// Order is the work order being dispatched, with what tenant rules
// commonly look at. IDs are the platform's UUIDs in text form.
type Order struct {
	ID           string
	ProductLine  string   // product line code
	ProductModel string   // model code; may be empty
	UnitSerial   string   // the customer's unit's serial number; may be empty
	ServiceType  string   // repair, installation, maintenance…
	Skills       []string // skills the technician must have
	// SellingDealerSiteID is the site ID of the dealer that sold the unit,
	// when the platform knows it; may be empty.
	SellingDealerSiteID string
	// PreferredSiteID is a site the agent or customer asked for; may be empty.
	PreferredSiteID string
	CustomerVIP     bool     // the customer is marked VIP
	CustomerTags    []string // the customer's tags
	Location        Point    // the customer's address, geocoded
	CreatedAt       time.Time
	// At is the moment of the decision; rules about days and hours use it
	// (not the plugin's clock) so that a decision can be replayed.
	At time.Time
	// TimeZone is the tenant's IANA time zone (e.g. "Asia/Shanghai"); At
	// and opening hours are read in it.
	TimeZone string
}

// SiteKind is what a service site is.
type SiteKind string

const (
	ServiceStation SiteKind = "service_station"
	RepairCenter   SiteKind = "repair_center"
	Dealer         SiteKind = "dealer"
)

// Components are the built-in score's components, each in [0, 1], higher
// is better.
type Components struct {
	Distance   float64
	Load       float64
	Reputation float64
	SLARisk    float64
}

// Opening is one opening period of a site on one weekday, in local time of
// Order.TimeZone. A site may have several periods per day.
type Opening struct {
	Day  time.Weekday
	From string // "08:30"
	To   string // "18:00"
}

// Candidate is one eligible site.
type Candidate struct {
	SiteID     string
	Name       string
	Kind       SiteKind
	DistanceKm float64 // from the site to the customer's address
	Score      float64 // the built-in score in [0, 1]; a rule may change it
	Components Components
	// Opening lists the site's opening periods; empty when the platform
	// does not know them.
	Opening []Opening
	// Tags are the free labels the tenant's admins gave the site (such as
	// "24h" or "flagship"): trimmed, de-duplicated and sorted.
	Tags []string
	// Reasons: a rule appends its own, which the platform puts after its
	// reasons for the candidate in the decision. The platform does not send
	// its reasons (their numbers are in the fields above), so a request's
	// are empty; a rule keeps those it is given, as a test harness may send
	// some.
	Reasons []string
}

// OpenOn reports whether the site has an opening period on day. It is
// false when the opening hours are unknown; check len(Opening) for that.
func (c Candidate) OpenOn(day time.Weekday) bool {
	for _, o := range c.Opening {
		if o.Day == day {
			return true
		}
	}
	return false
}

// Exclusion is a candidate (site or technician) the rules dropped, and why.
type Exclusion struct {
	ID     string
	Reason string
}

// RankRequest carries the order and its eligible sites, best first.
type RankRequest struct {
	Order      Order
	Candidates []Candidate
}

// RankResponse is the rules' answer.
type RankResponse struct {
	// Candidates are the kept sites in the rules' order, each one of the
	// request's at most once. A site neither here nor in Excluded counts as
	// excluded without a reason. Only SiteID, Score and Reasons of each
	// travel back to the platform, which keeps the other fields as it sent
	// them: a rule re-ranks, re-scores and explains, nothing else.
	Candidates []Candidate
	Excluded   []Exclusion
	// Reasons are about the decision as a whole ("Sunday: only sites open
	// on Sundays").
	Reasons []string
}

// TechStatus is a technician's availability.
type TechStatus string

const (
	TechAvailable TechStatus = "available"
	TechBusy      TechStatus = "busy"
	TechOff       TechStatus = "off"
)

// TechComponents are the built-in technician score's components, each in
// [0, 1], higher is better.
type TechComponents struct {
	Skills   float64
	Distance float64
	Workload float64
}

// TechCandidate is one eligible technician of the chosen site.
type TechCandidate struct {
	TechnicianID string
	Name         string
	Status       TechStatus
	Skills       []string
	Tags         []string // as Candidate.Tags, the technician's (such as "senior" or "gas-certified")
	DistanceKm   float64
	LocationFrom string // "last location" or "site"
	Score        float64
	Components   TechComponents
	Reasons      []string // as Candidate.Reasons
}

// TechnicianRequest carries the order, the chosen site and its eligible
// technicians, best first.
type TechnicianRequest struct {
	Order      Order
	SiteID     string
	Candidates []TechCandidate
}

// TechnicianResponse is the rules' answer; the first candidate is
// assigned. As in RankResponse, only TechnicianID, Score and Reasons of each
// candidate travel back.
type TechnicianResponse struct {
	Candidates []TechCandidate
	Excluded   []Exclusion
	Reasons    []string
}

// Configurer is what every dispatch-rules plugin implements. The
// platform calls Configure once after starting the process, before
// anything else; the other methods may then be called concurrently.
type Configurer interface {
	// Configure receives the binding's configuration (JSON). A
	// configuration the plugin cannot use: sdk.BadRequest.
	Configure(ctx context.Context, config json.RawMessage) error
}

// Plugin is protocol v1's interface: Rank, then ChooseTechnician for the
// site the platform chose, two calls per decision. New plugins implement
// Decider instead.
type Plugin interface {
	Configurer
	// Rank filters and re-ranks the eligible sites.
	Rank(ctx context.Context, req RankRequest) (RankResponse, error)
	// ChooseTechnician filters and re-ranks the eligible technicians.
	ChooseTechnician(ctx context.Context, req TechnicianRequest) (TechnicianResponse, error)
}

// Serve serves impl to the host over the plugin protocol and returns when
// the host stops the plugin. Call it from main. impl implements Decider
// (protocol v2, and v1 through Decide for platforms that predate v2),
// Plugin (protocol v1 only), or both (v1 then is its Rank and
// ChooseTechnician); the platform uses the newest version both sides
// speak. Serve panics when impl implements neither.
func Serve(impl Configurer, opts ...sdk.ServeOption) { serve(impl, opts) }
