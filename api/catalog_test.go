package api_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestServiceTypesAndDefaultCatalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	tok := acme.admin
	// Onboarding seeded the default catalogue.
	list := items(b.must(200, "GET", "/v1/service-types", tok, nil))
	require.Len(t, list, len(core.DefaultServiceTypes()))

	body := map[string]any{"name_zh": "上门检测", "name_en": "On-site check", "field": true, "respond_minutes": 30,
		"arrive_minutes": 600, "complete_minutes": 2880}
	created := b.must(201, "PUT", "/v1/service-types/site_check", tok, body)
	require.Equal(t, "site_check", created.str("code"))
	body["name_zh"], body["name_en"], body["respond_minutes"] = "报修", "Repair", 45
	replaced := b.must(200, "PUT", "/v1/service-types/repair", tok, body)
	require.Equal(t, float64(45), replaced.JSON["respond_minutes"])
	b.must(422, "PUT", "/v1/service-types/chat", tok, map[string]any{"name_zh": "聊天", "name_en": "Chat",
		"field": false, "arrive_minutes": 60, "respond_minutes": 0, "complete_minutes": 0})
	b.must(422, "PUT", "/v1/service-types/x", tok, map[string]any{"name_zh": "x", "name_en": "x", "field": true,
		"respond_minutes": -1, "arrive_minutes": 0, "complete_minutes": 0})

	// Seeding again (onboarding did it once) adds what is missing and
	// leaves the tenant's own settings alone.
	for i := 0; i < 2; i++ {
		require.NoError(t, core.InUnitOfWork(context.Background(), b.app.Store, acme.id, func(u core.UnitOfWork) error {
			return b.app.Catalog.SeedDefaultCatalog(context.Background(), u, core.LocaleZhCN)
		}))
	}
	list = items(b.must(200, "GET", "/v1/service-types", tok, nil))
	require.Len(t, list, len(core.DefaultServiceTypes())+1)
	byCode := map[string]map[string]any{}
	for _, st := range list {
		byCode[st["code"].(string)] = st
	}
	require.Equal(t, float64(45), byCode["repair"]["respond_minutes"], "the tenant's change survives seeding")
	require.Equal(t, "投诉", byCode["complaint"]["name_zh"])
	require.Equal(t, false, byCode["complaint"]["field"])
	require.Equal(t, true, byCode["installation"]["field"])
	require.Equal(t, "购买意向", byCode["purchase_lead"]["name_zh"])
	err := core.InUnitOfWork(context.Background(), b.app.Store, acme.id, func(u core.UnitOfWork) error {
		return b.app.Catalog.SeedDefaultCatalog(context.Background(), u, "fr")
	})
	require.Equal(t, core.EINVALID, core.ErrorCode(err))

	// Another tenant has its own catalogue.
	other := b.onboard("other")
	theirs := items(b.must(200, "GET", "/v1/service-types", other.admin, nil))
	require.Len(t, theirs, len(core.DefaultServiceTypes()))
	require.NotContains(t, theirs, byCode["site_check"])
	require.Contains(t, theirs, map[string]any{"code": "repair", "name_zh": "报修", "name_en": "Repair", "field": true,
		"respond_minutes": 120.0, "arrive_minutes": 1440.0, "complete_minutes": 4320.0})
}

