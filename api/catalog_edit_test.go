package api_test

import (
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// problemField is where a 422's single error points.
func problemField(t *testing.T, r resp) string {
	t.Helper()
	errs, _ := r.JSON["errors"].([]any)
	require.Len(t, errs, 1, "%s", r.Raw)
	return errs[0].(map[string]any)["location"].(string)
}

// TestEditProductLines: an admin renames and retires a line with the
// version read; a stale version is a 409, bad fields a 422 naming the
// field, and neither changes anything; a retired line takes no new model
// and is listed by status; another tenant's line is not found; an agent
// may not change it; each change is in the audit log with before/after.
func TestEditProductLines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, globex := b.onboard("acme"), b.onboard("globex")
	tok := acme.admin
	line := b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "AC"})
	require.Equal(t, "active", line.str("status"))
	require.Equal(t, 1.0, line.JSON["version"])

	up := b.must(200, "PATCH", "/v1/product-lines/AC", tok, map[string]any{"version": 1, "name_en": "Air conditioners"})
	require.Equal(t, "Air conditioners", up.str("name_en"))
	require.Equal(t, "空调", up.str("name_zh"))
	require.Equal(t, 2.0, up.JSON["version"])

	unchanged := func() {
		t.Helper()
		got := b.must(200, "GET", "/v1/product-lines/AC", tok, nil)
		require.Equal(t, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners", "status": "active",
			"version": 2.0}, got.JSON)
	}
	stale := b.must(409, "PATCH", "/v1/product-lines/AC", tok, map[string]any{"version": 1, "name_zh": "冷气"})
	require.Contains(t, stale.str("detail"), "version 2")
	unchanged()
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"version": 2, "name_zh": ""}, "body.name_zh"},
		{map[string]any{"version": 2, "status": "gone"}, "body.status"},
		{map[string]any{"version": 0, "name_zh": "冷气"}, "body.version"},
		{map[string]any{"version": 2, "code": "AC2"}, "body.code"},
	} {
		require.Equal(t, c.field, problemField(t, b.must(422, "PATCH", "/v1/product-lines/AC", tok, c.body)), "%v", c.body)
	}
	unchanged()

	// Retired: no new models, listed by status, its model kept.
	b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-35", "name": "x", "warranty_months": 12})
	b.must(200, "PATCH", "/v1/product-lines/AC", tok, map[string]any{"version": 2, "status": "retired"})
	refused := b.must(422, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-50", "name": "x", "warranty_months": 12})
	require.Equal(t, "body.product_line", problemField(t, refused))
	require.Contains(t, string(refused.Raw), "retired")
	require.Empty(t, items(b.must(200, "GET", "/v1/product-lines?status=active", tok, nil)))
	require.Len(t, items(b.must(200, "GET", "/v1/product-lines?status=retired", tok, nil)), 1)
	require.Len(t, items(b.must(200, "GET", "/v1/product-models?product_line=AC", tok, nil)), 1)
	b.must(422, "GET", "/v1/product-lines?status=gone", tok, nil)
	b.must(200, "PATCH", "/v1/product-lines/AC", tok, map[string]any{"version": 3, "status": "active"})
	b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-50", "name": "x", "warranty_months": 12})

	// Another tenant's line is not found, and theirs is theirs.
	b.must(404, "GET", "/v1/product-lines/AC", globex.admin, nil)
	b.must(404, "PATCH", "/v1/product-lines/AC", globex.admin, map[string]any{"version": 4, "name_zh": "劫持"})
	b.must(404, "PATCH", "/v1/product-lines/TV", tok, map[string]any{"version": 1, "name_zh": "电视"})
	_, agent := b.createUser(tok, "acme", "li.na", []string{"agent"}, map[string]any{"all": true})
	b.must(200, "GET", "/v1/product-lines/AC", agent, nil)
	b.must(403, "PATCH", "/v1/product-lines/AC", agent, map[string]any{"version": 4, "name_zh": "冷气"})
	require.Equal(t, "空调", b.must(200, "GET", "/v1/product-lines/AC", tok, nil).str("name_zh"))

	events := b.auditEvents("/v1/audit-events", tok, url.Values{"resource_type": {"product_line"}}, "50")
	require.Len(t, events, 4, "created, renamed, retired, reactivated")
	rename := events[2] // newest first
	require.Equal(t, "update", rename["action"])
	require.Equal(t, "AC", rename["resource_id"])
	require.Equal(t, "AC", rename["before"].(map[string]any)["name_en"])
	require.Equal(t, "Air conditioners", rename["after"].(map[string]any)["name_en"])
	require.Empty(t, b.auditEvents("/v1/audit-events", globex.admin, url.Values{"resource_type": {"product_line"}}, "50"))
}

