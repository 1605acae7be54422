package pgtest

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
)

// Network is a tenant with one site in Shenzhen that lets the platform
// assign, one technician and one customer with a unit: a field order taken
// in at Lat/Lon is dispatched and assigned in its intake.
type Network struct {
	Tenant, Region, Site, Technician, Customer, Unit uuid.UUID
	Lat, Lon                                         float64
}

// NewNetwork creates a tenant with a Network (locale zh-CN unless locale
// says).
func NewNetwork(t testing.TB, s *postgres.Store, slug, locale string) *Network {
	t.Helper()
	n := NetworkOf(uuid.New())
	if locale == "" {
		locale = "zh-CN"
	}
	CreateTenant(t, s, &core.Tenant{ID: n.Tenant, Slug: slug, Name: slug, Locale: locale, TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
	AddNetwork(t, s.Pool(), n)
	return n
}

// AddNetwork inserts n's region, site, technician, customer and unit into
// its existing tenant, through pool (an application or an owner pool).
func AddNetwork(t testing.TB, pool *pgxpool.Pool, n *Network) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	model := uuid.New()
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`SELECT set_config('role', 'aftersales_app', true), set_config('app.tenant_id', $1, true)`, []any{n.Tenant.String()}},
		{`INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'country', 'CN', '中国')`, []any{n.Tenant, n.Region}},
		{`INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km, product_lines, daily_capacity, reputation, auto_assign)
			VALUES ($1, $2, 'S-1', '深圳南山服务站', 'service_station', $3, $4, $5, 30, '{AC}', 100000000, 80, true)`,
			[]any{n.Tenant, n.Site, n.Region, n.Lat + 0.01, n.Lon + 0.01}},
		{`INSERT INTO technicians (tenant_id, id, site_id, code, name, phone, lat, lon, location_at)
			VALUES ($1, $2, $3, 'T-1', '张伟', '8613900000001', $4, $5, now())`, []any{n.Tenant, n.Technician, n.Site, n.Lat, n.Lon}},
		{`INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES ($1, 'AC', '空调', 'Air conditioners')`, []any{n.Tenant}},
		{`INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months) VALUES ($1, $2, 'AC', 'KFR-35', 'KFR-35GW', 36)`,
			[]any{n.Tenant, model}},
		{`INSERT INTO service_types (tenant_id, code, name_zh, name_en, field, respond_minutes, arrive_minutes, complete_minutes)
			VALUES ($1, 'repair', '维修', 'Repair', true, 120, 1440, 4320)
			ON CONFLICT (tenant_id, code) DO UPDATE SET field = true`, []any{n.Tenant}},
		{`INSERT INTO customers (tenant_id, id, kind, name) VALUES ($1, $2, 'person', '王芳')`, []any{n.Tenant, n.Customer}},
		{`INSERT INTO customer_phones (tenant_id, customer_id, phone) VALUES ($1, $2, '8613800138000')`, []any{n.Tenant, n.Customer}},
		{`INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date) VALUES ($1, $2, $3, $4, 'SN-0001', now()::date - 100)`,
			[]any{n.Tenant, n.Unit, n.Customer, model}},
	} {
		_, err := tx.Exec(ctx, st.sql, st.args...)
		require.NoError(t, err, st.sql)
	}
	require.NoError(t, tx.Commit(ctx))
}

// NetworkOf returns fresh IDs for a Network of an existing tenant.
func NetworkOf(tenant uuid.UUID) *Network {
	return &Network{Tenant: tenant, Region: uuid.New(), Site: uuid.New(), Technician: uuid.New(), Customer: uuid.New(),
		Unit: uuid.New(), Lat: 22.5431, Lon: 114.0579}
}

// NewOrder is a repair of the network's customer's unit at its address.
func (n *Network) NewOrder() core.NewWorkOrder {
	lat, lon := n.Lat, n.Lon
	return core.NewWorkOrder{Type: "repair", Channel: "phone", CustomerID: n.Customer, UnitID: &n.Unit,
		Description: "空调不制冷", Address: "深圳市南山区科技园", Lat: &lat, Lon: &lon}
}
