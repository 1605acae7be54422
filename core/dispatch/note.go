package dispatch

// noteTemplates are the templates of the texts the engine writes about a
// decision as a whole: Summary, NoCandidateReason, NoTechnicianReason and
// the Fallback of either. Unlike a candidate's reasons these are the
// engine's own words alone, so a text read back by its template is told
// apart from every other (ParseNote). Order matters where one template's
// text could also follow a later one. TestNotesFollowTemplates checks
// that the engine writes every note by one of them.
var noteTemplates = []Template{
	{"summary", "{examined:n} sites near the address examined, {covering:n} cover it, {eligible:n} eligible"},

	{"no_site_covers", "no active site covers the address"},
	{"no_active_site", "no active site covers the address ({covering:n} covering sites are suspended or closed)"},
	{"none_authorised", "sites cover the address but none is authorised for {line}"},
	{"all_at_capacity", "all covering sites authorised for {line} are at capacity"},
	{"all_rejected", "every covering site that could take the order has rejected it earlier"},
	{"rules_rejected_sites", "tenant rules rejected every candidate"},
	{"no_candidate", "no candidate"},

	{"no_technicians", "the site has no technicians on record"},
	{"rules_rejected_technicians", "tenant rules rejected every technician"},
	{"no_technician_on_duty", "no technician on duty has the required skills ({off:n} off duty, {unskilled:n} lacking skills)"},
	{"no_technician_with_skills", "no technician on duty has {skills} ({off:n} off duty, {unskilled:n} lacking skills)"},
	{"site_assigns", "the site assigns its own technicians; the ranking is a suggestion"},

	{"rules_late", "tenant rules did not answer in time ({cause}); built-in ranking used"},
	{"rules_failed", "tenant rules failed ({error}); built-in ranking used"},
	{"rules_unknown_candidate", "tenant rules answered with {id}, which was not a candidate; built-in ranking used"},
	{"rules_answered_twice", "tenant rules answered with {id} twice; built-in ranking used"},
}

// ParseNote reads a text the engine wrote about a decision as a whole (its
// summary, why there is no site or technician, why tenant rules were not
// used) back into the code of its template and its values. ok is false for
// any other text, such as one an older engine wrote.
func ParseNote(text string) (code string, values map[string]any, ok bool) {
	for _, t := range noteTemplates {
		if values, ok := MatchTemplate(t.Text, text); ok {
			return t.Code, values, true
		}
	}
	return "", nil, false
}

// Templates lists the templates of every reason and note the engine
// writes, for documentation.
func Templates() []Template {
	out := make([]Template, 0, int(reasonCodes)-1+len(noteTemplates))
	out = append(out, reasonTemplates[ReasonText+1:]...)
	return append(out, noteTemplates...)
}
