package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// addWorkOrder inserts a work order row straight into the table (work
// orders have their own endpoints; the screen pop only reads them).
func (b *testBundle) addWorkOrder(tenant, customer uuid.UUID, number, state string, at time.Time) {
	b.t.Helper()
	b.sqlIn(tenant, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type,
		created_by, created_at, updated_at) VALUES ($1, $2, $3, 'repair', 'phone', $4, $5, 'repair', 'test', $6, $6)`,
		tenant, uuid.New(), number, state, customer, at)
}

func screenPop(b *testBundle, token, phone string) resp {
	b.t.Helper()
	return b.must(200, "GET", "/v1/screen-pop?phone="+url.QueryEscape(phone), token, nil)
}

func TestScreenPopKnownCaller(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.newProducts("acme")
	tok, tid := f.tenant.admin, f.tenant.id
	cn := b.createRegion(tok, nil, "country", "CN", "中国")
	b.must(200, "PATCH", "/v1/customers/"+f.customer.String(), tok, map[string]any{"version": 1, "vip": true,
		"phones":    []map[string]any{{"phone": "13800138000", "label": "mobile"}, {"phone": "010-12345678", "label": "home"}},
		"addresses": []map[string]any{{"label": "home", "address": "北京市海淀区", "region_id": cn, "lat": 39.96, "lon": 116.3}}})
	recent := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "OLD-1", "purchase_date": "2018-06-30"})
	b.must(201, "POST", "/v1/units", tok, map[string]any{"customer_id": f.customer, "model_id": f.model,
		"serial": "NEW-1", "purchase_date": recent})
	base := time.Now().Add(-10 * 24 * time.Hour).Truncate(time.Second)
	for i := 1; i <= 7; i++ {
		b.addWorkOrder(tid, f.customer, fmt.Sprintf("WO-%03d", i), "closed", base.Add(time.Duration(i)*time.Hour))
	}
	// Another customer of the tenant, with another phone, stays out.
	b.createCustomer(tok, "李雷", "13900139000")

	r := screenPop(b, tok, "+86 138-0013-8000")
	require.Equal(t, "8613800138000", r.str("phone"))
	require.Equal(t, false, r.JSON["unknown_caller"])
	cs := r.JSON["customers"].([]any)
	require.Len(t, cs, 1)
	c := cs[0].(map[string]any)
	require.Equal(t, f.customer.String(), c["id"])
	require.Equal(t, "王芳", c["name"])
	require.Equal(t, true, c["vip"])
	require.Equal(t, float64(2), c["version"])
	require.Equal(t, []any{map[string]any{"phone": "861012345678", "label": "home"},
		map[string]any{"phone": "8613800138000", "label": "mobile"}}, c["phones"])
	addr := c["addresses"].([]any)[0].(map[string]any)
	require.Equal(t, "北京市海淀区", addr["address"])
	require.Equal(t, cn.String(), addr["region_id"])
	require.Equal(t, 39.96, addr["lat"])

	units := c["units"].([]any)
	require.Len(t, units, 2)
	newest, oldest := units[0].(map[string]any), units[1].(map[string]any)
	require.Equal(t, "NEW-1", newest["serial"], "newest purchase first")
	require.Equal(t, recent, newest["purchase_date"])
	require.Equal(t, true, newest["warranty"].(map[string]any)["in_warranty"])
	require.Equal(t, map[string]any{"in_warranty": false, "expires_on": "2019-06-30", "days_left": 0.0}, oldest["warranty"])
	require.Equal(t, map[string]any{"code": "KFR-35GW", "name": "壁挂式空调 1.5 匹", "product_line": "AC",
		"product_line_name_zh": "空调", "product_line_name_en": "Air conditioners", "warranty_months": 12.0}, oldest["model"])
	// The screen pop shows a unit as GET /v1/units/{id} does.
	require.Equal(t, b.must(200, "GET", "/v1/units/"+newest["id"].(string), tok, nil).JSON, newest)

	orders := c["recent_work_orders"].([]any)
	var numbers []string
	for _, o := range orders {
		numbers = append(numbers, o.(map[string]any)["number"].(string))
	}
	require.Equal(t, []string{"WO-007", "WO-006", "WO-005", "WO-004", "WO-003"}, numbers, "the last 5, newest first")
	o := orders[0].(map[string]any)
	require.Equal(t, "closed", o["state"])
	require.Equal(t, "repair", o["type"])
	at, err := time.Parse(time.RFC3339, o["created_at"].(string))
	require.NoError(t, err)
	require.True(t, at.Equal(base.Add(7*time.Hour)), "%v", at)
	require.Equal(t, []any{}, c["open_complaints"], "no complaint yet")

	// The landline finds the same customer.
	require.Equal(t, f.customer.String(), screenPop(b, tok, "010 1234 5678").JSON["customers"].([]any)[0].(map[string]any)["id"])
}

// TestScreenPopPhoneFormats: every way of writing the number gives the same
// answer.
func TestScreenPopPhoneFormats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createCustomer(acme.admin, "王芳", "13800138000")
	want := string(screenPop(b, acme.admin, "8613800138000").Raw)
	require.Contains(t, want, "王芳")
	for _, p := range []string{"13800138000", "138 0013 8000", "+86 138-0013-8000", "0086 13800138000",
		"+86(138)00138000", "１３８００１３８０００", "013800138000"} {
		require.Equal(t, want, string(screenPop(b, acme.admin, p).Raw), p)
	}
}

func TestScreenPopUnknownAndBadCallers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	b.createCustomer(acme.admin, "王芳", "13800138000")
	r := screenPop(b, acme.admin, "13900139000")
	require.Equal(t, map[string]any{"phone": "8613900139000", "unknown_caller": true, "customers": []any{}}, r.JSON)

	for _, p := range []string{"anonymous", "12345", "+", "010-1234"} {
		bad := b.must(422, "GET", "/v1/screen-pop?phone="+url.QueryEscape(p), acme.admin, nil)
		require.Contains(t, string(bad.Raw), "phone", p)
	}
	b.must(422, "GET", "/v1/screen-pop", acme.admin, nil)

	// Agents and technicians (customers:read) may look up callers; a parts
	// clerk may not.
	_, agent := b.createUser(acme.admin, "acme", "li.na", []string{"agent"}, map[string]any{"all": true})
	screenPop(b, agent, "13800138000")
	_, clerk := b.createUser(acme.admin, "acme", "parts", []string{"parts_clerk"}, map[string]any{"all": true})
	b.must(403, "GET", "/v1/screen-pop?phone=13800138000", clerk, nil)
}

// TestScreenPopSharedPhone: a number several customers give (a family, a
// switchboard) shows all of them, ordered by name.
func TestScreenPopSharedPhone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	second := b.createCustomer(acme.admin, "Bob", "021-87654321")
	first := b.createCustomer(acme.admin, "Ann", "13800138000", "021-87654321")
	cs := screenPop(b, acme.admin, "02187654321").JSON["customers"].([]any)
	require.Len(t, cs, 2)
	require.Equal(t, first.String(), cs[0].(map[string]any)["id"])
	require.Equal(t, second.String(), cs[1].(map[string]any)["id"])
	require.Equal(t, []any{}, cs[1].(map[string]any)["units"])
	require.Equal(t, []any{}, cs[1].(map[string]any)["recent_work_orders"])
}

// TestScreenPopIsolation: tenants with a customer on the same phone each
// see only their own; a tenant without one sees an unknown caller.
func TestScreenPopIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o, n := b.newProducts("alpha"), b.newProducts("omega"), b.onboard("nobody")
	b.must(201, "POST", "/v1/units", o.tenant.admin, map[string]any{"customer_id": o.customer, "model_id": o.model,
		"serial": "OMEGA-1", "purchase_date": "2024-01-01"})
	b.addWorkOrder(o.tenant.id, o.customer, "WO-OMEGA", "new", time.Now())

	for _, tc := range []struct {
		tenant productFixture
		other  productFixture
	}{{a, o}, {o, a}} {
		cs := screenPop(b, tc.tenant.tenant.admin, "13800138000").JSON["customers"].([]any)
		require.Len(t, cs, 1)
		require.Equal(t, tc.tenant.customer.String(), cs[0].(map[string]any)["id"])
	}
	alpha := string(screenPop(b, a.tenant.admin, "13800138000").Raw)
	require.NotContains(t, alpha, "OMEGA")
	require.NotContains(t, alpha, o.customer.String())
	require.Equal(t, true, screenPop(b, n.admin, "13800138000").JSON["unknown_caller"])
}
