package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/customer"
)

// screenPopQuery finds the customers with a phone ($1) through the
// (tenant_id, phone) index and gathers, per customer, phones, addresses,
// units (with model and line names) and the last work orders as JSON in
// the same statement: one round trip however many customers share the
// phone. Every inner lookup uses a (tenant_id, customer_id…) index.
// {customers} and {orders} are the conditions of the reaches on c.id and
// on the orders aliased w.
const screenPopQuery = `SELECT c.id, c.kind, c.name, c.tags, c.vip, c.version, c.created_at, c.updated_at,
	(SELECT coalesce(json_agg(json_build_object('phone', p.phone, 'label', p.label) ORDER BY p.phone), '[]')
		FROM customer_phones p WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id),
	(SELECT coalesce(json_agg(json_build_object('id', a.id, 'label', a.label, 'region_id', a.region_id,
			'address', a.address, 'lat', a.lat, 'lon', a.lon,
			'province', json_build_object('code', COALESCE(a.province_code, ''), 'name', ''),
			'city', json_build_object('code', COALESCE(a.city_code, ''), 'name', ''),
			'district', json_build_object('code', COALESCE(a.district_code, ''), 'name', ''),
			'parse_confidence', a.parse_confidence, 'location_approximate', a.location_approximate) ORDER BY a.id), '[]')
		FROM customer_addresses a WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id),
	(SELECT coalesce(json_agg(x ORDER BY x.purchase_date DESC, x.serial), '[]') FROM (
		SELECT u.id, u.customer_id, u.model_id, u.serial, u.purchase_date, u.dealer_site_id, u.version, u.created_at,
			u.updated_at, json_build_object('code', m.code, 'name', m.name, 'product_line', m.product_line,
				'product_line_name_zh', l.name_zh, 'product_line_name_en', l.name_en,
				'warranty_months', m.warranty_months) AS model
		FROM units u
		JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
		JOIN product_lines l ON l.tenant_id = m.tenant_id AND l.code = m.product_line
		WHERE u.tenant_id = c.tenant_id AND u.customer_id = c.id
		ORDER BY u.purchase_date DESC, u.serial LIMIT {units}) x),
	(SELECT coalesce(json_agg(w ORDER BY w.created_at DESC, w.id DESC), '[]') FROM (
		SELECT w.id, w.number, w.type, w.service_type, w.state, w.created_at FROM work_orders w
		WHERE w.tenant_id = c.tenant_id AND w.customer_id = c.id AND {orders}
		ORDER BY w.created_at DESC LIMIT {recent}) w),
	(SELECT coalesce(json_agg(k ORDER BY k.created_at DESC, k.id DESC), '[]') FROM (
		SELECT k.id, k.number, k.category, k.severity, k.state, k.due_at, k.created_at FROM complaints k
		WHERE k.tenant_id = c.tenant_id AND k.customer_id = c.id AND k.state NOT IN ('confirmed', 'closed') AND {complaints}
		ORDER BY k.created_at DESC LIMIT {complaintsMax}) k)
FROM customers c
WHERE c.id IN (SELECT customer_id FROM customer_phones WHERE phone = $1) AND {customers}
ORDER BY c.name, c.id
LIMIT {max}`

// FindScreenPop implements customer.Repository.
func (r customerRepo) FindScreenPop(ctx context.Context, phone string, customers core.CustomerReach, orders core.OrderReach) ([]core.ScreenPopCustomer, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	args := []any{phone}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	sql := strings.NewReplacer("{units}", strconv.Itoa(core.ScreenPopMaxUnits), "{recent}", strconv.Itoa(core.ScreenPopRecentOrders),
		"{max}", strconv.Itoa(core.ScreenPopMaxCustomers), "{orders}", orderReachSQL("w", orders, arg),
		"{customers}", customerReachSQL("c.id", customers, arg),
		"{complaintsMax}", strconv.Itoa(core.ScreenPopMaxComplaints),
		"{complaints}", complaintReachSQL("k", complaint.Reach{All: orders.All, Regions: orders.Regions, Sites: orders.Sites}, arg)).Replace(screenPopQuery)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.ScreenPopCustomer, error) {
		var c core.ScreenPopCustomer
		err := r.Scan(&c.ID, &c.Kind, &c.Name, &c.Tags, &c.VIP, &c.Version, &c.CreatedAt, &c.UpdatedAt,
			&c.Phones, &c.Addresses, &c.Units, &c.RecentWorkOrders, &c.OpenComplaints)
		// Times decoded from JSON carry the session's offset; show them as
		// the other reads do.
		for i := range c.Addresses {
			customer.NameDivisions(&c.Addresses[i])
		}
		for _, u := range c.Units {
			u.CreatedAt, u.UpdatedAt = u.CreatedAt.Local(), u.UpdatedAt.Local()
		}
		for i := range c.RecentWorkOrders {
			c.RecentWorkOrders[i].CreatedAt = c.RecentWorkOrders[i].CreatedAt.Local()
		}
		for i := range c.OpenComplaints {
			c.OpenComplaints[i].CreatedAt = c.OpenComplaints[i].CreatedAt.Local()
		}
		return c, err
	})
}
