package api

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core/workorder"
)

// documentReasons lists in the spec, under the Reason schema's code, every
// code a decision's reasons may have with its English template, from the
// templates the engine writes by: the spec cannot drift from them.
func documentReasons(a huma.API) {
	r := a.OpenAPI().Components.Schemas.Map()["Reason"]
	if r == nil || r.Properties["code"] == nil {
		panic("api: no Reason schema")
	}
	var b strings.Builder
	b.WriteString(r.Properties["code"].Description)
	b.WriteString(" The codes, each with the template of its English text ({name} a string value, {name:n} a number):")
	for _, t := range workorder.ReasonTemplates() {
		b.WriteString("\n- `" + t.Code + "`: " + t.Text)
	}
	r.Properties["code"].Description = b.String()
}
