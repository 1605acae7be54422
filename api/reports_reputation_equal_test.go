package api_test

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
)

// compareReputations runs the reputation job and compares every site's
// score and order count the ranking returns with report.Score over the
// oracle's facts (recomputed from the raw tables) of the tenant-local days
// of the window, with the tenant's settings. It returns how many sites
// it compared.
func (b *testBundle) compareReputations(tenant uuid.UUID, token string) int {
	b.t.Helper()
	_, err := b.app.Reputation.RefreshReputations(context.Background())
	require.NoError(b.t, err)
	set := b.must(200, "GET", "/v1/settings/reports", token, nil).JSON["reputation"].(map[string]any)
	rs := report.DefaultReputationSettings()
	rs.WindowDays = int(set["window_days"].(float64))
	facts, _, _ := b.oracle(tenant)
	tz := pgtest.TenantRows[string](b.t, b.pool, tenant, `SELECT timezone FROM tenants WHERE id = $1`, tenant)[0]
	loc, err := time.LoadLocation(tz)
	require.NoError(b.t, err)
	now := time.Now().In(loc)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, 0, -(rs.WindowDays - 1))
	sums := map[string]*report.Sums{}
	for _, f := range facts {
		if f.site == nil || f.day.Before(from) || f.day.After(to) {
			continue
		}
		k := f.site.String()
		if sums[k] == nil {
			sums[k] = &report.Sums{}
		}
		sums[k].Add(f.sums)
	}
	items := b.must(200, "GET", "/v1/reports/reputation?limit=500", token, nil).JSON["items"].([]any)
	require.NotEmpty(b.t, items)
	scored := 0
	for _, x := range items {
		it := x.(map[string]any)
		s := sums[it["site_id"].(string)]
		if s == nil {
			s = &report.Sums{}
		}
		want, _ := report.Score(*s, rs)
		if want == nil {
			require.Nil(b.t, it["score"], "site %s", it["site_code"])
		} else {
			scored++
			require.Equal(b.t, *want, it["score"], "site %s", it["site_code"])
		}
		require.EqualValues(b.t, s.Orders, it["orders"], "site %s", it["site_code"])
		require.Equal(b.t, from.Format(time.DateOnly), it["window_from"])
	}
	require.Positive(b.t, scored, "some sites have a score to compare")
	return len(items)
}
