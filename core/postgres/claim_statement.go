package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
)

const statementColumns = `st.id, st.site_id, s.name, st.region_id, st.period, st.state, st.currency, st.lines, st.claims_total,
	st.charged_total, st.deductions_total, st.total, st.notes, st.approved_by, st.approved_at, st.version, st.created_at, st.updated_at`

const statementFrom = ` FROM claim_statements st JOIN sites s ON s.tenant_id = st.tenant_id AND s.id = st.site_id`

func scanStatement(row pgx.Row) (*claim.ClaimStatement, error) {
	st := &claim.ClaimStatement{}
	err := row.Scan(&st.ID, &st.SiteID, &st.SiteName, &st.RegionID, &st.Period, &st.State, &st.Currency, &st.Lines,
		&st.ClaimsTotal, &st.ChargedTotal, &st.DeductionsTotal, &st.Total, &st.Notes, &st.ApprovedBy, &st.ApprovedAt,
		&st.Version, &st.CreatedAt, &st.UpdatedAt)
	if st.Lines == nil {
		st.Lines = []claim.StatementLine{}
	}
	if st.Notes == nil {
		st.Notes = []string{}
	}
	return st, err
}

// SettlementSources implements claim.Repository: per site, the claims
// decided approved or adjusted in [from, to), the charged totals of the
// orders it completed in it (work_order_charges, migration 00085) and the
// SLA misses recorded in it (site_sla_misses, migration 00012).
func (r claims) SettlementSources(ctx context.Context, from, to time.Time) (map[uuid.UUID]*claim.Sources, error) {
	out := map[uuid.UUID]*claim.Sources{}
	get := func(site uuid.UUID, name string, region uuid.UUID) *claim.Sources {
		s := out[site]
		if s == nil {
			s = &claim.Sources{SiteName: name, RegionID: region}
			out[site] = s
		}
		return s
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT c.site_id, s.name, s.region_id, c.id, c.order_number, c.state, c.approved_total, c.currency
		FROM claims c JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id
		WHERE c.state IN ('approved', 'adjusted') AND c.decided_at >= $1 AND c.decided_at < $2
		ORDER BY c.decided_at, c.id`, from, to).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			var site, region uuid.UUID
			var name string
			var c claim.SettledClaim
			if err := rs.Scan(&site, &name, &region, &c.ID, &c.OrderNumber, &c.State, &c.Approved, &c.Currency); err != nil {
				return err
			}
			src := get(site, name, region)
			src.Claims = append(src.Claims, c)
		}
		return rs.Err()
	})
	b.Queue(`SELECT w.site_id, s.name, s.region_id, w.id, w.number, c.total, c.currency
		FROM work_order_charges c JOIN work_orders w ON w.tenant_id = c.tenant_id AND w.id = c.work_order_id
		JOIN sites s ON s.tenant_id = w.tenant_id AND s.id = w.site_id
		WHERE c.total > 0 AND w.completed_at >= $1 AND w.completed_at < $2
		ORDER BY w.completed_at, w.id`, from, to).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			var site, region uuid.UUID
			var name string
			var c claim.ChargedService
			if err := rs.Scan(&site, &name, &region, &c.WorkOrderID, &c.OrderNumber, &c.Amount, &c.Currency); err != nil {
				return err
			}
			src := get(site, name, region)
			src.Charged = append(src.Charged, c)
		}
		return rs.Err()
	})
	b.Queue(`SELECT m.site_id, s.name, s.region_id, m.work_order_id, w.number, m.kind
		FROM site_sla_misses m JOIN sites s ON s.tenant_id = m.tenant_id AND s.id = m.site_id
		JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id
		WHERE m.recorded_at >= $1 AND m.recorded_at < $2 ORDER BY m.id`, from, to).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			var site, region uuid.UUID
			var name string
			var m claim.SLAMiss
			if err := rs.Scan(&site, &name, &region, &m.WorkOrderID, &m.OrderNumber, &m.Kind); err != nil {
				return err
			}
			src := get(site, name, region)
			src.Misses = append(src.Misses, m)
		}
		return rs.Err()
	})
	return out, r.u.read(ctx, b)
}

// SaveStatement implements claim.Repository: replaces the site's draft of
// the period; ECONFLICT when it is approved.
func (r claims) SaveStatement(ctx context.Context, st *claim.ClaimStatement) error {
	var id uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&id) },
		`INSERT INTO claim_statements AS x (tenant_id, id, site_id, region_id, period, state, currency, lines, claims_total,
			charged_total, deductions_total, total, notes, version, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)
		ON CONFLICT (tenant_id, site_id, period) DO UPDATE SET currency = EXCLUDED.currency, lines = EXCLUDED.lines,
			claims_total = EXCLUDED.claims_total, charged_total = EXCLUDED.charged_total,
			deductions_total = EXCLUDED.deductions_total, total = EXCLUDED.total, notes = EXCLUDED.notes,
			version = x.version + 1, updated_at = EXCLUDED.updated_at
		WHERE x.state = 'draft' RETURNING x.id`,
		st.ID, st.SiteID, st.RegionID, st.Period, st.State, st.Currency, st.Lines, st.ClaimsTotal, st.ChargedTotal,
		st.DeductionsTotal, st.Total, st.Notes, st.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.ECONFLICT, "period: the site's statement of %s is approved", st.Period)
	}
	st.ID = id
	return translate(err, "statement")
}

// FindStatements implements claim.Repository: by period (newest first),
// then site name.
func (r claims) FindStatements(ctx context.Context, f claim.StatementFilter) ([]*claim.ClaimStatement, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := claimReachSQL("st", f.Within, arg)
	if f.Period != "" {
		where += " AND st.period = " + arg(f.Period)
	}
	rows, err := q.Query(ctx, `SELECT `+statementColumns+statementFrom+` WHERE `+where+
		` ORDER BY st.period DESC, s.name, st.id LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*claim.ClaimStatement, error) { return scanStatement(row) })
}

// FindStatement implements claim.Repository.
func (r claims) FindStatement(ctx context.Context, id uuid.UUID) (*claim.ClaimStatement, error) {
	return r.statement(ctx, `SELECT `+statementColumns+statementFrom+` WHERE st.id = $1`, id)
}

// LockStatement implements claim.Repository.
func (r claims) LockStatement(ctx context.Context, id uuid.UUID) (*claim.ClaimStatement, error) {
	return r.statement(ctx, `SELECT `+statementColumns+statementFrom+` WHERE st.id = $1 FOR UPDATE OF st`, id)
}

func (r claims) statement(ctx context.Context, sql string, id uuid.UUID) (*claim.ClaimStatement, error) {
	var st *claim.ClaimStatement
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var err error
		st, err = scanStatement(row)
		return err
	}, sql, id)
	return st, translate(err, "statement")
}

// UpdateStatement implements claim.Repository: its approval.
func (r claims) UpdateStatement(st *claim.ClaimStatement) {
	r.u.write(`UPDATE claim_statements SET state = $2, approved_by = $3, approved_at = $4, updated_at = $5,
		version = version + 1 WHERE id = $1`, st.ID, st.State, st.ApprovedBy, st.ApprovedAt, st.UpdatedAt)
}