func TestFaultCodeHierarchy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	tok := acme.admin
	for _, l := range []string{"AC", "WM"} {
		b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": l, "name_zh": l, "name_en": l})
	}
	fc := func(status int, kind, code, parent, line string) resp {
		body := map[string]any{"kind": kind, "code": code, "name_zh": code + "中", "name_en": code + " en"}
		if parent != "" {
			body["parent_code"] = parent
		}
		if line != "" {
			body["product_line"] = line
		}
		return b.must(status, "POST", "/v1/fault-codes", tok, body)
	}
	fc(201, "symptom", "E1", "", "AC")
	child := fc(201, "symptom", "E1-01", "E1", "")
	require.Equal(t, "AC", child.str("product_line"), "a child takes its parent's line")
	require.Equal(t, "E1", child.str("parent_code"))
	fc(201, "symptom", "E1-01-a", "E1-01", "AC")
	fc(201, "symptom", "NOISE", "", "")
	fc(201, "symptom", "NOISE-WM", "NOISE", "WM")
	fc(201, "cause", "E1", "", "")

	require.Contains(t, fc(422, "symptom", "E1-02", "E1", "WM").str("detail"), "AC")
	require.Contains(t, fc(422, "symptom", "E9-01", "E9", "").str("detail"), "E9")
	require.Contains(t, fc(422, "cause", "C1", "E1-01", "").str("detail"), "cause", "the parent must be of the same kind")
	require.Contains(t, fc(422, "symptom", "X1", "", "TV").str("detail"), "TV")
	fc(409, "symptom", "E1", "", "")
	fc(422, "symptom", "SELF", "SELF", "")
	fc(422, "smell", "S1", "", "")

	codes := func(query string) []string {
		var out []string
		for _, it := range items(b.must(200, "GET", "/v1/fault-codes?"+query, tok, nil)) {
			out = append(out, it["kind"].(string)+"/"+it["code"].(string))
		}
		return out
	}
	require.Equal(t, []string{"cause/E1", "symptom/E1", "symptom/E1-01", "symptom/E1-01-a", "symptom/NOISE", "symptom/NOISE-WM"}, codes(""))
	require.Equal(t, []string{"symptom/E1-01"}, codes("parent=E1"))
	require.Equal(t, []string{"symptom/E1", "symptom/NOISE"}, codes("kind=symptom&roots_only=true"))
	require.Equal(t, []string{"symptom/NOISE", "symptom/NOISE-WM"}, codes("kind=symptom&product_line=WM"),
		"a line's codes and the codes for all lines")
	require.Equal(t, []string{"cause/E1"}, codes("kind=cause&product_line=AC"))
	page := b.must(200, "GET", "/v1/fault-codes?limit=2", tok, nil)
	require.Equal(t, "symptom:E1", page.str("next_cursor"))
	require.Equal(t, []string{"symptom/E1-01", "symptom/E1-01-a"}, codes("limit=2&cursor=symptom:E1"))
	b.must(422, "GET", "/v1/fault-codes?cursor=garbage", tok, nil)

	// Another tenant sees none of them, and cannot hang codes under them.
	other := b.onboard("other")
	require.Empty(t, items(b.must(200, "GET", "/v1/fault-codes", other.admin, nil)))
	b.must(422, "POST", "/v1/fault-codes", other.admin, map[string]any{"kind": "symptom", "code": "E1-09",
		"parent_code": "E1", "name_zh": "x", "name_en": "x"})
}

func TestImportFaultCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	tok := acme.admin
	b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "AC"})
	b.must(201, "POST", "/v1/fault-codes", tok, map[string]any{"kind": "action", "code": "REPLACE", "name_zh": "更换", "name_en": "Replace"})
	body := `[
		{"kind": "symptom", "code": "E1-01-a", "parent_code": "E1-01", "name_zh": "孙", "name_en": "grandchild"},
		{"kind": "symptom", "code": "E1-01", "parent_code": "E1", "name_zh": "子", "name_en": "child"},
		{"kind": "symptom", "code": "E1", "product_line": "AC", "name_zh": "不制冷", "name_en": "Not cooling"},
		{"kind": "symptom", "code": "LOOP-A", "parent_code": "LOOP-B", "name_zh": "甲", "name_en": "a"},
		{"kind": "symptom", "code": "LOOP-B", "parent_code": "LOOP-A", "name_zh": "乙", "name_en": "b"},
		{"kind": "symptom", "code": "ORPHAN", "parent_code": "NOWHERE", "name_zh": "孤", "name_en": "orphan"},
		{"kind": "smell", "code": "S1", "name_zh": "味", "name_en": "smell"},
		{"kind": "symptom", "code": "E1", "name_zh": "重复", "name_en": "again"},
		{"kind": "action", "code": "REPLACE", "name_zh": "更换", "name_en": "Replace"},
		{"kind": "cause", "code": "C1", "product_line": "TV", "name_zh": "电视", "name_en": "TV"},
		{"kind": "cause", "code": 7},
		{"kind": "action", "code": "CLEAN", "parent_code": "REPLACE", "name_zh": "清洁", "name_en": "Clean"},
		{"kind": "symptom", "code": "E1-02", "parent_code": "E1", "product_line": "WM", "name_zh": "错线", "name_en": "wrong line"}
	]`
	r := b.must(200, "POST", "/v1/fault-codes/import", tok, body)
	require.Equal(t, float64(13), r.JSON["total"], "%s", r.Raw)
	require.Equal(t, float64(4), r.JSON["created"], "%s", r.Raw)
	errs := map[float64]string{}
	for _, e := range r.JSON["errors"].([]any) {
		m := e.(map[string]any)
		errs[m["row"].(float64)], _ = m["field"].(string)
	}
	require.Equal(t, map[float64]string{4: "parent_code", 5: "parent_code", 6: "parent_code", 7: "kind", 8: "code",
		9: "code", 10: "product_line", 11: "code", 13: "product_line"}, errs, "%s", r.Raw)

	var got []string
	for _, it := range items(b.must(200, "GET", "/v1/fault-codes", tok, nil)) {
		line, _ := it["product_line"].(string)
		got = append(got, it["kind"].(string)+"/"+it["code"].(string)+"/"+line)
	}
	require.Equal(t, []string{"action/CLEAN/", "action/REPLACE/", "symptom/E1/AC", "symptom/E1-01/AC", "symptom/E1-01-a/AC"}, got,
		"children placed after parents that came later in the file, and took their line")
	b.must(422, "POST", "/v1/fault-codes/import", tok, `{"kind": "symptom"}`)
}

