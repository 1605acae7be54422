//go:build linux

package main_test

import (
	"net/http"
	"time"

	"github.com/stretchr/testify/require"
)

// The technician's world, set up through the API as a tenant admin would:
// a region, a site that covers Shenzhen and assigns automatically, a
// technician (a user linked to a technician record with a location), a
// customer with a phone, an address and a unit, the fault-code catalogue of
// the unit's product line, and orders the dispatcher gives the technician.

const (
	techLat, techLon = 22.5431, 114.0579 // Shenzhen
	techPassword     = "technician-pass-1"
	techSerial       = "SN-0001"
	techPhone        = "8613800138000"
)

type techWorld struct {
	slug, admin                string
	site, tech, customer, unit string
}

type techOrder struct{ ID, Number string }

func (c *client) id(r response) string {
	c.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	r.decode(c.t, &out)
	require.NotEmpty(c.t, out.ID)
	return out.ID
}

func (c *client) post(token, path string, body any) string {
	c.t.Helper()
	return c.id(c.expect(http.StatusCreated, "POST", path, token, body))
}

func newTechWorld(c *client, platformToken, slug, locale string) *techWorld {
	c.t.Helper()
	c.expect(http.StatusCreated, "POST", "/v1/platform/tenants", platformToken, map[string]any{
		"slug": slug, "name": "ACME " + locale, "locale": locale, "timezone": "Asia/Shanghai",
		"admin": map[string]string{"username": "admin", "password": adminPassword}})
	w := &techWorld{slug: slug, admin: c.login(slug, "admin", adminPassword)}
	cn := c.post(w.admin, "/v1/regions", map[string]any{"level": "country", "code": "CN", "name": "中国"})
	gd := c.post(w.admin, "/v1/regions", map[string]any{"level": "province", "code": "GD", "name": "广东省", "parent_id": cn})
	site := c.post(w.admin, "/v1/sites", map[string]any{"region_id": gd, "code": "S-SZ", "name": "深圳南山服务站",
		"kind": "service_station", "location": map[string]any{"lat": techLat + 0.01, "lon": techLon + 0.01},
		"area": map[string]any{"radius_km": 30}, "product_lines": []string{"AC"}, "auto_assign": true, "daily_capacity": 20})
	w.site = site
	c.expect(http.StatusCreated, "POST", "/v1/product-lines", w.admin, map[string]any{"code": "AC", "name_zh": "空调", "name_en": "Air conditioners"})
	model := c.post(w.admin, "/v1/product-models", map[string]any{"product_line": "AC", "code": "KFR-35", "name": "KFR-35GW", "warranty_months": 36})
	w.customer = c.post(w.admin, "/v1/customers", map[string]any{"name": "王芳", "phones": []map[string]any{{"phone": techPhone, "label": "mobile"}},
		"addresses": []map[string]any{{"address": "深圳市南山区科技园", "lat": techLat, "lon": techLon, "region_id": gd}}})
	w.unit = c.post(w.admin, "/v1/units", map[string]any{"customer_id": w.customer, "model_id": model, "serial": techSerial,
		"purchase_date": time.Now().AddDate(0, 0, -100).Format("2006-01-02")})
	codes := []map[string]any{
		{"kind": "symptom", "code": "E1", "name_zh": "制冷异常", "name_en": "Cooling fault", "product_line": "AC"},
		{"kind": "symptom", "code": "E1-01", "parent_code": "E1", "name_zh": "不制冷", "name_en": "Not cooling", "product_line": "AC"},
		{"kind": "cause", "code": "C01", "name_zh": "缺氟", "name_en": "Low refrigerant", "product_line": "AC"},
		{"kind": "object", "code": "O01", "name_zh": "压缩机", "name_en": "Compressor", "product_line": "AC"},
		{"kind": "action", "code": "A01", "name_zh": "加氟", "name_en": "Recharge", "product_line": "AC"},
	}
	c.expect(http.StatusOK, "POST", "/v1/fault-codes/import", w.admin, codes)
	user := c.post(w.admin, "/v1/users", map[string]any{"username": "li.tech", "display_name": "李师傅", "password": techPassword,
		"roles": []string{"technician"}, "scope": map[string]any{"sites": []string{site}}})
	w.tech = c.post(w.admin, "/v1/technicians", map[string]any{"site_id": site, "code": "T-1", "name": "李师傅",
		"phone": "13900000000", "user_id": user, "status": "available"})
	c.expect(http.StatusOK, "PATCH", "/v1/technicians/"+w.tech+"/location", w.admin, map[string]any{"lat": techLat, "lon": techLon})
	return w
}

// order takes in a repair that the site assigns to the technician at once.
func (w *techWorld) order(c *client, desc string) techOrder {
	c.t.Helper()
	r := c.expect(http.StatusCreated, "POST", "/v1/work-orders", w.admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": w.customer, "unit_id": w.unit, "description": desc, "address": "深圳市南山区科技园", "lat": techLat, "lon": techLon})
	var o struct {
		ID, Number, State string
		TechnicianID      *string `json:"technician_id"`
	}
	r.decode(c.t, &o)
	require.Equal(c.t, "assigned", o.State, "%s", r.Body)
	require.Equal(c.t, w.tech, *o.TechnicianID)
	return techOrder{ID: o.ID, Number: o.Number}
}

type orderEvent struct {
	Type    string   `json:"type"`
	ToState string   `json:"to_state"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
}

// events is the order's timeline as the API tells it.
func (w *techWorld) events(c *client, id string) []orderEvent {
	c.t.Helper()
	var out struct {
		Items []orderEvent `json:"items"`
	}
	c.expect(http.StatusOK, "GET", "/v1/work-orders/"+id+"/events", w.admin, nil).decode(c.t, &out)
	return out.Items
}

func (w *techWorld) state(c *client, id string) string {
	c.t.Helper()
	var o struct{ State string }
	c.expect(http.StatusOK, "GET", "/v1/work-orders/"+id, w.admin, nil).decode(c.t, &o)
	return o.State
}

// serviceRecord is the record the order was completed with.
func (w *techWorld) serviceRecord(c *client, id string) map[string]any {
	c.t.Helper()
	var o struct {
		Record map[string]any `json:"service_record"`
	}
	c.expect(http.StatusOK, "GET", "/v1/work-orders/"+id, w.admin, nil).decode(c.t, &o)
	return o.Record
}
