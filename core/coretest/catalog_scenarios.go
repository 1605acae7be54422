package coretest

import (
	"cmp"
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// CatalogScenarios are the scenarios of the catalogues.
func CatalogScenarios() []CustomerScenario {
	return []CustomerScenario{
		{"a model needs a line of the tenant; codes are unique", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			k.model(t, 36)
			// Each failing change in a unit of its own: on PostgreSQL an
			// error ends the transaction.
			wantCode(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.catalog.CreateProductLine(ctx, u, core.ProductLine{Code: "AC", NameZh: "空调", NameEn: "AC"})
				return err
			}), core.ECONFLICT)
			createModel := func(tenant uuid.UUID, line string) error {
				return k.in(tenant, func(ctx context.Context, u core.UnitOfWork) error {
					_, err := k.catalog.CreateProductModel(ctx, u, core.NewProductModel{ProductLine: line, Code: "KFR-35", Name: "x"})
					return err
				})
			}
			wantCode(t, createModel(e.Tenant, "WM"), core.EINVALID)
			wantCode(t, createModel(e.Tenant, "AC"), core.ECONFLICT)
			wantCode(t, createModel(e.Other, "AC"), core.EINVALID)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				lines, _, err := k.catalog.FindProductLines(ctx, u, core.ProductLineFilter{})
				equal(t, "lines", len(lines), 1)
				models, _, err2 := k.catalog.FindProductModels(ctx, u, core.ProductModelFilter{ProductLine: "AC"})
				equal(t, "models", len(models), 1)
				equal(t, "warranty", models[0].WarrantyMonths, 36)
				return cmp.Or(err, err2)
			}))
		}},
		{"lines and models change at the version read, and a retired line takes no model", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			m := k.model(t, 12)
			p := func(s string) *string { return &s }
			updateLine := func(up core.ProductLineUpdate) (l *core.ProductLine, err error) {
				err = k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					l, err = k.catalog.UpdateProductLine(ctx, u, "AC", up)
					return err
				})
				return l, err
			}
			updateModel := func(up core.ProductModelUpdate) (out *core.ProductModel, err error) {
				err = k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					out, err = k.catalog.UpdateProductModel(ctx, u, m.ID, up)
					return err
				})
				return out, err
			}
			l, err := updateLine(core.ProductLineUpdate{Version: 1, NameEn: p("ACs"), Status: p(core.CatalogRetired)})
			must(t, err)
			equal(t, "version", l.Version, 2)
			equal(t, "name", l.NameEn, "ACs")
			equal(t, "kept", l.NameZh, "空调")
			same, err := updateLine(core.ProductLineUpdate{Version: 2, NameEn: p("ACs")})
			must(t, err)
			equal(t, "no change, no new version", same.Version, 2)
			_, err = updateLine(core.ProductLineUpdate{Version: 1, NameEn: p("stale")})
			wantCode(t, err, core.ECONFLICT)
			_, err = updateLine(core.ProductLineUpdate{Version: 2, Status: p("gone")})
			wantCode(t, err, core.EINVALID)
			wantCode(t, k.in(e.Other, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.catalog.UpdateProductLine(ctx, u, "AC", core.ProductLineUpdate{NameEn: p("theirs")})
				return err
			}), core.ENOTFOUND)
			wantCode(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.catalog.CreateProductModel(ctx, u, core.NewProductModel{ProductLine: "AC", Code: "KFR-50", Name: "x"})
				return err
			}), core.EINVALID)
			_, err = updateLine(core.ProductLineUpdate{Version: 2, Status: p(core.CatalogActive)})
			must(t, err)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				_, err := k.catalog.CreateProductModel(ctx, u, core.NewProductModel{ProductLine: "AC", Code: "KFR-50", Name: "x"})
				return err
			}))

			months, hours := 24, 2.345
			up, err := updateModel(core.ProductModelUpdate{Version: 1, WarrantyMonths: &months, LabourHours: &hours, Status: p(core.CatalogRetired)})
			must(t, err)
			equal(t, "months", up.WarrantyMonths, 24)
			equal(t, "hours", up.LabourHours, 2.35)
			equal(t, "status", up.Status, core.CatalogRetired)
			equal(t, "version", up.Version, 2)
			_, err = updateModel(core.ProductModelUpdate{Version: 2, Code: p("KFR-50")})
			wantCode(t, err, core.ECONFLICT)
			_, err = updateModel(core.ProductModelUpdate{Version: 1, Name: p("stale")})
			wantCode(t, err, core.ECONFLICT)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				active, _, err := k.catalog.FindProductModels(ctx, u, core.ProductModelFilter{Status: core.CatalogActive})
				equal(t, "active models", len(active), 1)
				equal(t, "active model", active[0].Code, "KFR-50")
				got, err2 := k.catalog.FindProductModelByID(ctx, u, m.ID)
				equal(t, "unchanged by the refused ones", *got, *up)
				return cmp.Or(err, err2)
			}))
		}},
		{"service types are put, listed and seeded without overwriting the tenant's", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				st, created, err := k.catalog.PutServiceType(ctx, u, core.ServiceType{Code: "repair", NameZh: "报修", NameEn: "Repair",
					Field: true, RespondMinutes: 45})
				must(t, err)
				equal(t, "replaced", created, false)
				equal(t, "respond", st.RespondMinutes, 45)
				_, created, err = k.catalog.PutServiceType(ctx, u, core.ServiceType{Code: "check", NameZh: "检测", NameEn: "Check"})
				must(t, err)
				equal(t, "created", created, true)
				_, _, err = k.catalog.PutServiceType(ctx, u, core.ServiceType{Code: "chat", NameZh: "聊", NameEn: "Chat", ArriveMinutes: 60})
				wantCode(t, err, core.EINVALID)
				wantCode(t, k.catalog.SeedDefaultCatalog(ctx, u, "fr"), core.EINVALID)
				return k.catalog.SeedDefaultCatalog(ctx, u, core.LocaleEn)
			}))
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				types, _, err := k.catalog.FindServiceTypes(ctx, u, "", 500)
				equal(t, "types", len(types), len(core.DefaultServiceTypes())+1)
				for _, st := range types {
					if st.Code == "repair" {
						equal(t, "kept", st.RespondMinutes, 45)
					}
				}
				return err
			}))
		}},
		{"fault codes form trees per kind, take their parent's line and import parents first", func(t *testing.T, e CustomerEnv) {
			k := e.kit()
			k.model(t, 12)
			ac, wm := "AC", "WM"
			code := func(kind, c string, parent, line *string) core.FaultCode {
				return core.FaultCode{Kind: kind, Code: c, ParentCode: parent, ProductLine: line, NameZh: c, NameEn: c}
			}
			p := func(s string) *string { return &s }
			create := func(f core.FaultCode) (*core.FaultCode, error) {
				var out *core.FaultCode
				err := k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
					out, err = k.catalog.CreateFaultCode(ctx, u, f)
					return err
				})
				return out, err
			}
			_, err := create(code(core.FaultSymptom, "E1", nil, &ac))
			must(t, err)
			child, err := create(code(core.FaultSymptom, "E1-01", p("E1"), nil))
			must(t, err)
			equal(t, "inherited line", *child.ProductLine, "AC")
			_, err = create(code(core.FaultSymptom, "E1-02", p("E1"), &wm))
			wantCode(t, err, core.EINVALID)
			_, err = create(code(core.FaultCause, "C1", p("E1"), nil))
			wantCode(t, err, core.EINVALID) // E1 is a symptom
			_, err = create(code(core.FaultCause, "C1", nil, &wm))
			wantCode(t, err, core.EINVALID) // no line WM
			_, err = create(code(core.FaultSymptom, "E1", nil, nil))
			wantCode(t, err, core.ECONFLICT)
			rows := []core.FaultCodeImportRow{
				{Row: 1, Code: code(core.FaultCause, "C1-1", p("C1"), nil)},
				{Row: 2, Code: code(core.FaultCause, "C1", nil, &ac)},
				{Row: 3, Code: code(core.FaultSymptom, "E1", nil, nil)},
				{Row: 4, Code: code(core.FaultCause, "L1", p("L2"), nil)},
				{Row: 5, Code: code(core.FaultCause, "L2", p("L1"), nil)},
				{Row: 6, Code: code(core.FaultCause, "C1", nil, nil)},
			}
			var rep *core.ImportReport
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) (err error) {
				rep, err = k.catalog.ImportFaultCodes(ctx, u, rows)
				return err
			}))
			equal(t, "created", rep.Created, 2)
			equal(t, "failed", rep.Failed, 4)
			must(t, k.in(e.Tenant, func(ctx context.Context, u core.UnitOfWork) error {
				codes, _, err := k.catalog.FindFaultCodes(ctx, u, core.FaultCodeFilter{Kind: core.FaultCause, Parent: "C1"})
				equal(t, "children", len(codes), 1)
				equal(t, "child's line", *codes[0].ProductLine, "AC")
				_, _, cerr := k.catalog.FindFaultCodes(ctx, u, core.FaultCodeFilter{After: "nocolon"})
				wantCode(t, cerr, core.EINVALID)
				must(t, k.catalog.CheckFaultCodes(ctx, u, "AC", map[string]string{"symptom": "E1-01", "cause": "C1"}))
				wantCode(t, k.catalog.CheckFaultCodes(ctx, u, "WM", map[string]string{"symptom": "E1"}), core.EINVALID)
				wantCode(t, k.catalog.CheckFaultCodes(ctx, u, "AC", map[string]string{"cause": "C9"}), core.EINVALID)
				wantCode(t, k.catalog.CheckFaultCodes(ctx, u, "AC", map[string]string{"smell": "E1"}), core.EINVALID)
				return err
			}))
		}},
	}
}
