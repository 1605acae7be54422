package postgres

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ReportSmallDay bounds the facts plus source rows of a marked day rebuilt whole.
const ReportSmallDay = reportSmallDay

// RebuildMarkedDaysWhole takes every marked day as the report job did
// before rebuilds were bounded: each day rebuilt whole in one transaction
// (its facts recomputed, its aggregates re-added from them), however
// large; the reference the bounded rebuild must equal. It returns the
// days rebuilt.
func (s *Store) RebuildMarkedDaysWhole(ctx context.Context) (int, error) {
	days := 0
	for {
		rows, err := s.pool.Query(ctx, `SELECT tenant_id, day, ids FROM report_claim(100)`)
		if err != nil {
			return days, err
		}
		type dirty struct {
			tenant uuid.UUID
			day    time.Time
			ids    []int64
		}
		ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (dirty, error) {
			var d dirty
			return d, r.Scan(&d.tenant, &d.day, &d.ids)
		})
		if err != nil || len(ds) == 0 {
			return days, err
		}
		for _, d := range ds {
			if _, err := s.takeDay(ctx, d.tenant, d.day, d.ids, math.MaxInt32); err != nil {
				return days, err
			}
			days++
		}
	}
}
