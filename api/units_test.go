package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestUpdateUnit: a unit is changed at the version read by a caller who
// may change it and sees its customer; it is audited; every refusal is a
// 4xx with problem details naming the field, and leaves the unit as it
// was.
func TestUpdateUnit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	admin := n.tenant.admin
	other := b.onboard("globex")
	_, gxAgent := b.createUser(admin, "acme", "gx.agent", []string{"agent"}, map[string]any{"regions": []string{n.gx.String()}})
	path := "/v1/units/" + n.unit.String()
	cur := b.must(200, "GET", path, admin, nil)
	require.EqualValues(t, 1, cur.JSON["version"])

	purchase := time.Now().AddDate(0, -40, 0).Format(time.DateOnly) // 36 months of warranty: out
	r := b.must(200, "PATCH", path, admin, map[string]any{"version": 1, "serial": "SN-0001-B", "purchase_date": purchase})
	require.Equal(t, "SN-0001-B", r.str("serial"))
	require.Equal(t, purchase, r.str("purchase_date"))
	require.EqualValues(t, 2, r.JSON["version"])
	require.Equal(t, false, r.JSON["warranty"].(map[string]any)["in_warranty"], "warranty recomputed for the new date")
	events := b.must(200, "GET", "/v1/audit-events?resource_type=unit&resource_id="+n.unit.String(), admin, nil).JSON["items"].([]any)
	require.Len(t, events, 1)
	ev := events[0].(map[string]any)
	require.Equal(t, "update", ev["action"])
	require.Equal(t, "SN-0001", ev["before"].(map[string]any)["serial"])
	require.Equal(t, "SN-0001-B", ev["after"].(map[string]any)["serial"])

	cases := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string // the problem's errors[].location
	}{
		{"a stale version", admin, map[string]any{"version": 1, "serial": "SN-X"}, 409, ""},
		{"a serial another unit has", admin, map[string]any{"version": 2, "serial": "SN-9999"}, 409, ""},
		{"a serial of bad characters", admin, map[string]any{"version": 2, "serial": "SN 1"}, 422, "body.serial"},
		{"a purchase date that is no date", admin, map[string]any{"version": 2, "purchase_date": "31/01/2025"}, 422, "body.purchase_date"},
		{"a purchase date in the future", admin, map[string]any{"version": 2, "purchase_date": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, 422, "body.purchase_date"},
		{"a model that does not exist", admin, map[string]any{"version": 2, "model_id": n.gd.String()}, 422, "body.model_id"},
		{"no version", admin, map[string]any{"serial": "SN-X"}, 422, "body"},
		{"a caller whose scope does not see the customer", gxAgent, map[string]any{"version": 2, "serial": "SN-X"}, 404, ""},
		{"a caller without units:update", n.gxMgrTok, map[string]any{"version": 2, "serial": "SN-X"}, 403, ""},
		{"a site manager, who may only read units", n.nearMgrTok, map[string]any{"version": 2, "serial": "SN-X"}, 403, ""},
		{"another tenant's admin", other.admin, map[string]any{"version": 2, "serial": "SN-X"}, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(c.status, "PATCH", path, c.token, c.body)
			require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
			if c.field != "" {
				require.Contains(t, locations(r), c.field, "%s", r.Raw)
			}
			now := b.must(200, "GET", path, admin, nil)
			require.Equal(t, "SN-0001-B", now.str("serial"), "unchanged")
			require.Equal(t, purchase, now.str("purchase_date"), "unchanged")
			require.EqualValues(t, 2, now.JSON["version"], "unchanged")
		})
	}
	require.Len(t, b.must(200, "GET", "/v1/audit-events?resource_type=unit", admin, nil).JSON["items"], 1, "refusals are not audited")
}

// locations lists the errors[].location of a problem.
func locations(r resp) []string {
	var out []string
	errs, _ := r.JSON["errors"].([]any)
	for _, e := range errs {
		if l, ok := e.(map[string]any)["location"].(string); ok {
			out = append(out, l)
		}
	}
	return out
}
