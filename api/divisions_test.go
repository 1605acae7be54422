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
