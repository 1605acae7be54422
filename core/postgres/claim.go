package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
)

// claimColumns are read by scanClaim, in its order.
const claimColumns = `c.id, c.work_order_id, c.order_number, c.site_id, s.name, c.region_id, c.technician_id, c.unit_id,
	c.model_code, c.state, c.currency, c.lines, c.claimed_total, c.approved_total, c.distance_km, c.flags, c.audit, c.appealed,
	c.reason, c.completed_at, c.submitted_at, c.decided_at, c.version, c.created_at, c.updated_at`

const claimFrom = ` FROM claims c JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id`

func scanClaim(row pgx.Row) (*claim.Claim, error) {
	c := &claim.Claim{}
	err := row.Scan(&c.ID, &c.WorkOrderID, &c.OrderNumber, &c.SiteID, &c.SiteName, &c.RegionID, &c.TechnicianID, &c.UnitID,
		&c.ModelCode, &c.State, &c.Currency, &c.Lines, &c.ClaimedTotal, &c.ApprovedTotal, &c.DistanceKm, &c.Flags, &c.Audit,
		&c.Appealed, &c.Reason, &c.CompletedAt, &c.SubmittedAt, &c.DecidedAt, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	if c.Flags == nil {
		c.Flags = []claim.ClaimFlag{}
	}
	if c.Lines == nil {
		c.Lines = []claim.ClaimLine{}
	}
	return c, err
}

type claims struct{ u *unit }

// Claims implements claim.Store.
func (s *Store) Claims(u core.UnitOfWork) claim.Repository { return claims{unitOf(u)} }

// ClaimSettings implements claim.Repository.
func (r claims) ClaimSettings(ctx context.Context) (*claim.ClaimSettings, []claim.AuditRule, string, error) {
	var raw, rules []byte
	var tz string
	var days *int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&tz, &raw, &rules, &days) },
		`SELECT t.timezone, (SELECT settings FROM claim_settings), (SELECT rules FROM claim_settings),
			(SELECT part_return_days FROM tenant_settings)
		FROM tenants t WHERE t.id = app_current_tenant()`)
	if err != nil {
		return nil, nil, "", translate(err, "tenant")
	}
	var set *claim.ClaimSettings
	if raw != nil || days != nil {
		d := claim.DefaultSettings()
		set = &d
	}
	if raw != nil {
		if err := json.Unmarshal(raw, set); err != nil {
			return nil, nil, "", err
		}
	}
	if days != nil {
		set.PartReturnDays = *days // the tenant setting: the one return window
	}
	var rs []claim.AuditRule
	if rules != nil {
		rs = []claim.AuditRule{}
		if err := json.Unmarshal(rules, &rs); err != nil {
			return nil, nil, "", err
		}
	}
	return set, rs, tz, nil
}

// SaveSettings implements claim.Repository.
func (r claims) SaveSettings(s claim.ClaimSettings) {
	r.u.write(`INSERT INTO claim_settings (tenant_id, settings) VALUES (app_current_tenant(), $1)
		ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings`, s)
	r.u.write(`INSERT INTO tenant_settings (tenant_id, part_return_days) VALUES (app_current_tenant(), $1)
		ON CONFLICT (tenant_id) DO UPDATE SET part_return_days = EXCLUDED.part_return_days`, s.PartReturnDays)
}

// SaveRules implements claim.Repository.
func (r claims) SaveRules(rules []claim.AuditRule) {
	r.u.write(`INSERT INTO claim_settings (tenant_id, rules) VALUES (app_current_tenant(), $1)
		ON CONFLICT (tenant_id) DO UPDATE SET rules = EXCLUDED.rules`, rules)
}

