package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
)

// bulkTick is how often the bulk mode writes a batch; bulkStep is how many
// batches an order waits between its steps (accepted, arrived, completed).
const (
	bulkTick = 100 * time.Millisecond
	bulkStep = 10
)

// bulkFlow is BenchmarkReportLag's bulk mode: for secs, every bulkTick one
// transaction takes in the orders due at rate (copies of tmpl) and moves
// on those of earlier batches, through the store's work-order repository;
// then the batches left complete the orders in flight. It returns how
// long the intakes took and each order's intake and completion commit
// times.
func bulkFlow(b *testing.B, s *postgres.Store, tenant uuid.UUID, tmpl *core.WorkOrder, record *core.ServiceRecord,
	rate, secs int) (flow time.Duration, intakes, completions []time.Time) {
	ctx := context.Background()
	rec, err := json.Marshal(record)
	require.NoError(b, err)
	require.NotNil(b, tmpl.SiteID)
	require.NotNil(b, tmpl.TechnicianID)
	var batches [][]uuid.UUID // the orders taken in by each batch
	taken, lastIntake := 0, 0
	tick := time.NewTicker(bulkTick)
	defer tick.Stop()
	start := time.Now()
	for {
		<-tick.C
		elapsed := time.Since(start)
		intake := elapsed < time.Duration(secs)*time.Second
		var fresh []uuid.UUID
		if intake {
			due := int(elapsed.Seconds()*float64(rate)) - taken
			due = min(due, rate) // at most a second's worth a batch
			for range due {
				fresh = append(fresh, uuid.New())
			}
		} else if len(batches) > lastIntake+3*bulkStep {
			break // every order taken in is completed
		}
		batches = append(batches, fresh)
		step := func(back int) []uuid.UUID {
			if j := len(batches) - 1 - back*bulkStep; j >= 0 {
				return batches[j]
			}
			return nil
		}
		accept, arrive, complete := step(1), step(2), step(3)
		require.NoError(b, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
			repo := s.WorkOrders(u)
			now := time.Now()
			shift := now.Sub(tmpl.CreatedAt)
			for _, id := range fresh {
				w := *tmpl
				w.ID, w.Number, w.State, w.SiteID, w.TechnicianID = id, "BULK-"+id.String(), core.StateCreated, nil, nil
				w.CreatedAt, w.UpdatedAt = now, now
				for _, t := range []**time.Time{&w.RespondBy, &w.ArriveBy, &w.CompleteBy} {
					if *t != nil {
						v := (*t).Add(shift)
						*t = &v
					}
				}
				repo.InsertWorkOrder(&w)
				repo.AppendEvent(workorder.Event{WorkOrderID: id, Type: "created", To: core.StateCreated, Actor: "agent", At: now,
					Payload: map[string]any{"channel": w.Channel, "type": w.Type}})
				repo.UpdateWorkOrder(id, workorder.Change{At: now, Bump: true, State: core.StateAssigned, SiteID: tmpl.SiteID,
					TechnicianID: tmpl.TechnicianID, Decision: tmpl.Decision})
				repo.AppendEvent(workorder.Event{WorkOrderID: id, Type: "dispatched", From: core.StateCreated, To: core.StateAssigned,
					Actor: "agent", At: now, Payload: map[string]any{"site_id": tmpl.SiteID, "technician_id": tmpl.TechnicianID}})
			}
			for _, id := range accept {
				repo.UpdateWorkOrder(id, workorder.Change{At: now, Bump: true, State: core.StateAccepted, RespondedAt: &now})
				repo.AppendEvent(workorder.Event{WorkOrderID: id, Type: "accepted", From: core.StateAssigned, To: core.StateAccepted,
					Actor: "tech", At: now, Payload: map[string]any{}})
			}
			for _, id := range arrive {
				repo.UpdateWorkOrder(id, workorder.Change{At: now, Bump: true, State: core.StateOnSite, ArrivedAt: &now})
				repo.AppendEvent(workorder.Event{WorkOrderID: id, Type: "arrived", From: core.StateAccepted, To: core.StateOnSite,
					Actor: "tech", At: now, Lat: tmpl.Lat, Lon: tmpl.Lon, Payload: map[string]any{}})
			}
			for _, id := range complete {
				repo.UpdateWorkOrder(id, workorder.Change{At: now, Bump: true, State: core.StateCompleted, CompletedAt: &now,
					ServiceRecord: rec})
				repo.AppendEvent(workorder.Event{WorkOrderID: id, Type: "completed", From: core.StateOnSite, To: core.StateCompleted,
					Actor: "tech", At: now, Payload: map[string]any{"parts": 0}})
			}
			return nil
		}))
		at := time.Now()
		for range fresh {
			intakes = append(intakes, at)
		}
		for range complete {
			completions = append(completions, at)
		}
		taken += len(fresh)
		if intake {
			flow, lastIntake = time.Since(start), len(batches)-1
		}
	}
	return flow, intakes, completions
}

