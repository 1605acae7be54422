package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// techBody is a valid POST /v1/technicians body; extra fields replace its own.
func techBody(site uuid.UUID, code string, extra map[string]any) map[string]any {
	body := map[string]any{"site_id": site.String(), "code": code, "name": "师傅 " + code, "phone": "+8613800138000"}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

func (b *testBundle) createTechnician(token string, site uuid.UUID, code string, extra map[string]any) uuid.UUID {
	b.t.Helper()
	r := b.must(201, "POST", "/v1/technicians", token, techBody(site, code, extra))
	return uuid.MustParse(r.str("id"))
}

// TestTechnicianCRUD: create (linking a user), list filters, update with
// optimistic concurrency, and the validation and conflict cases.
func TestTechnicianCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	s1 := b.createSite(acme.admin, cn, "S1", nil)
	s2 := b.createSite(acme.admin, cn, "S2", nil)
	wang, _ := b.createUser(acme.admin, "acme", "wang", []string{"technician"}, nil)

	r := b.must(201, "POST", "/v1/technicians", acme.admin, techBody(s1, "T-1", map[string]any{
		"user_id": wang.String(), "skills": []string{"AC", "install"}, "name": "王师傅"}))
	id := r.str("id")
	require.Equal(t, "available", r.str("status"))
	require.Equal(t, wang.String(), r.str("user_id"))
	require.Nil(t, r.JSON["location"])
	require.Nil(t, r.JSON["location_at"])
	require.Equal(t, 0.0, r.JSON["open_workload"])
	require.JSONEq(t, string(r.Raw), string(b.must(200, "GET", "/v1/technicians/"+id, acme.admin, nil).Raw))

	b.createTechnician(acme.admin, s1, "T-2", map[string]any{"status": "off", "phone": "13900139000"})
	b.createTechnician(acme.admin, s2, "T-3", map[string]any{"skills": []string{"AC"}, "name": "李师傅"})

	list := func(q string) []string { return codes(b.must(200, "GET", "/v1/technicians"+q, acme.admin, nil)) }
	require.Equal(t, []string{"T-1", "T-2", "T-3"}, list(""))
	require.Equal(t, []string{"T-1", "T-2"}, list("?site_id="+s1.String()))
	require.Equal(t, []string{"T-2"}, list("?status=off"))
	require.Equal(t, []string{"T-1", "T-3"}, list("?skill=AC"))
	require.Equal(t, []string{"T-3"}, list("?q=李"))
	require.Equal(t, []string{"T-2"}, list("?q=139001"))
	require.Equal(t, []string{"T-2"}, list("?limit=1&cursor=T-1"))

	// Validation and conflicts.
	bad := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"unknown site", techBody(uuid.New(), "T-9", nil), 422},
		{"unknown user", techBody(s1, "T-9", map[string]any{"user_id": uuid.NewString()}), 422},
		{"phone letters", techBody(s1, "T-9", map[string]any{"phone": "138-0013-8000"}), 422},
		{"bad status", techBody(s1, "T-9", map[string]any{"status": "asleep"}), 422},
		{"bad skill", techBody(s1, "T-9", map[string]any{"skills": []string{"a b"}}), 422},
		{"duplicate code", techBody(s2, "T-1", nil), 409},
		{"user linked twice", techBody(s2, "T-9", map[string]any{"user_id": wang.String()}), 409},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) { b.must(c.status, "POST", "/v1/technicians", acme.admin, c.body) })
	}
	require.Equal(t, []string{"T-1", "T-2", "T-3"}, list(""))

	up := b.must(200, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 1, "site_id": s2.String(),
		"status": "busy", "unlink_user": true})
	require.Equal(t, s2.String(), up.str("site_id"))
	require.Equal(t, "busy", up.str("status"))
	require.Nil(t, up.JSON["user_id"])
	require.Equal(t, 2.0, up.JSON["version"])
	require.Equal(t, []any{"AC", "install"}, up.JSON["skills"])
	b.must(409, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 1, "name": "x"})
	b.must(409, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 2, "code": "T-2"})
	b.must(422, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 2, "site_id": uuid.NewString()})
	b.must(422, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 2, "user_id": wang.String(), "unlink_user": true})
	b.must(404, "PATCH", "/v1/technicians/"+uuid.NewString(), acme.admin, map[string]any{"version": 1, "name": "x"})
	relinked := b.must(200, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 2, "user_id": wang.String()})
	require.Equal(t, wang.String(), relinked.str("user_id"))
}