// OrderFacts implements claim.Repository in one round trip: the order,
// its site, unit and model, the parts on its service record, which of
// their barcodes do not fit (the catalogue lists models for the part and
// not this one, or only other models' orders used it) and which the
// catalogue does not want back.
func (r claims) OrderFacts(ctx context.Context, orderID uuid.UUID) (*claim.OrderFacts, error) {
	o := &claim.OrderFacts{Unfitting: map[string]bool{}}
	var purchase *string
	var siteLat, siteLon *float64
	var region *uuid.UUID
	var hours *float64
	var months *int
	var model, line, siteName *string
	var record []byte
	var unfitting []string
	var returns []byte
	var kept []string
	var charges []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&o.Number, &o.State, &o.CompletedAt, &o.SiteID, &siteName, &region, &o.TechnicianID, &o.UnitID,
			&model, &line, &hours, &purchase, &months, &siteLat, &siteLon, &o.Lat, &o.Lon, &record, &unfitting, &returns, &kept,
			&charges)
	}, `WITH o AS (SELECT * FROM work_orders WHERE id = $1),
		used AS (SELECT DISTINCT p->>'barcode' AS barcode FROM o, jsonb_array_elements(CASE WHEN jsonb_typeof(o.service_record->'parts') = 'array' THEN o.service_record->'parts' ELSE '[]' END) p),
		om AS (SELECT u.model_id FROM o JOIN units u ON u.id = o.unit_id)
		SELECT o.number, o.state, o.completed_at, o.site_id, s.name, s.region_id, o.technician_id, o.unit_id,
			m.code, m.product_line, m.labour_hours::float8, u.purchase_date::text, m.warranty_months, s.lat, s.lon, o.lat, o.lon,
			o.service_record,
			ARRAY(SELECT used.barcode FROM used WHERE EXISTS (
					SELECT 1 FROM work_orders w JOIN units wu ON wu.id = w.unit_id, jsonb_array_elements(CASE WHEN jsonb_typeof(w.service_record->'parts') = 'array' THEN w.service_record->'parts' ELSE '[]' END) p
					WHERE w.id <> $1 AND w.service_record IS NOT NULL AND p->>'barcode' = used.barcode AND wu.model_id <> (SELECT model_id FROM om))
				AND NOT EXISTS (
					SELECT 1 FROM work_orders w JOIN units wu ON wu.id = w.unit_id, jsonb_array_elements(CASE WHEN jsonb_typeof(w.service_record->'parts') = 'array' THEN w.service_record->'parts' ELSE '[]' END) p
					WHERE w.id <> $1 AND w.service_record IS NOT NULL AND p->>'barcode' = used.barcode AND wu.model_id = (SELECT model_id FROM om))
				OR EXISTS (SELECT 1 FROM parts pc WHERE pc.number = used.barcode AND cardinality(pc.models) > 0
					AND m.code IS NOT NULL AND NOT (m.code = ANY (pc.models)))),
			(SELECT jsonb_object_agg(x.number, jsonb_build_object('due', x.due, 'returned_at', x.returned_at)) FROM (
				SELECT pc.number, min(r.return_due) AS due,
					CASE WHEN bool_and(r.returned_at IS NOT NULL) THEN max(r.returned_at) END AS returned_at
				FROM part_requests r JOIN parts pc ON pc.id = r.part_id
				WHERE r.work_order_id = $1 AND r.must_return AND r.return_due IS NOT NULL GROUP BY pc.number) x),
			ARRAY(SELECT used.barcode FROM used JOIN parts pc ON pc.number = used.barcode WHERE NOT pc.must_return),
			(SELECT ch.quote->'items' FROM work_order_charges ch WHERE ch.work_order_id = $1)
		FROM o LEFT JOIN sites s ON s.id = o.site_id LEFT JOIN units u ON u.id = o.unit_id
		LEFT JOIN product_models m ON m.id = u.model_id`, orderID)
	if err != nil {
		return nil, translate(err, "work order")
	}
	if region != nil {
		o.RegionID = *region
	}
	if siteLat != nil {
		o.SiteLat, o.SiteLon = *siteLat, *siteLon
	}
	for _, p := range []struct {
		dst *string
		v   *string
	}{{&o.SiteName, siteName}, {&o.ModelCode, model}, {&o.ProductLine, line}, {&o.PurchaseDate, purchase}} {
		if p.v != nil {
			*p.dst = *p.v
		}
	}
	if hours != nil {
		o.StandardHours = *hours
	}
	if months != nil {
		o.WarrantyMonths = *months
	}
	if len(record) > 0 {
		var rec core.ServiceRecord
		if err := json.Unmarshal(record, &rec); err == nil {
			o.Parts = rec.Parts
		}
	}
	for _, b := range unfitting {
		o.Unfitting[b] = true
	}
	if len(charges) > 0 {
		if err := json.Unmarshal(charges, &o.Charges); err != nil {
			return nil, err
		}
		if o.Charges == nil {
			o.Charges = []claim.ChargedItem{}
		}
	}
	o.Kept = make(map[string]bool, len(kept))
	for _, b := range kept {
		o.Kept[b] = true
	}
	if len(returns) > 0 {
		var rs map[string]struct {
			Due        *time.Time `json:"due"`
			ReturnedAt *time.Time `json:"returned_at"`
		}
		if err := json.Unmarshal(returns, &rs); err != nil {
			return nil, err
		}
		o.Returns = make(map[string]claim.PartReturn, len(rs))
		for n, r := range rs {
			o.Returns[n] = claim.PartReturn{Due: r.Due, ReturnedAt: r.ReturnedAt}
		}
	}
	return o, nil
}

