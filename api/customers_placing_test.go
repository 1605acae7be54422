package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScopedCallerPlacesCustomersInScope: a caller scoped to some regions
// creates, changes and imports customers only with addresses in their
// scope; the rest is a 403 naming the field (a per-row failure in an
// import), and nothing is stored. A tenant-wide caller places them
// anywhere.
func TestScopedCallerPlacesCustomersInScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	sz := b.createRegion(admin, &n.gd, "city", "GD-SZ", "深圳市")
	_, gdAgent := b.createUser(admin, "acme", "gd.agent", []string{"agent"}, map[string]any{"regions": []string{n.gd.String()}})
	address := func(text string, region any) map[string]any {
		a := map[string]any{"address": text}
		if region != nil {
			a["region_id"] = region
		}
		return a
	}

	r := b.must(201, "POST", "/v1/customers", gdAgent, map[string]any{"name": "深圳客户",
		"addresses": []any{address("深圳市南山区 1 号", sz.String())}})
	require.Equal(t, sz.String(), r.JSON["addresses"].([]any)[0].(map[string]any)["region_id"], "a city below the scope's province")

	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"an address in another province", map[string]any{"name": "越界客户", "addresses": []any{address("南宁 1 号", n.gx.String())}},
			"body.addresses[0].region_id"},
		{"by region code", map[string]any{"name": "越界客户", "addresses": []any{map[string]any{"address": "南宁 1 号", "region_code": "GX"}}},
			"body.addresses[0].region_code"},
		{"an address with no region", map[string]any{"name": "越界客户", "addresses": []any{address("某地", nil)}},
			"body.addresses[0].region_id"},
		{"no address", map[string]any{"name": "越界客户"}, "body.addresses"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(403, "POST", "/v1/customers", gdAgent, c.body)
			require.Equal(t, "forbidden", r.str("code"))
			require.Contains(t, locations(r), c.field, "%s", r.Raw)
		})
	}
	require.Empty(t, b.must(200, "GET", "/v1/customers?q=越界", admin, nil).JSON["items"], "nothing stored")
	b.must(201, "POST", "/v1/customers", admin, map[string]any{"name": "广西客户", "addresses": []any{address("南宁 1 号", n.gx.String())}})

	// A customer in both provinces: the GD agent may resend the GX
	// address as it is, not change it.
	both := b.must(201, "POST", "/v1/customers", admin, map[string]any{"name": "两地客户",
		"addresses": []any{address("深圳 9 号", sz.String()), address("南宁 9 号", n.gx.String())}})
	id := both.str("id")
	r = b.must(403, "PATCH", "/v1/customers/"+id, gdAgent, map[string]any{"version": 1,
		"addresses": []any{address("深圳 9 号", sz.String()), address("南宁 9 号 之二", n.gx.String())}})
	require.Contains(t, locations(r), "body.addresses[1].region_id")
	got := b.must(200, "GET", "/v1/customers/"+id, admin, nil)
	require.EqualValues(t, 1, got.JSON["version"], "nothing changed")
	require.Equal(t, "南宁 9 号", got.JSON["addresses"].([]any)[1].(map[string]any)["address"])
	r = b.must(200, "PATCH", "/v1/customers/"+id, gdAgent, map[string]any{"version": 1, "name": "两地客户甲",
		"addresses": []any{address("深圳 9 号 之一", sz.String()), address("南宁 9 号", n.gx.String())}})
	require.Len(t, r.JSON["addresses"], 2)

	csv := "name,address,region\n导入甲,深圳 5 号,GD-SZ\n导入乙,南宁 5 号,GX\n"
	rep := b.must(200, "POST", "/v1/customers/import", gdAgent, csv, "Content-Type", "text/csv")
	require.EqualValues(t, 1, rep.JSON["created"])
	require.EqualValues(t, 1, rep.JSON["failed"])
	row := rep.JSON["errors"].([]any)[0].(map[string]any)
	require.EqualValues(t, 3, row["row"])
	require.Equal(t, "region", row["field"])
	require.Equal(t, "is outside your scope", row["message"])
	require.Len(t, b.must(200, "GET", "/v1/customers?q=导入", admin, nil).JSON["items"], 1)
}

// TestWorkOrdersOfACustomer: list-work-orders takes customer_id, within
// the caller's sight of orders.
func TestWorkOrdersOfACustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	order := b.intake(n, admin, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)
	other := b.must(201, "POST", "/v1/customers", admin, map[string]any{"name": "李雷"}).str("id")

	require.Equal(t, []string{order.str("id")}, itemIDs(b.must(200, "GET", "/v1/work-orders?customer_id="+n.customer.String(), admin, nil)))
	require.Empty(t, itemIDs(b.must(200, "GET", "/v1/work-orders?customer_id="+other, admin, nil)))
	require.Empty(t, itemIDs(b.must(200, "GET", "/v1/work-orders?customer_id="+n.customer.String(), n.gxMgrTok, nil)), "out of sight")
	r := b.must(422, "GET", "/v1/work-orders?customer_id=nope", admin, nil)
	require.Contains(t, string(r.Raw), "customer_id")
}
