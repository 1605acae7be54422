package workorder

import (
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// queueTemplates are the templates of the queue reasons this package
// writes itself; the engine's notes are the others.
var queueTemplates = []dispatch.Template{
	{Code: "no_geo_point", Text: noGeoPoint},
	{Code: "no_division", Text: noDivision},
	{Code: "no_suitable_site", Text: noSuitableSite},
	{Code: "lead_no_geo_point", Text: leadNoGeoPoint},
	{Code: "lead_no_dealer", Text: leadNoDealer},
}

// ReasonTemplates lists the templates of every coded reason a decision
// or a queue reason may hold, for documentation.
func ReasonTemplates() []dispatch.Template {
	return append(dispatch.Templates(), queueTemplates...)
}

// ExplainNote is the coded form of a note about a whole decision or a
// queue reason, written by the engine or by this package; nil for an
// empty text or one in other words (an older engine's, a person's).
func ExplainNote(text string) *core.Reason {
	if text == "" {
		return nil
	}
	if code, values, ok := dispatch.ParseNote(text); ok {
		return &core.Reason{Code: code, Values: values}
	}
	for _, t := range queueTemplates {
		if values, ok := dispatch.MatchTemplate(t.Text, text); ok {
			return &core.Reason{Code: t.Code, Values: values}
		}
	}
	return nil
}

// reasonDetails are a candidate's reasons in coded form, one for one:
// the engine's by their codes, those tenant rules added as text.
func reasonDetails(reasons []string, codes []dispatch.ReasonCode) []core.Reason {
	out := make([]core.Reason, len(reasons))
	for i, r := range reasons {
		out[i].Code = dispatch.ReasonText.String()
		if i < len(codes) {
			if values, ok := codes[i].Values(r); ok {
				out[i] = core.Reason{Code: codes[i].String(), Values: values}
			}
		}
	}
	return out
}