// HistoryFacts implements claim.Repository: the unit's previous completed
// order, and the claim cost per order over the 90 days before asOf of the
// site and the technician, this claim included, and the medians over the
// tenant's other sites and other technicians (claims decided approved or
// adjusted, else submitted ones' claimed totals).
func (r claims) HistoryFacts(ctx context.Context, c *claim.Claim, asOf time.Time, f *claim.Facts) error {
	var repeat, peers, techPeers *float64
	var siteSum, techSum float64
	var siteN, techN int64
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&repeat, &siteSum, &siteN, &techSum, &techN, &peers, &techPeers)
	}, `WITH recent AS (
			SELECT site_id, technician_id, CASE WHEN state IN ('approved', 'adjusted') THEN approved_total ELSE claimed_total END AS cost
			FROM claims WHERE id <> $1 AND state NOT IN ('draft', 'rejected') AND submitted_at >= $4::timestamptz - interval '90 days'
			AND submitted_at < $4)
		SELECT (SELECT extract(epoch FROM $5::timestamptz - max(w.completed_at)) / 86400 FROM work_orders w
				WHERE w.unit_id = $2 AND w.id <> $6 AND w.completed_at IS NOT NULL AND w.completed_at < $5),
			(SELECT coalesce(sum(cost), 0)::float8 FROM recent WHERE site_id = $3), (SELECT count(*) FROM recent WHERE site_id = $3),
			(SELECT coalesce(sum(cost), 0)::float8 FROM recent WHERE technician_id = $7), (SELECT count(*) FROM recent WHERE technician_id = $7),
			(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY per) FROM
				(SELECT avg(cost) AS per FROM recent WHERE site_id <> $3 GROUP BY site_id) p),
			(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY per) FROM
				(SELECT avg(cost) AS per FROM recent WHERE technician_id IS NOT NULL AND technician_id IS DISTINCT FROM $7
					GROUP BY technician_id) p)`,
		c.ID, c.UnitID, c.SiteID, asOf, c.CompletedAt, c.WorkOrderID, c.TechnicianID)
	if err != nil {
		return err
	}
	if repeat != nil {
		f.RepeatDays = int(*repeat)
	}
	// The claim counts in its own site's and technician's figures.
	own := float64(c.ClaimedTotal)
	f.SiteCostPerOrder = (siteSum + own) / float64(siteN+1)
	f.TechnicianCostPerOrder = own
	if c.TechnicianID != nil {
		f.TechnicianCostPerOrder = (techSum + own) / float64(techN+1)
	}
	if peers != nil {
		f.PeerMedianCost = *peers
	}
	if techPeers != nil {
		f.TechnicianPeerMedianCost = *techPeers
	}
	return nil
}

// Insert implements claim.Repository.
func (r claims) Insert(ctx context.Context, c *claim.Claim) error {
	var one int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&one) },
		`INSERT INTO claims (tenant_id, id, work_order_id, order_number, site_id, region_id, technician_id, unit_id, model_code,
			state, currency, lines, claimed_total, approved_total, distance_km, flags, audit, appealed, reason, completed_at,
			submitted_at, decided_at, version, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
			$20, $21, $22, $23, $24) ON CONFLICT (tenant_id, work_order_id) DO NOTHING RETURNING 1`,
		c.ID, c.WorkOrderID, c.OrderNumber, c.SiteID, c.RegionID, c.TechnicianID, c.UnitID, c.ModelCode, c.State, c.Currency,
		c.Lines, c.ClaimedTotal, c.ApprovedTotal, c.DistanceKm, c.Flags, c.Audit, c.Appealed, c.Reason, c.CompletedAt,
		c.SubmittedAt, c.DecidedAt, c.Version, c.CreatedAt, c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.ECONFLICT, "work_order_id: the order has a claim already")
	}
	return translate(err, "claim")
}