// TestEditProductModels: code, name, warranty, labour and status change
// with the version read; a taken code or a stale version is a 409, bad
// fields a 422, and neither changes anything; the new warranty term shows
// on the model's units; another tenant's model is not found.
func TestEditProductModels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.newProducts("acme")
	globex := b.onboard("globex")
	tok := f.tenant.admin
	path := "/v1/product-models/" + f.model.String()
	other := b.must(201, "POST", "/v1/product-models", tok, map[string]any{"product_line": "AC", "code": "KFR-50",
		"name": "柜式空调", "warranty_months": 12})

	up := b.must(200, "PATCH", path, tok, map[string]any{"version": 1, "warranty_months": 36, "labour_hours": 2.345, "name": "壁挂式空调"})
	require.Equal(t, 36.0, up.JSON["warranty_months"])
	require.Equal(t, 2.35, up.JSON["labour_hours"], "rounded to hundredths")
	require.Equal(t, "KFR-35GW", up.str("code"))
	require.Equal(t, 2.0, up.JSON["version"])
	want := b.must(200, "GET", path, tok, nil).JSON
	require.Equal(t, up.JSON, want)

	taken := b.must(409, "PATCH", path, tok, map[string]any{"version": 2, "code": "KFR-50"})
	require.Contains(t, taken.str("detail"), "KFR-50")
	b.must(409, "PATCH", path, tok, map[string]any{"version": 1, "name": "stale"})
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"version": 2, "warranty_months": 241}, "body.warranty_months"},
		{map[string]any{"version": 2, "labour_hours": -1}, "body.labour_hours"},
		{map[string]any{"version": 2, "code": "KFR 35"}, "body.code"},
		{map[string]any{"version": 2, "status": "sold_out"}, "body.status"},
		{map[string]any{"version": 2, "product_line": "WM"}, "body.product_line"},
	} {
		require.Equal(t, c.field, problemField(t, b.must(422, "PATCH", path, tok, c.body)), "%v", c.body)
	}
	require.Equal(t, want, b.must(200, "GET", path, tok, nil).JSON, "nothing changed")

	// The warranty term applies to the model's units.
	unit := b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "KFR35-0001", "purchase_date": "2024-01-15"})
	require.Equal(t, "2027-01-15", unit.JSON["warranty"].(map[string]any)["expires_on"])

	retired := b.must(200, "PATCH", path, tok, map[string]any{"version": 2, "status": "retired"})
	require.Equal(t, "retired", retired.str("status"))
	active := items(b.must(200, "GET", "/v1/product-models?status=active", tok, nil))
	require.Len(t, active, 1)
	require.Equal(t, other.str("id"), active[0]["id"])
	kept := b.must(200, "GET", "/v1/units/"+unit.str("id"), tok, nil)
	require.Equal(t, "KFR-35GW", kept.JSON["model"].(map[string]any)["code"], "a retired model's units keep it")

	b.must(404, "GET", path, globex.admin, nil)
	b.must(404, "PATCH", path, globex.admin, map[string]any{"version": 3, "name": "hijacked"})
	b.must(404, "PATCH", "/v1/product-models/"+uuid.NewString(), tok, map[string]any{"version": 1, "name": "x"})
	require.Equal(t, "壁挂式空调", b.must(200, "GET", path, tok, nil).str("name"))

	events := b.auditEvents("/v1/audit-events", tok, url.Values{"resource_type": {"product_model"}, "resource_id": {f.model.String()}}, "50")
	require.Len(t, events, 3, "created, updated, retired")
	require.Equal(t, 12.0, events[1]["before"].(map[string]any)["warranty_months"])
	require.Equal(t, 36.0, events[1]["after"].(map[string]any)["warranty_months"])
}

