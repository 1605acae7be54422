package dispatch

import (
	"strconv"
	"strings"
)

// ReasonCode is the kind of a reason the engine writes, so that a reader
// in another language can say it in theirs: each code has one template
// (reasonTemplates), the English text with a {name} for each value, and
// the engine writes the text by that template. A candidate's Codes hold
// one code per reason it wrote; the reasons tenant rules add after them
// have none.
type ReasonCode uint8

// The reasons of a site (explainSite), then of a technician
// (explainTechnician). New codes go at the end of their group's list in
// reasonTemplates; the names are stable, the numbers are not stored.
const (
	ReasonText ReasonCode = iota // free text (no template), e.g. from tenant rules

	ReasonOutsideArea
	ReasonCoversPolygon
	ReasonCoversRadius
	ReasonSiteInactive
	ReasonAuthorised
	ReasonNotAuthorised
	ReasonCapacity
	ReasonAtCapacity
	ReasonRejectedEarlier
	ReasonReputation
	ReasonLateRate
	ReasonLateRateUnknown
	ReasonSiteSkillsMissing
	ReasonPreferred
	ReasonSiteScore
	ReasonExcludedByRules
	ReasonCoversDistrict
	ReasonCoversDistrictSecondary

	ReasonLocationUnknown
	ReasonLocationStale
	ReasonLocationMinutes
	ReasonLocationHours
	ReasonOffDuty
	ReasonBusy
	ReasonAvailable
	ReasonLacksSkills
	ReasonNoSkillsRequired
	ReasonHasSkills
	ReasonOpenOrders
	ReasonTechnicianScore

	reasonCodes // the number of codes
)

// Template is a reason's template: its stable code and its English text
// with a {name} (a string) or {name:n} (a number) for each value.
type Template struct{ Code, Text string }

// reasonTemplates are the name and template of each ReasonCode. A value
// written as {name:n} is a number, {name} a string. The engine's writers
// (explainSite, explainTechnician) follow them; TestReasonsFollowTemplates
// checks that they do.
var reasonTemplates = [reasonCodes]Template{
	ReasonText:                    {"text", ""},
	ReasonOutsideArea:             {"outside_area", "excluded: preferred by the order but does not cover the address"},
	ReasonCoversPolygon:           {"covers_polygon", "covers address (polygon area, distance {km:n} km)"},
	ReasonCoversRadius:            {"covers_radius", "covers address (radius {radius_km:n} km, distance {km:n} km)"},
	ReasonSiteInactive:            {"site_inactive", "excluded: site is {status}"},
	ReasonAuthorised:              {"authorised", "authorised for line {line}"},
	ReasonNotAuthorised:           {"not_authorised", "excluded: not authorised for {line}"},
	ReasonCapacity:                {"capacity", "capacity {open:n}/{capacity:n} used"},
	ReasonAtCapacity:              {"at_capacity", "excluded: at capacity ({open:n}/{capacity:n} used)"},
	ReasonRejectedEarlier:         {"rejected_earlier", "excluded: rejected earlier"},
	ReasonReputation:              {"reputation", "reputation {reputation:n}/100"},
	ReasonLateRate:                {"late_rate", "late-arrival rate {percent:n}%"},
	ReasonLateRateUnknown:         {"late_rate_unknown", "late-arrival rate unknown (counted as 50%)"},
	ReasonSiteSkillsMissing:       {"site_skills_missing", "site does not list skills {skills} (technicians are checked next)"},
	ReasonPreferred:               {"preferred", "preferred by the order: ranked first"},
	ReasonSiteScore:               {"site_score", "score {score:n} (distance {distance:n}, load {load:n}, reputation {reputation:n}, on-time {on_time:n})"},
	ReasonExcludedByRules:         {"excluded_by_rules", "excluded: by tenant rules"},
	ReasonCoversDistrict:          {"covers_district", "covers address (district {district} {district_name}, distance {km:n} km)"},
	ReasonCoversDistrictSecondary: {"covers_district_secondary", "covers address (district {district} {district_name}, secondary, distance {km:n} km)"},

	ReasonLocationUnknown:  {"location_unknown", "location unknown: {km:n} km from the site"},
	ReasonLocationStale:    {"location_stale", "last location {hours:n} h old, stale: {km:n} km from the site"},
	ReasonLocationMinutes:  {"location_minutes", "{km:n} km from last location ({minutes:n} min ago)"},
	ReasonLocationHours:    {"location_hours", "{km:n} km from last location ({hours:n} h ago)"},
	ReasonOffDuty:          {"off_duty", "excluded: off duty"},
	ReasonBusy:             {"busy", "busy: ranked after available technicians"},
	ReasonAvailable:        {"available", "available"},
	ReasonLacksSkills:      {"lacks_skills", "excluded: lacks skills {skills}"},
	ReasonNoSkillsRequired: {"no_skills_required", "no skills required"},
	ReasonHasSkills:        {"has_skills", "has required skills {skills} (the order uses {used:n} of its {held:n} skills)"},
	ReasonOpenOrders:       {"open_orders", "{count:n} open orders"},
	ReasonTechnicianScore:  {"technician_score", "score {score:n} (skills {skills:n}, distance {distance:n}, workload {workload:n})"},
}

// String is the code's stable name, e.g. "covers_radius".
func (c ReasonCode) String() string {
	if c >= reasonCodes {
		return reasonTemplates[ReasonText].Code
	}
	return reasonTemplates[c].Code
}

// Values are the values text was written with, by name, read back by c's
// template: numbers as float64, the rest as strings. ok is false when text
// does not follow the template (or c is ReasonText): a reader then shows
// the text.
func (c ReasonCode) Values(text string) (values map[string]any, ok bool) {
	if c == ReasonText || c >= reasonCodes {
		return nil, false
	}
	return MatchTemplate(reasonTemplates[c].Text, text)
}

// MatchTemplate reads the values of text written by template, which is
// literal text with a {name} (a string) or {name:n} (a number) for each
// value. A value runs to the first occurrence of the literal after it (to
// the end of text for the last one), so no literal may appear inside the
// value before it. ok is false when text does not follow the template.
func MatchTemplate(template, text string) (values map[string]any, ok bool) {
	values = map[string]any{}
	for {
		open := strings.IndexByte(template, '{')
		if open < 0 {
			if template != text {
				return nil, false
			}
			return values, true
		}
		var found bool
		if text, found = strings.CutPrefix(text, template[:open]); !found {
			return nil, false
		}
		shut := strings.IndexByte(template[open:], '}') + open
		name, kind, _ := strings.Cut(template[open+1:shut], ":")
		template = template[shut+1:]
		next := template
		if i := strings.IndexByte(next, '{'); i >= 0 {
			next = next[:i]
		}
		end := len(text) - len(next) // the last value runs to the literal that ends text
		if next != "" && strings.IndexByte(template, '{') >= 0 {
			end = strings.Index(text, next)
		}
		if end <= 0 || (next == "" && strings.IndexByte(template, '{') >= 0) {
			return nil, false
		}
		raw := text[:end]
		text = text[end:]
		if kind != "n" {
			values[name] = raw
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, false
		}
		values[name] = v
	}
}