// Update implements claim.Repository.
func (r claims) Update(c *claim.Claim) {
	r.u.write(`UPDATE claims SET state = $2, lines = $3, claimed_total = $4, approved_total = $5, flags = $6, audit = $7,
		appealed = $8, reason = $9, submitted_at = $10, decided_at = $11, updated_at = $12, version = version + 1 WHERE id = $1`,
		c.ID, c.State, c.Lines, c.ClaimedTotal, c.ApprovedTotal, c.Flags, c.Audit, c.Appealed, c.Reason, c.SubmittedAt,
		c.DecidedAt, c.UpdatedAt)
}

// Lock implements claim.Repository.
func (r claims) Lock(ctx context.Context, id uuid.UUID) (*claim.Claim, error) {
	return r.one(ctx, `SELECT `+claimColumns+claimFrom+` WHERE c.id = $1 FOR UPDATE OF c`, id)
}

// LockByOrder implements claim.Repository.
func (r claims) LockByOrder(ctx context.Context, orderID uuid.UUID) (*claim.Claim, error) {
	return r.one(ctx, `SELECT `+claimColumns+claimFrom+` WHERE c.work_order_id = $1 FOR UPDATE OF c`, orderID)
}

// FindByID implements claim.Repository.
func (r claims) FindByID(ctx context.Context, id uuid.UUID) (*claim.Claim, error) {
	return r.one(ctx, `SELECT `+claimColumns+claimFrom+` WHERE c.id = $1`, id)
}

func (r claims) one(ctx context.Context, sql string, id uuid.UUID) (*claim.Claim, error) {
	var c *claim.Claim
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var err error
		c, err = scanClaim(row)
		return err
	}, sql, id)
	return c, translate(err, "claim")
}

// AppendEvent implements claim.Repository.
func (r claims) AppendEvent(id uuid.UUID, e claim.ClaimEvent) {
	if e.Payload == nil {
		e.Payload = map[string]any{}
	}
	r.u.write(`INSERT INTO claim_events (tenant_id, claim_id, seq, type, from_state, to_state, actor, reason, at, payload)
		VALUES (app_current_tenant(), $1, (SELECT COALESCE(max(seq), 0) + 1 FROM claim_events WHERE claim_id = $1),
		$2, $3, $4, $5, $6, $7, $8)`, id, e.Type, e.From, e.To, e.Actor, e.Reason, e.At, e.Payload)
}

// FindEvents implements claim.Repository.
func (r claims) FindEvents(ctx context.Context, id uuid.UUID) ([]*claim.ClaimEvent, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT seq, type, from_state, to_state, actor, reason, at, payload
		FROM claim_events WHERE claim_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*claim.ClaimEvent, error) {
		e := &claim.ClaimEvent{}
		return e, row.Scan(&e.Seq, &e.Type, &e.From, &e.To, &e.Actor, &e.Reason, &e.At, &e.Payload)
	})
}

// Find implements claim.Repository: newest first, keyset on (created_at, id).
func (r claims) Find(ctx context.Context, f claim.Filter) ([]*claim.Claim, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{claimReachSQL("c", f.Within, arg)}
	if at != nil {
		where = append(where, "(c.created_at, c.id) < ("+arg(*at)+", "+arg(*id)+")")
	}
	if f.State != "" {
		where = append(where, "c.state = "+arg(f.State))
	}
	if f.SiteID != nil {
		where = append(where, "c.site_id = "+arg(*f.SiteID))
	}
	rows, err := q.Query(ctx, `SELECT `+claimColumns+claimFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.created_at DESC, c.id DESC LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*claim.Claim, error) { return scanClaim(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(c *claim.Claim) string { return encodeCursor(c.CreatedAt, c.ID) })
	return out, next, nil
}

// claimReachSQL is the condition on a row aliased c (with site_id and
// region_id) for being in r.
func claimReachSQL(c string, r claim.Reach, arg func(any) string) string {
	return ownerReachSQL(r.All, r.Sites, r.Regions, c+".site_id", c+".region_id", arg)
}

// OutboxAdd implements claim.Repository.
func (r claims) OutboxAdd(aggregate uuid.UUID, typ string, payload json.RawMessage) {
	outboxWriter(r).Add(aggregate, typ, payload)
}
