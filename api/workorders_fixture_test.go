package api_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// network is a small service network inserted straight into the database,
// so work-order tests do not depend on the network's own endpoints.
type network struct {
	tenant            tenantFixture
	country, gd, gx   uuid.UUID
	near, far, other  uuid.UUID // sites: near and far cover Shenzhen; other is in Guangxi
	techNear, techFar uuid.UUID
	techNearTok       string
	techFarTok        string
	customer, unit    uuid.UUID
	otherUnit         uuid.UUID // a unit of another customer
	nearMgrTok        string
	gxMgrTok          string
}

const (
	szLat, szLon = 22.5431, 114.0579 // Shenzhen
	nnLat, nnLon = 22.8170, 108.3669 // Nanning
)

func (b *testBundle) exec(tenant uuid.UUID, sql string, args ...any) {
	b.t.Helper()
	pgtest.TenantExec(b.t, b.pool, tenant, sql, args...)
}

func (b *testBundle) newNetwork(slug string) *network {
	n := &network{tenant: b.onboard(slug)}
	tid := n.tenant.id
	n.country = b.createRegion(n.tenant.admin, nil, "country", "CN", "中国")
	n.gd = b.createRegion(n.tenant.admin, &n.country, "province", "GD", "广东省")
	n.gx = b.createRegion(n.tenant.admin, &n.country, "province", "GX", "广西")
	n.near, n.far, n.other = uuid.New(), uuid.New(), uuid.New()
	site := `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km, product_lines, daily_capacity, reputation, auto_assign)
		VALUES ($1, $2, $3, $4, 'service_station', $5, $6, $7, $8, '{AC}', 10, 80, $9)`
	b.exec(tid, site, tid, n.near, "S-NEAR", "深圳南山服务站", n.gd, szLat+0.01, szLon+0.01, 30.0, true)
	b.exec(tid, site, tid, n.far, "S-FAR", "东莞服务站", n.gd, 23.0207, 113.7518, 80.0, false)
	b.exec(tid, site, tid, n.other, "S-NN", "南宁服务站", n.gx, nnLat, nnLon, 50.0, true)
	b.exec(tid, `INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES ($1, 'AC', '空调', 'Air conditioners')
		ON CONFLICT DO NOTHING`, tid)
	model := uuid.New()
	b.exec(tid, `INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months) VALUES ($1, $2, 'AC', 'KFR-35', 'KFR-35GW', 36)`, tid, model)
	for _, st := range []struct {
		code  string
		field bool
	}{{"repair", true}, {"installation", true}, {"consultation", false}} {
		b.exec(tid, `INSERT INTO service_types (tenant_id, code, name_zh, name_en, field, respond_minutes, arrive_minutes, complete_minutes)
			VALUES ($1, $2, $2, $2, $3, 120, 1440, 4320) ON CONFLICT (tenant_id, code) DO UPDATE
			SET field = EXCLUDED.field, respond_minutes = 120, arrive_minutes = 1440, complete_minutes = 4320`, tid, st.code, st.field)
	}
	for _, fc := range [][2]string{{"symptom", "S01"}, {"cause", "C01"}, {"object", "O01"}, {"action", "A01"}} {
		b.exec(tid, `INSERT INTO fault_codes (tenant_id, kind, code, product_line, name_zh, name_en) VALUES ($1, $2, $3, 'AC', $3, $3)`, tid, fc[0], fc[1])
	}
	n.customer = uuid.New()
	other := uuid.New()
	for _, c := range []uuid.UUID{n.customer, other} {
		b.exec(tid, `INSERT INTO customers (tenant_id, id, kind, name) VALUES ($1, $2, 'person', '王芳')`, tid, c)
	}
	b.exec(tid, `INSERT INTO customer_phones (tenant_id, customer_id, phone) VALUES ($1, $2, '8613800138000')`, tid, n.customer)
	n.unit, n.otherUnit = uuid.New(), uuid.New()
	b.exec(tid, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date) VALUES ($1, $2, $3, $4, 'SN-0001', now()::date - 100)`, tid, n.unit, n.customer, model)
	b.exec(tid, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date) VALUES ($1, $2, $3, $4, 'SN-9999', '2015-01-01')`, tid, n.otherUnit, other, model)

	var nearUser, farUser uuid.UUID
	nearUser, n.techNearTok = b.createUser(n.tenant.admin, slug, "tech.near", []string{"technician"}, map[string]any{"sites": []string{n.near.String()}})
	farUser, n.techFarTok = b.createUser(n.tenant.admin, slug, "tech.far", []string{"technician"}, map[string]any{"sites": []string{n.near.String()}})
	n.techNear, n.techFar = uuid.New(), uuid.New()
	tech := `INSERT INTO technicians (tenant_id, id, site_id, user_id, code, name, phone, lat, lon, location_at) VALUES ($1, $2, $3, $4, $5, $5, '13900000000', $6, $7, now())`
	b.exec(tid, tech, tid, n.techNear, n.near, nearUser, "T-1", szLat, szLon)
	b.exec(tid, tech, tid, n.techFar, n.near, farUser, "T-2", szLat+0.2, szLon+0.2)
	_, n.nearMgrTok = b.createUser(n.tenant.admin, slug, "near.manager", []string{"site_manager"}, map[string]any{"sites": []string{n.near.String()}})
	_, n.gxMgrTok = b.createUser(n.tenant.admin, slug, "gx.manager", []string{"region_manager"}, map[string]any{"regions": []string{n.gx.String()}})
	return n
}

// intake takes in a repair at the Shenzhen address for the customer's unit.
func (b *testBundle) intake(n *network, token string, extra map[string]any) resp {
	b.t.Helper()
	body := map[string]any{"type": "repair", "channel": "phone", "customer_id": n.customer.String(), "unit_id": n.unit.String(),
		"description": "空调不制冷", "address": "深圳市南山区科技园", "lat": szLat, "lon": szLon}
	for k, v := range extra {
		body[k] = v
	}
	return b.do("POST", "/v1/work-orders", token, body)
}

func (b *testBundle) act(token, id, action string, body map[string]any) resp {
	b.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return b.do("POST", fmt.Sprintf("/v1/work-orders/%s/%s", id, action), token, body)
}

var _ = testing.T{}