// TestServiceTypeSLAEdits: a put changes the SLA targets and is audited
// with before and after; a target out of range, or an arrival target on
// a type that is not dispatched, is a 422 naming the field and changes
// nothing; another tenant's types are its own.
func TestServiceTypeSLAEdits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, globex := b.onboard("acme"), b.onboard("globex")
	repair := func(tok string) map[string]any {
		for _, st := range items(b.must(200, "GET", "/v1/service-types?limit=100", tok, nil)) {
			if st["code"] == "repair" {
				return st
			}
		}
		t.Fatal("no repair type")
		return nil
	}
	before := repair(acme.admin)
	body := map[string]any{"name_zh": "报修", "name_en": "Repair", "field": true, "respond_minutes": 60, "arrive_minutes": 960, "complete_minutes": 2880}
	b.must(200, "PUT", "/v1/service-types/repair", acme.admin, body)
	after := repair(acme.admin)
	require.Equal(t, 60.0, after["respond_minutes"])
	require.Equal(t, before, repair(globex.admin), "the other tenant's type is untouched")

	for _, c := range []struct {
		change map[string]any
		field  string
	}{
		{map[string]any{"respond_minutes": -5}, "body.respond_minutes"},
		{map[string]any{"complete_minutes": 525601}, "body.complete_minutes"},
		{map[string]any{"field": false}, "body.arrive_minutes"},
	} {
		bad := map[string]any{}
		for k, v := range body {
			bad[k] = v
		}
		for k, v := range c.change {
			bad[k] = v
		}
		require.Equal(t, c.field, problemField(t, b.must(422, "PUT", "/v1/service-types/repair", acme.admin, bad)), "%v", c.change)
	}
	require.Equal(t, after, repair(acme.admin), "nothing changed")
	b.must(200, "PUT", "/v1/service-types/repair", acme.admin, body) // the same again: no change recorded

	events := b.auditEvents("/v1/audit-events", acme.admin, url.Values{"resource_type": {"service_type"}}, "50")
	require.Len(t, events, 1)
	require.Equal(t, "repair", events[0]["resource_id"])
	require.Equal(t, 120.0, events[0]["before"].(map[string]any)["respond_minutes"])
	require.Equal(t, 60.0, events[0]["after"].(map[string]any)["respond_minutes"])
}

// TestImportFaultCodesCSV: a CSV file of fault codes, parents after their
// children, one bad row: the valid rows are created, the bad one is
// reported with its CSV line and column; a bad header writes nothing; the
// other tenant sees none of them.
func TestImportFaultCodesCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, globex := b.onboard("acme"), b.onboard("globex")
	tok := acme.admin
	b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	file := "\xef\xbb\xbfkind,code,parent_code,product_line,name_zh,name_en\n" +
		"symptom,E1-01,E1,,制冷效果差,Cools poorly\n" +
		"symptom,E1,,AC,不制冷,Not cooling\n" +
		"cause,C9,NOPE,,未知,Unknown\n" +
		"action,A1,,,更换压缩机,Replace the compressor\n"
	r := b.must(200, "POST", "/v1/fault-codes/import", tok, file, csvHeader...)
	require.Equal(t, map[string]any{"total": 4.0, "created": 3.0, "updated": 0.0, "failed": 1.0,
		"errors": []any{map[string]any{"row": 4.0, "field": "parent_code", "message": `no cause code "NOPE"`}}}, r.JSON)
	child := items(b.must(200, "GET", "/v1/fault-codes?kind=symptom&parent=E1", tok, nil))
	require.Len(t, child, 1)
	require.Equal(t, "AC", child[0]["product_line"], "took its parent's line")
	require.Len(t, items(b.must(200, "GET", "/v1/fault-codes?product_line=AC", tok, nil)), 3)

	bad := b.must(422, "POST", "/v1/fault-codes/import", tok, "kind,code,colour\nsymptom,E2,red\n", csvHeader...)
	require.Contains(t, bad.str("detail"), "colour")
	b.must(415, "POST", "/v1/fault-codes/import", tok, file, "Content-Type", "text/plain")
	require.Len(t, items(b.must(200, "GET", "/v1/fault-codes", tok, nil)), 3, "nothing more written")
	require.Empty(t, items(b.must(200, "GET", "/v1/fault-codes", globex.admin, nil)))
}
