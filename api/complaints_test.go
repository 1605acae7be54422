package api_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// complaintFixture is a network with four cases: owned by the near site,
// by the other (Guangxi) site, by the Guangxi region, and by the quality
// department.
type complaintFixture struct {
	*network
	nearCase, otherCase, gxCase, deptCase string
}

func (b *testBundle) complaintFixture(slug string) complaintFixture {
	n := b.newNetwork(slug)
	open := func(owner map[string]any) string {
		return b.must(201, "POST", "/v1/complaints", n.tenant.admin, map[string]any{"customer_id": n.customer.String(),
			"category": "service_attitude", "channel": "phone", "description": "师傅态度差", "owner": owner}).str("id")
	}
	return complaintFixture{network: n,
		nearCase:  open(map[string]any{"kind": "site", "site_id": n.near.String()}),
		otherCase: open(map[string]any{"kind": "site", "site_id": n.other.String()}),
		gxCase:    open(map[string]any{"kind": "region", "region_id": n.gx.String()}),
		deptCase:  open(map[string]any{"kind": "department", "department": "quality"}),
	}
}

// TestComplaintsScopeByRole is the per-role isolation table: each role
// lists, reads and acts on exactly the cases its scope owns; any other
// answers 404, and the other tenant's cases are never seen.
func TestComplaintsScopeByRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := b.complaintFixture("acme")
	_, agent := b.createUser(f.tenant.admin, "acme", "agent.li", []string{"agent"}, map[string]any{"all": true})
	_, analyst := b.createUser(f.tenant.admin, "acme", "analyst.wu", []string{"analyst"}, map[string]any{"all": true})
	other := b.complaintFixture("omega")

	all := []string{f.nearCase, f.otherCase, f.gxCase, f.deptCase}
	for _, tc := range []struct {
		role    string
		token   string
		sees    []string
		canList bool
		canAct  bool
	}{
		{"tenant admin", f.tenant.admin, all, true, true},
		{"agent", agent, all, true, true},
		{"analyst (read only)", analyst, all, true, false},
		{"site manager sees what their site owns", f.nearMgrTok, []string{f.nearCase}, true, true},
		{"region manager sees their subtree", f.gxMgrTok, []string{f.otherCase, f.gxCase}, true, true},
		{"technician sees none", f.techNearTok, nil, false, false},
	} {
		t.Run(tc.role, func(t *testing.T) {
			list := b.do("GET", "/v1/complaints", tc.token, nil)
			if !tc.canList {
				require.Contains(t, []int{200, 403}, list.Status, "%s", list.Raw)
				if list.Status == 200 {
					require.Empty(t, list.JSON["items"])
				}
			} else {
				require.Equal(t, 200, list.Status, "%s", list.Raw)
				var ids []string
				for _, it := range list.JSON["items"].([]any) {
					ids = append(ids, it.(map[string]any)["id"].(string))
				}
				require.ElementsMatch(t, tc.sees, ids)
			}
			for _, id := range append(append([]string{}, all...), other.nearCase, other.deptCase) {
				visible := false
				for _, s := range tc.sees {
					visible = visible || s == id
				}
				get := b.do("GET", "/v1/complaints/"+id, tc.token, nil)
				ev := b.do("GET", "/v1/complaints/"+id+"/events", tc.token, nil)
				if visible {
					require.Equal(t, 200, get.Status, "%s", get.Raw)
					require.Equal(t, 200, ev.Status, "%s", ev.Raw)
				} else {
					require.Contains(t, []int{403, 404}, get.Status, "%s", get.Raw)
					require.Contains(t, []int{403, 404}, ev.Status, "%s", ev.Raw)
				}
				act := b.do("POST", "/v1/complaints/"+id+"/actions", tc.token, map[string]any{"action": "wait", "reason": "等回电"})
				if visible && tc.canAct {
					require.Equal(t, 200, act.Status, "%s", act.Raw)
					b.must(200, "POST", "/v1/complaints/"+id+"/actions", tc.token, map[string]any{"action": "resume"})
				} else {
					require.Contains(t, []int{403, 404}, act.Status, "%s", act.Raw)
				}
			}
		})
	}
	// Nothing the others tried changed the other tenant's case.
	got := b.must(200, "GET", "/v1/complaints/"+other.nearCase, other.tenant.admin, nil)
	require.Equal(t, float64(1), got.JSON["version"])
}