// timedRefresher times the report job's RefreshReports calls.
type timedRefresher struct {
	r          jobs.ReportRefresher
	mu         sync.Mutex
	calls      int
	failed     int // calls that returned an error (the task's 15 s timeout cancels a long recomputation)
	days       int // what the calls returned: days rebuilt plus touched source rows applied
	total, max time.Duration
}

func (t *timedRefresher) RefreshReports(ctx context.Context, limit int) (int, error) {
	t0 := time.Now()
	n, err := t.r.RefreshReports(ctx, limit)
	d := time.Since(t0)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.failed++
	}
	if n > 0 {
		t.calls++
		t.days += n
		t.total += d
		t.max = max(t.max, d)
	}
	return n, err
}

func (t *timedRefresher) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.calls == 0 {
		return fmt.Sprintf("no days recomputed, %d calls failed", t.failed)
	}
	return fmt.Sprintf("%d calls failed; %d RefreshReports calls recomputed %d days or touched rows, %v a call on average, %v at most, %v in all", t.failed, t.calls, t.days,
		(t.total / time.Duration(t.calls)).Round(time.Millisecond), t.max.Round(time.Millisecond), t.total.Round(time.Millisecond))
}

// envInt is a positive integer environment variable, or 0.
func envInt(name string) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return 0
}

// preload writes n completed copies of the order tmpl, created over the
// last minute, in one set-based statement with the report triggers on,
// waits for the report job to aggregate them and returns the tenant's
// aggregated orders and completions then.
func preload(b *testing.B, s *postgres.Store, tenant, tmpl uuid.UUID, n int, job fmt.Stringer) [2]int64 {
	ctx := context.Background()
	t0 := time.Now()
	pgtest.TenantExec(b, s.Pool(), tenant, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
			product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
			complete_by, created_by, created_at, updated_at, skills, division_code, location_approximate,
			region_id, site_id, technician_id, responded_at, arrived_at, completed_at)
		SELECT w.tenant_id, gen_random_uuid(), 'PRE-' || g, w.type, w.channel, 'completed', w.customer_id, w.unit_id,
			w.product_line, w.service_type, w.description, w.address, w.lat, w.lon, w.in_warranty, w.warranty_expires,
			w.respond_by, w.arrive_by, w.complete_by, w.created_by, c.at, c.at, w.skills, w.division_code, w.location_approximate,
			w.region_id, w.site_id, w.technician_id, c.at + interval '10 minutes', c.at + interval '2 hours', c.at + interval '3 hours'
		FROM work_orders w, generate_series(1, $2::int) g, LATERAL (SELECT now() - (g % 60) * interval '1 second' AS at) c
		WHERE w.id = $1`, tmpl, n)
	loaded := time.Since(t0)
	var o, c int64
	require.Eventually(b, func() bool {
		var err error
		o, c, err = aggregated(ctx, s.Pool(), tenant)
		return err == nil && o >= int64(n)
	}, 15*time.Minute, time.Second) // 1,000,000 preloaded rows take minutes to apply
	b.Logf("preloaded %d orders in %v, aggregated %v after (load average %s); report job so far: %s", n,
		loaded.Round(time.Millisecond), (time.Since(t0) - loaded).Round(time.Millisecond), loadAverage(), job)
	return [2]int64{o, c}
}
