package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fieldErrors maps each errors[].location of a problem to its message.
func fieldErrors(r resp) map[string]string {
	out := map[string]string{}
	errs, _ := r.JSON["errors"].([]any)
	for _, e := range errs {
		m, _ := e.(map[string]any)
		loc, _ := m["location"].(string)
		msg, _ := m["message"].(string)
		out[loc] = msg
	}
	return out
}

// TestUserAdministrationAnswers: what the portal's users pages read and
// the problems they place next to a field. A user carries their CTI
// extension in the list and on their own; a taken username or extension
// is a 409 naming the field; a username or extension the server would
// refuse is refused by the spec's pattern; an unknown permission by the
// spec's enum. Nothing is created or changed by a refused request.
func TestUserAdministrationAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	other := b.onboard("other")
	id, _ := b.createUser(acme.admin, "acme", "agent.wang", []string{"agent"}, map[string]any{"all": true})
	otherID, _ := b.createUser(acme.admin, "acme", "agent.zhao", []string{"agent"}, nil)

	require.Equal(t, "", b.must(200, "GET", "/v1/users/"+id.String(), acme.admin, nil).str("cti_extension"))
	b.must(200, "PUT", "/v1/users/"+id.String()+"/cti-extension", acme.admin, map[string]any{"extension": "8001"})
	require.Equal(t, "8001", b.must(200, "GET", "/v1/users/"+id.String(), acme.admin, nil).str("cti_extension"))
	list := b.must(200, "GET", "/v1/users?q=agent.wang", acme.admin, nil).JSON["items"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, "8001", list[0].(map[string]any)["cti_extension"])
	b.must(404, "GET", "/v1/users/"+id.String(), other.admin, nil)

	taken := b.must(409, "PUT", "/v1/users/"+otherID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "8001"})
	require.Contains(t, fieldErrors(taken), "body.extension")
	require.Equal(t, "", b.must(200, "GET", "/v1/users/"+otherID.String(), acme.admin, nil).str("cti_extension"))
	bad := b.must(422, "PUT", "/v1/users/"+otherID.String()+"/cti-extension", acme.admin, map[string]any{"extension": "80 01"})
	require.Contains(t, fieldErrors(bad), "body.extension")
	// An empty extension clears it.
	b.must(200, "PUT", "/v1/users/"+id.String()+"/cti-extension", acme.admin, map[string]any{"extension": ""})
	require.Equal(t, "", b.must(200, "GET", "/v1/users/"+id.String(), acme.admin, nil).str("cti_extension"))

	users := func() int {
		return len(b.must(200, "GET", "/v1/users?limit=500", acme.admin, nil).JSON["items"].([]any))
	}
	before := users()
	for _, c := range []struct {
		name   string
		status int
		body   map[string]any
		field  string
	}{
		{"taken username", 409, map[string]any{"username": "Agent.Wang", "password": adminPassword, "roles": []string{}}, "body.username"},
		{"username with a space", 422, map[string]any{"username": "agent wang", "password": adminPassword, "roles": []string{}}, "body.username"},
		{"short password", 422, map[string]any{"username": "agent.li", "password": "short", "roles": []string{}}, "body.password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.must(c.status, "POST", "/v1/users", acme.admin, c.body)
			require.Contains(t, fieldErrors(r), c.field, "%s", r.Raw)
			require.NotEmpty(t, fieldErrors(r)[c.field])
		})
	}
	require.Equal(t, before, users(), "no user was created")

	r := b.must(422, "PUT", "/v1/roles/custom", acme.admin, map[string]any{"permissions": []map[string]string{
		{"resource": "work_orders", "action": "read"}, {"resource": "moon", "action": "read"}}})
	require.Contains(t, fieldErrors(r), "body.permissions[1].resource", "%s", r.Raw)
	roles := b.must(200, "GET", "/v1/roles", acme.admin, nil).JSON["items"].([]any)
	for _, x := range roles {
		require.NotEqual(t, "custom", x.(map[string]any)["name"], "the role was not created")
	}
}