// TestComplaintJourneyAndBadInput takes a case through the handler's
// journey over HTTP, and refuses bad input naming the field.
func TestComplaintJourneyAndBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	order := b.intake(n, admin, nil)
	require.Equal(t, 201, order.Status, "%s", order.Raw)

	for _, tc := range []struct {
		name, field string
		body        map[string]any
	}{
		{"unknown category", "category", map[string]any{"customer_id": n.customer.String(), "category": "weather"}},
		{"order of another customer", "work_order_id", map[string]any{"customer_id": n.customer.String(), "category": "fees",
			"work_order_id": n.unit.String()}},
		{"site owner without a site", "owner.site_id", map[string]any{"customer_id": n.customer.String(), "category": "fees",
			"owner": map[string]any{"kind": "site"}}},
	} {
		r := b.do("POST", "/v1/complaints", admin, tc.body)
		require.Equal(t, 422, r.Status, "%s: %s", tc.name, r.Raw)
		require.Contains(t, string(r.Raw), tc.field, tc.name)
	}
	require.Empty(t, b.must(200, "GET", "/v1/complaints", admin, nil).JSON["items"], "nothing saved")

	set := b.must(200, "GET", "/v1/complaint-settings", admin, nil).JSON
	set["deadlines"] = []any{map[string]any{"days": 0}}
	r := b.do("PUT", "/v1/complaint-settings", admin, set)
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "deadlines[0].days")
	set["deadlines"] = []any{map[string]any{"category": "nope", "days": 3}}
	r = b.do("PUT", "/v1/complaint-settings", admin, set)
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "deadlines[0].category")
	set["deadlines"] = []any{map[string]any{"category": "repair_quality", "days": 5}}
	b.must(200, "PUT", "/v1/complaint-settings", admin, set)

	c := b.must(201, "POST", "/v1/complaints", admin, map[string]any{"customer_id": n.customer.String(),
		"work_order_id": order.str("id"), "category": "repair_quality", "channel": "phone", "description": "修完又坏"})
	require.Equal(t, float64(5), c.JSON["deadline_days"])
	require.Equal(t, "site", c.JSON["owner"].(map[string]any)["kind"])
	id := c.str("id")
	act := func(body map[string]any) resp {
		return b.must(200, "POST", "/v1/complaints/"+id+"/actions", admin, body)
	}
	require.Equal(t, "acknowledged", act(map[string]any{"action": "acknowledge"}).str("state"))
	b.must(422, "POST", "/v1/complaints/"+id+"/actions", admin, map[string]any{"action": "transfer",
		"owner": map[string]any{"kind": "region", "region_id": n.gd.String()}})
	tr := act(map[string]any{"action": "transfer", "reason": "需区域协调", "owner": map[string]any{"kind": "region", "region_id": n.gd.String()}})
	require.Equal(t, "region", tr.JSON["owner"].(map[string]any)["kind"])
	require.Equal(t, "resolution_proposed", act(map[string]any{"action": "propose", "handling": map[string]any{
		"cause": "接线松动", "responsibility": "technician", "measures": "重新上门维修", "compensation": "免费清洗"}}).str("state"))
	require.Equal(t, "confirmed", act(map[string]any{"action": "confirm", "via": "agent"}).str("state"))
	closed := act(map[string]any{"action": "close"})
	require.Equal(t, "closed", closed.str("state"))
	require.Equal(t, []any{"reopen"}, closed.JSON["actions"])
	b.must(409, "POST", "/v1/complaints/"+id+"/actions", admin, map[string]any{"action": "close"})

	var types []string
	for _, e := range b.must(200, "GET", "/v1/complaints/"+id+"/events", admin, nil).JSON["items"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	require.Equal(t, []string{"opened", "acknowledge", "transfer", "propose", "confirm", "close"}, types)
}

// TestScreenPopListsOpenComplaints: the caller's open cases pop up; a
// closed one does not.
func TestScreenPopListsOpenComplaints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	id := b.must(201, "POST", "/v1/complaints", n.tenant.admin, map[string]any{"customer_id": n.customer.String(),
		"category": "fees", "severity": "serious"}).str("id")
	pop := b.must(200, "GET", "/v1/screen-pop?phone=13800138000", n.tenant.admin, nil)
	open := pop.JSON["customers"].([]any)[0].(map[string]any)["open_complaints"].([]any)
	require.Len(t, open, 1)
	require.Equal(t, id, open[0].(map[string]any)["id"])
	require.Equal(t, "serious", open[0].(map[string]any)["severity"])
}

// TestComplaintOnlyAboutCustomersInSight: a scoped caller cannot open a
// case about a customer they may not see (422 naming customer_id, nothing
// stored); a tenant-wide caller can.
func TestComplaintOnlyAboutCustomersInSight(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	_, gxAgent := b.createUser(n.tenant.admin, "acme", "agent.gx", []string{"agent"},
		map[string]any{"regions": []string{n.gx.String()}})
	unseen := uuid.New()
	b.exec(n.tenant.id, `INSERT INTO customers (tenant_id, id, kind, name) VALUES ($1, $2, 'person', '李雷')`, n.tenant.id, unseen)
	body := map[string]any{"customer_id": unseen.String(), "category": "fees", "description": "收费不合理"}

	r := b.must(422, "POST", "/v1/complaints", gxAgent, body)
	require.Contains(t, string(r.Raw), "customer_id")
	require.Empty(t, b.must(200, "GET", "/v1/complaints?customer_id="+unseen.String(), n.tenant.admin, nil).JSON["items"])
	b.must(201, "POST", "/v1/complaints", n.tenant.admin, body)
}
