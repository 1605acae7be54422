package postgres_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// randomSLAOrders returns n orders in random states with deadlines and
// met times around now, NULLs included, many of them on a boundary of the
// status rule: due now, an hour from now, a microsecond either side, met
// at the due instant, or at 70 or 80 % of the window from intake. Instants
// are microseconds, as stored.
func randomSLAOrders(rng *rand.Rand, now time.Time, n int) []*core.WorkOrder {
	states := core.States()
	out := make([]*core.WorkOrder, n)
	for i := range out {
		w := &core.WorkOrder{State: states[rng.IntN(len(states))],
			CreatedAt: now.Add(-time.Duration(rng.Int64N(int64(10*time.Hour/time.Microsecond))) * time.Microsecond)}
		jitter := func() time.Duration { return time.Duration(rng.IntN(3)-1) * time.Microsecond }
		due := func() *time.Time {
			var at time.Time
			switch rng.IntN(6) {
			case 0:
				return nil
			case 1:
				at = now.Add(jitter())
			case 2:
				at = now.Add(time.Hour + jitter())
			case 3: // the fraction's point near now
				f := []float64{0.7, 0.8}[rng.IntN(2)]
				window := time.Duration(float64(now.Sub(w.CreatedAt)) / f).Round(time.Microsecond)
				at = w.CreatedAt.Add(window + jitter())
			default:
				at = now.Add(time.Duration(rng.Int64N(int64(6*time.Hour/time.Microsecond)))*time.Microsecond - 3*time.Hour)
			}
			return &at
		}
		met := func(due *time.Time) *time.Time {
			var at time.Time
			switch {
			case rng.IntN(2) == 0:
				return nil
			case due != nil && rng.IntN(2) == 0:
				at = due.Add(jitter())
			default:
				at = now.Add(-time.Duration(rng.Int64N(int64(5*time.Hour/time.Microsecond))) * time.Microsecond)
			}
			return &at
		}
		w.RespondBy, w.ArriveBy, w.CompleteBy = due(), due(), due()
		w.RespondedAt, w.ArrivedAt, w.CompletedAt = met(w.RespondBy), met(w.ArriveBy), met(w.CompleteBy)
		out[i] = w
	}
	return out
}

// TestSLAPredicateMatchesStatus: the SQL that lists filter by SLA status
// and the status shown for an order come from one rule and can never
// drift: for thousands of random orders, PostgreSQL finds each status's
// condition true exactly for the orders whose status in Go is that one.
// It holds for work orders' policy (at risk within the hour) and for
// thresholds at a fraction of the window, which the translation supports
// too.
func TestSLAPredicateMatchesStatus(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewPool(t)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	now := time.Now().Truncate(time.Microsecond)
	orders := randomSLAOrders(rng, now, 5000)

	var (
		ids                             []int
		states                          []string
		created                         []time.Time
		respondBy, arriveBy, completeBy []*time.Time
		respondedAt, arrivedAt, doneAt  []*time.Time
	)
	for i, w := range orders {
		ids, states, created = append(ids, i), append(states, w.State), append(created, w.CreatedAt)
		respondBy, arriveBy, completeBy = append(respondBy, w.RespondBy), append(arriveBy, w.ArriveBy), append(completeBy, w.CompleteBy)
		respondedAt, arrivedAt, doneAt = append(respondedAt, w.RespondedAt), append(arrivedAt, w.ArrivedAt), append(doneAt, w.CompletedAt)
	}
	query := func(preds []string) [][]bool {
		sql := `SELECT ` + strings.ReplaceAll(strings.Join(preds, ",\n"), "{now}", "$10") + `
			FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
				$7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
				AS w(i, state, created_at, respond_by, responded_at, arrive_by, arrived_at, complete_by, completed_at)
			ORDER BY w.i`
		rows, err := pool.Query(ctx, sql, ids, states, created, respondBy, respondedAt, arriveBy, arrivedAt, completeBy, doneAt, now)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]bool, error) {
			row := make([]bool, len(preds))
			dst := make([]any, len(row))
			for i := range row {
				dst[i] = &row[i]
			}
			return row, r.Scan(dst...)
		})
		require.NoError(t, err)
		require.Len(t, out, len(orders))
		return out
	}

	t.Run("list filters", func(t *testing.T) {
		filters := []string{"breached", "at_risk"}
		var preds []string
		for _, f := range filters {
			preds = append(preds, postgres.SLAPredicates[f])
		}
		seen := map[string]int{}
		for i, row := range query(preds) {
			status := postgres.SLAStatus(orders[i], now)
			seen[status]++
			for j, f := range filters {
				require.Equal(t, status == f, row[j], "filter %s, status %s, order %+v", f, status, orders[i])
			}
		}
		for _, s := range deadline.Statuses() {
			require.NotZero(t, seen[string(s)], "no order is %s: %v", s, seen)
		}
	})

	for _, p := range []deadline.Policy{core.WorkOrderSLA, {AtRisk: deadline.Fraction(0.8)}, {AtRisk: deadline.Fraction(0.7)},
		{AtRisk: deadline.Before(90 * time.Minute)}} {
		t.Run("every status at "+p.AtRisk.String(), func(t *testing.T) {
			statuses := deadline.Statuses()
			var preds []string
			for _, s := range statuses {
				preds = append(preds, postgres.WorkOrderStatusSQL(p, s))
			}
			seen := map[deadline.Status]int{}
			for i, row := range query(preds) {
				status := p.Status(orders[i].SLA(), now)
				seen[status]++
				for j, s := range statuses {
					require.Equal(t, status == s, row[j], "%s: Go says %s, order %+v", s, status, orders[i])
				}
			}
			require.NotZero(t, seen[deadline.AtRisk], "no order at risk: %v", seen)
		})
	}
}

// TestTimersDueUrgePointMatchesEngine: timers_due pre-selects the orders
// to urge with the migration's timer_urge_point, which an index keys; the
// timer then decides with the engine's warning point. The two agree to
// the microsecond, so a change to the policy's fraction without a
// migration fails here.
func TestTimersDueUrgePointMatchesEngine(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewPool(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	now := time.Now().Truncate(time.Microsecond)
	var created, due []time.Time
	for range 2000 {
		c := now.Add(-time.Duration(rng.Int64N(int64(30*24*time.Hour/time.Microsecond))) * time.Microsecond)
		created = append(created, c)
		due = append(due, c.Add(time.Duration(rng.Int64N(int64(20*24*time.Hour/time.Microsecond)))*time.Microsecond))
	}
	rows, err := pool.Query(ctx, `SELECT timer_urge_point(c, d) FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS x(c, d, n)
		ORDER BY n`, created, due)
	require.NoError(t, err)
	points, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	require.NoError(t, err)
	for i, got := range points {
		want := core.WorkOrderSLA.WarnAt(core.SLAClock(created[i], &due[i], nil))
		require.InDelta(t, 0, got.Sub(want), float64(time.Microsecond), "created %s due %s: SQL %s, engine %s",
			created[i], due[i], got, want)
	}
}
