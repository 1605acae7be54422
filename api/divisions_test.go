package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseAddressAndDivisions: an agent's typed address comes back as
// codes, remainder and a point; ambiguous text lists candidates; the
// division tree lists a city's districts; bad input is a 4xx naming the field.
func TestParseAddressAndDivisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	_, agent := b.createUser(n.tenant.admin, "acme", "agent.li", []string{"agent"}, map[string]any{"all": true})

	r := b.must(200, "POST", "/v1/addresses/parse", agent, map[string]any{"text": "张三 13800138000 深圳南山科苑路15号"})
	require.Equal(t, "440305", r.str("code"), "%s", r.Raw)
	require.Equal(t, "科苑路15号", r.str("remainder"))
	require.NotNil(t, r.JSON["lat"])

	r = b.must(200, "POST", "/v1/addresses/parse", agent, map[string]any{"text": "朝阳区建国路"})
	require.Empty(t, r.str("code"), "%s", r.Raw)
	require.Len(t, r.JSON["candidates"], 2)

	r = b.must(200, "GET", "/v1/divisions?parent=440300", agent, nil)
	require.Contains(t, string(r.Raw), `"南山区"`)
	b.must(404, "GET", "/v1/divisions?parent=999999", agent, nil)
	bad := b.must(422, "POST", "/v1/addresses/parse", agent, map[string]any{"text": ""})
	require.Contains(t, string(bad.Raw), "body.text")
}

// TestIntakeTextOnlyAndCoordSystems: an order with only a text address is
// dispatched from its district's point and the decision says the location
// was approximate; a GCJ-02 point outside China is a 422 naming the field.
func TestIntakeTextOnlyAndCoordSystems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	r := b.intake(n, n.tenant.admin, map[string]any{"lat": nil, "lon": nil, "address": "客户 13800138000 深圳南山科苑路15号"})
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.near.String(), r.str("site_id"), "%s", r.Raw)
	dec := r.JSON["dispatch_decision"].(map[string]any)
	require.Equal(t, true, dec["location_approximate"])
	require.Equal(t, "440305", dec["division_code"])

	far := b.intake(n, n.tenant.admin, map[string]any{"coord_system": "gcj02", "lat": 48.8584, "lon": 2.2945})
	require.Equal(t, 422, far.Status, "%s", far.Raw)
	require.Contains(t, string(far.Raw), "coord_system")
	// The published Shenzhen reference point, given in GCJ-02, is stored as its WGS-84 twin.
	gcj := b.intake(n, n.tenant.admin, map[string]any{"coord_system": "gcj02", "lat": 22.540796131694766, "lon": 113.9171764808363})
	require.Equal(t, 201, gcj.Status, "%s", gcj.Raw)
	require.InDelta(t, 22.543847, gcj.JSON["lat"], 1e-5, "stored converted to WGS-84")
	require.InDelta(t, 113.912316, gcj.JSON["lon"], 1e-5, "stored converted to WGS-84")
}
