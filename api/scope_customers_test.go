package api_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestCustomerAndOrderSightPerRole: who sees which customers, units and
// work orders, role by role. A caller with tenant-wide scope sees all; a
// scoped caller sees a customer through an address in a region of their
// scope or an order they may see; a technician sees their own orders and
// their customers only. Out of sight is 404 (or absent from lists and
// searches), never 403; a missing permission stays 403.
func TestCustomerAndOrderSightPerRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin

	// The order: Shenzhen, dispatched to the near site (Guangdong),
	// assigned to techNear. Its customer has no address: seen only
	// through the order.
	order := b.intake(n, admin, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)
	require.Equal(t, n.techNear.String(), order.str("technician_id"))
	orderID := order.str("id")

	// Customers seen through their addresses; all share the order's
	// customer's phone, so search and screen pop find them together.
	const phone = "13800138000"
	newCustomer := func(name string, region uuid.UUID) uuid.UUID {
		r := b.must(201, "POST", "/v1/customers", admin, map[string]any{"name": name, "phones": []map[string]any{{"phone": phone}},
			"addresses": []map[string]any{{"address": name + "路 1 号", "region_id": region.String()}}})
		return uuid.MustParse(r.str("id"))
	}
	inGD, inGX := newCustomer("广东客户", n.gd), newCustomer("广西客户", n.gx)
	gxUnit := uuid.New()
	b.exec(n.tenant.id, `INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT $1, $2, $3, id, 'SN-GX', now()::date - 10 FROM product_models WHERE code = 'KFR-35'`, n.tenant.id, gxUnit, inGX)
	// The fixture's other customer: no address, no order.
	loner := uuid.MustParse(b.must(200, "GET", "/v1/units/"+n.otherUnit.String(), admin, nil).str("customer_id"))

	_, agent := b.createUser(admin, "acme", "agent.all", []string{"agent"}, map[string]any{"all": true})
	_, dispatcher := b.createUser(admin, "acme", "dispatcher.all", []string{"dispatcher"}, map[string]any{"all": true})
	_, gdMgr := b.createUser(admin, "acme", "gd.manager", []string{"region_manager"}, map[string]any{"regions": []string{n.gd.String()}})
	_, gxAgent := b.createUser(admin, "acme", "gx.agent", []string{"agent"}, map[string]any{"regions": []string{n.gx.String()}})

	allCustomers := []uuid.UUID{n.customer, inGD, inGX, loner}
	allUnits := []uuid.UUID{n.unit, n.otherUnit, gxUnit}
	cases := []struct {
		role      string
		token     string
		customers []uuid.UUID // seen; the others answer 404
		units     []uuid.UUID // seen; the others answer 404
		noUnits   bool        // the role lacks units:read: 403 whatever the scope
		order     int         // GET of the order
	}{
		{"tenant admin", admin, allCustomers, allUnits, false, 200},
		{"agent, tenant-wide", agent, allCustomers, allUnits, false, 200},
		{"dispatcher, tenant-wide", dispatcher, allCustomers, allUnits, false, 200},
		{"region manager of Guangdong", gdMgr, []uuid.UUID{n.customer, inGD}, nil, true, 200},
		{"region manager of Guangxi", n.gxMgrTok, []uuid.UUID{inGX}, nil, true, 404},
		{"agent of Guangxi", gxAgent, []uuid.UUID{inGX}, []uuid.UUID{gxUnit}, false, 404},
		{"site manager of the near site", n.nearMgrTok, []uuid.UUID{n.customer}, []uuid.UUID{n.unit}, false, 200},
		{"technician of the order", n.techNearTok, []uuid.UUID{n.customer}, []uuid.UUID{n.unit}, false, 200},
		{"technician colleague", n.techFarTok, nil, nil, false, 404},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			require.ElementsMatch(t, idStrings(c.customers), itemIDs(b.must(200, "GET", "/v1/customers", c.token, nil)), "list customers")
			require.ElementsMatch(t, idStrings(without(c.customers, loner)), itemIDs(b.must(200, "GET", "/v1/customers?phone=138-0013-8000", c.token, nil)),
				"search customers by phone")
			pop := b.must(200, "GET", "/v1/screen-pop?phone="+phone, c.token, nil)
			require.Len(t, pop.JSON["customers"], len(without(c.customers, loner)), "screen pop")
			require.Equal(t, len(without(c.customers, loner)) == 0, pop.JSON["unknown_caller"])
			for _, id := range allCustomers {
				want := 404
				if slices.Contains(c.customers, id) {
					want = 200
				}
				b.must(want, "GET", "/v1/customers/"+id.String(), c.token, nil)
			}
			b.must(c.order, "GET", "/v1/work-orders/"+orderID, c.token, nil)
			b.must(c.order, "GET", "/v1/work-orders/"+orderID+"/events", c.token, nil)
			if c.noUnits {
				b.must(403, "GET", "/v1/units", c.token, nil)
				b.must(403, "GET", "/v1/units/"+n.unit.String(), c.token, nil)
				return
			}
			require.ElementsMatch(t, idStrings(c.units), itemIDs(b.must(200, "GET", "/v1/units", c.token, nil)), "list units")
			for _, id := range allUnits {
				want := 404
				if slices.Contains(c.units, id) {
					want = 200
				}
				b.must(want, "GET", "/v1/units/"+id.String(), c.token, nil)
			}
		})
	}

	// A scoped agent changes and registers units only for customers in
	// sight: another's is 404 to change, and unknown to own a unit.
	cur := b.must(200, "GET", "/v1/customers/"+inGX.String(), gxAgent, nil)
	b.must(200, "PATCH", "/v1/customers/"+inGX.String(), gxAgent, map[string]any{"version": cur.JSON["version"], "vip": true})
	b.must(404, "PATCH", "/v1/customers/"+n.customer.String(), gxAgent, map[string]any{"version": 1, "vip": true})
	model := b.must(200, "GET", "/v1/product-models", admin, nil).JSON["items"].([]any)[0].(map[string]any)["id"].(string)
	unit := map[string]any{"customer_id": n.customer.String(), "model_id": model, "serial": "SN-NEW", "purchase_date": "2025-01-31"}
	r := b.must(422, "POST", "/v1/units", gxAgent, unit)
	require.Contains(t, string(r.Raw), "customer_id")
	unit["customer_id"] = inGX.String()
	b.must(201, "POST", "/v1/units", gxAgent, unit)
}

func idStrings(ids []uuid.UUID) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, id.String())
	}
	return out
}

func itemIDs(r resp) []string {
	out := []string{}
	for _, it := range r.JSON["items"].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func without(ids []uuid.UUID, drop uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for _, id := range ids {
		if id != drop {
			out = append(out, id)
		}
	}
	return out
}
