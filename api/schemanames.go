package api

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/kb"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/report"
	"github.com/aftersales/aftersales/core/warranty"
)

// schemaNames are the spec names of core types whose Go names collide
// across areas (schema names in the spec are global: complaints,
// callbacks and the knowledge base each have Settings or a Category).
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[complaint.Settings](): "ComplaintSettings",
	reflect.TypeFor[callback.Settings]():  "CallbackSettings",
	reflect.TypeFor[kb.Category]():        "KBCategory",
	reflect.TypeFor[report.Metric]():      "ReportMetric",
	reflect.TypeFor[report.Row]():         "ReportRow",
	reflect.TypeFor[report.Point]():       "ReportPoint",
	reflect.TypeFor[report.Result]():      "ReportResult",
	reflect.TypeFor[report.DrillItem]():   "ReportDrillItem",
	reflect.TypeFor[warranty.Policy]():    "WarrantyPolicy",
	reflect.TypeFor[warranty.Component](): "WarrantyComponent",
	reflect.TypeFor[warranty.Decision]():  "WarrantyDecision",
	reflect.TypeFor[warranty.Item]():      "QuoteItem",
	reflect.TypeFor[warranty.PartLine]():  "QuotePartLine",
	reflect.TypeFor[parts.Part]():         "CatalogPart",
	reflect.TypeFor[parts.Reservation]():  "StockReservation",
	reflect.TypeFor[parts.Document]():     "StockDocument",
	reflect.TypeFor[parts.Line]():         "StockLine",
	reflect.TypeFor[parts.Account]():      "StockAccount",
	reflect.TypeFor[parts.Movement]():     "StockMovement",
}

// schemaNamer is Huma's default namer, except for schemaNames.
func schemaNamer(t reflect.Type, hint string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n, ok := schemaNames[t]; ok {
		return n
	}
	return huma.DefaultSchemaNamer(t, hint)
}