// TestCheckFaultCodes exercises the store check that work orders call when
// a technician closes an order.
func TestCheckFaultCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme, other := b.onboard("acme"), b.onboard("other")
	for _, tok := range []string{acme.admin, other.admin} {
		for _, l := range []string{"AC", "WM"} {
			b.must(201, "POST", "/v1/product-lines", tok, map[string]any{"code": l, "name_zh": l, "name_en": l})
		}
	}
	for _, c := range [][3]string{{"symptom", "E1", "AC"}, {"cause", "C1", ""}, {"object", "O1", "AC"}, {"action", "A1", ""}, {"symptom", "W1", "WM"}} {
		body := map[string]any{"kind": c[0], "code": c[1], "name_zh": c[1], "name_en": c[1]}
		if c[2] != "" {
			body["product_line"] = c[2]
		}
		b.must(201, "POST", "/v1/fault-codes", acme.admin, body)
	}
	b.must(201, "POST", "/v1/fault-codes", other.admin, map[string]any{"kind": "cause", "code": "THEIRS", "name_zh": "x", "name_en": "x"})

	check := func(tenant tenantFixture, line string, codes map[string]string) error {
		return core.InUnitOfWork(context.Background(), b.app.Store, tenant.id, func(u core.UnitOfWork) error {
			return b.app.Catalog.CheckFaultCodes(context.Background(), u, line, codes)
		})
	}
	full := map[string]string{"symptom": "E1", "cause": "C1", "object": "O1", "action": "A1"}
	cases := []struct {
		name   string
		line   string
		codes  map[string]string
		field  string // "" when fine
		detail string
	}{
		{"all fit", "AC", full, "", ""},
		{"generic codes fit any line", "WM", map[string]string{"cause": "C1", "action": "A1"}, "", ""},
		{"an order without a line", "", full, "", ""},
		{"empty codes are skipped", "AC", map[string]string{"symptom": "E1", "cause": ""}, "", ""},
		{"nothing to check", "AC", nil, "", ""},
		{"unknown code", "AC", map[string]string{"symptom": "E1", "cause": "C9"}, "cause_code", "C9"},
		{"code of another kind", "AC", map[string]string{"object": "E1"}, "object_code", "E1"},
		{"code of another line", "AC", map[string]string{"symptom": "W1"}, "symptom_code", "WM"},
		{"the first problem is named", "WM", map[string]string{"symptom": "E1", "action": "A9"}, "symptom_code", "E1"},
		{"another tenant's code", "AC", map[string]string{"cause": "THEIRS"}, "cause_code", "THEIRS"},
		{"unknown kind", "AC", map[string]string{"smell": "E1"}, "fault_codes", "smell"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := check(acme, c.line, c.codes)
			if c.field == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, core.EINVALID, core.ErrorCode(err), "%v", err)
			require.Contains(t, err.(*core.Error).Fields, c.field)
			require.Contains(t, err.Error(), c.detail)
		})
	}
	require.NoError(t, check(other, "AC", map[string]string{"cause": "THEIRS"}))
}