// TestTechnicianLocation: the technician's own user reports its location
// without any permission; others need technicians:update in scope; late
// reports do not overwrite newer ones.
func TestTechnicianLocation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	site := b.createSite(acme.admin, cn, "S1", nil)
	other := b.createSite(acme.admin, cn, "S2", nil)
	wangID, wang := b.createUser(acme.admin, "acme", "wang", []string{"technician"}, map[string]any{"sites": []string{site.String()}})
	_, li := b.createUser(acme.admin, "acme", "li", []string{"technician"}, map[string]any{"sites": []string{site.String()}})
	_, otherMgr := b.createUser(acme.admin, "acme", "s2.manager", []string{"site_manager"}, map[string]any{"sites": []string{other.String()}})
	id := b.createTechnician(acme.admin, site, "T-1", map[string]any{"user_id": wangID.String()}).String()
	path := "/v1/technicians/" + id + "/location"

	now := time.Now().UTC().Truncate(time.Second)
	r := b.must(200, "PATCH", path, wang, map[string]any{"lat": 22.5, "lon": 113.9, "at": now.Format(time.RFC3339)})
	require.Equal(t, map[string]any{"lat": 22.5, "lon": 113.9}, r.JSON["location"])
	require.Equal(t, now.Format(time.RFC3339), r.str("location_at"))
	require.Equal(t, 1.0, r.JSON["version"], "a location report does not bump the version")

	// An older report is ignored.
	r = b.must(200, "PATCH", path, wang, map[string]any{"lat": 1, "lon": 1, "at": now.Add(-time.Minute).Format(time.RFC3339)})
	require.Equal(t, map[string]any{"lat": 22.5, "lon": 113.9}, r.JSON["location"])
	// Without a time the server's now is used.
	r = b.must(200, "PATCH", path, acme.admin, map[string]any{"lat": 22.6, "lon": 114})
	require.Equal(t, 22.6, r.JSON["location"].(map[string]any)["lat"])

	b.must(403, "PATCH", path, li, map[string]any{"lat": 1, "lon": 1})       // another technician
	b.must(404, "PATCH", path, otherMgr, map[string]any{"lat": 1, "lon": 1}) // a manager of another site
	b.must(422, "PATCH", path, wang, map[string]any{"lat": 91, "lon": 1})    // out of range
	b.must(422, "PATCH", path, wang, map[string]any{"lat": "NaN", "lon": 1}) // not a number
	b.must(422, "PATCH", path, wang, map[string]any{"lat": 1, "lon": 1, "at": now.Add(time.Hour).Format(time.RFC3339)})
	b.must(404, "PATCH", "/v1/technicians/"+uuid.NewString()+"/location", acme.admin, map[string]any{"lat": 1, "lon": 1})
	require.Equal(t, 22.6, b.must(200, "GET", "/v1/technicians/"+id, acme.admin, nil).JSON["location"].(map[string]any)["lat"])
}

// TestTechnicianTags: tags set on create come back normalised from every
// read; an update replaces them when given and keeps them otherwise; bad
// tags are a 422 naming the tag.
func TestTechnicianTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	cn := b.createRegion(acme.admin, nil, "country", "CN", "中国")
	site := b.createSite(acme.admin, cn, "S1", nil)

	r := b.must(201, "POST", "/v1/technicians", acme.admin, techBody(site, "T-1", map[string]any{
		"tags": []string{"senior ", "gas-certified", "senior"}}))
	id := r.str("id")
	require.Equal(t, []any{"gas-certified", "senior"}, r.JSON["tags"])
	require.JSONEq(t, string(r.Raw), string(b.must(200, "GET", "/v1/technicians/"+id, acme.admin, nil).Raw))
	plain := b.must(201, "POST", "/v1/technicians", acme.admin, techBody(site, "T-2", nil))
	require.Equal(t, []any{}, plain.JSON["tags"], "none: an empty list, not null")
	items := b.must(200, "GET", "/v1/technicians", acme.admin, nil).JSON["items"].([]any)
	require.Equal(t, []any{"gas-certified", "senior"}, items[0].(map[string]any)["tags"])
	require.Equal(t, []any{}, items[1].(map[string]any)["tags"])
	seniors := b.must(200, "GET", "/v1/technicians?tag=senior", acme.admin, nil).JSON["items"].([]any)
	require.Len(t, seniors, 1, "the list filters by tag")
	require.Equal(t, id, seniors[0].(map[string]any)["id"])

	up := b.must(200, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 1, "status": "busy"})
	require.Equal(t, []any{"gas-certified", "senior"}, up.JSON["tags"], "kept when not sent")
	up = b.must(200, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 2, "tags": []string{"ladder"}})
	require.Equal(t, []any{"ladder"}, up.JSON["tags"])
	loc := b.must(200, "PATCH", "/v1/technicians/"+id+"/location", acme.admin, map[string]any{"lat": 22.5, "lon": 113.9})
	require.Equal(t, []any{"ladder"}, loc.JSON["tags"])
	up = b.must(200, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 3, "tags": []string{}})
	require.Equal(t, []any{}, up.JSON["tags"])

	for name, c := range map[string]struct {
		tags     []string
		location string
	}{
		"blank":    {[]string{""}, "body.tags[0]"},
		"too long": {[]string{"ok", strings.Repeat("x", 33)}, "body.tags[1]"},
	} {
		t.Run(name, func(t *testing.T) {
			r := b.must(422, "POST", "/v1/technicians", acme.admin, techBody(site, "T-9", map[string]any{"tags": c.tags}))
			require.Contains(t, string(r.Raw), `"location":"`+c.location+`"`, "%s", r.Raw)
			r = b.must(422, "PATCH", "/v1/technicians/"+id, acme.admin, map[string]any{"version": 4, "tags": c.tags})
			require.Contains(t, string(r.Raw), `"location":"`+c.location+`"`, "%s", r.Raw)
		})
	}
	require.Equal(t, 4.0, b.must(200, "GET", "/v1/technicians/"+id, acme.admin, nil).JSON["version"], "nothing written")
}
