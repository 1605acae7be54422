package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPolicyChangeReachesOtherReplicas: a grant made through one replica is
// seen by another (whose rules were already loaded) within a second.
func TestPolicyChangeReachesOtherReplicas(t *testing.T) {
	t.Parallel()
	one := setup(t)
	two := setupOn(t, one.pool, one.dbURL)
	acme := one.onboard("acme")
	id, agent := one.createUser(acme.admin, "acme", "agent1", []string{"agent"}, map[string]any{"all": true})
	two.must(403, "GET", "/v1/users", agent, nil) // replica two has now loaded the tenant's rules

	one.must(200, "PUT", "/v1/users/"+id.String()+"/grants", acme.admin,
		map[string]any{"permissions": []map[string]string{{"resource": "users", "action": "read"}}})
	require.Eventually(t, func() bool {
		return two.do("GET", "/v1/users", agent, nil).Status == 200
	}, time.Second, 10*time.Millisecond, "replica two did not see the grant within a second")

	// And a role change back, the other way round.
	two.must(200, "PUT", "/v1/users/"+id.String()+"/grants", acme.admin, map[string]any{"permissions": []map[string]string{}})
	require.Eventually(t, func() bool {
		return one.do("GET", "/v1/users", agent, nil).Status == 403
	}, time.Second, 10*time.Millisecond)
}
