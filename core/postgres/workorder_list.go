package postgres

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// encodeCursor and decodeCursor page by (created_at, id), newest first.
func encodeCursor(t time.Time, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + "/" + id.String()))
}

func decodeCursor(c string) (*time.Time, *uuid.UUID, error) {
	if c == "" {
		return nil, nil, nil
	}
	bad := core.FieldError("cursor", "is not a cursor returned by this list")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, nil, bad
	}
	ts, idStr, ok := strings.Cut(string(raw), "/")
	micros, err1 := strconv.ParseInt(ts, 10, 64)
	id, err2 := uuid.Parse(idStr)
	if !ok || err1 != nil || err2 != nil {
		return nil, nil, bad
	}
	t := time.UnixMicro(micros)
	return &t, &id, nil
}

// FindWorkOrders implements workorder.Repository: newest first, cursor
// paginated, limited to the filter's scope.
func (r workOrders) FindWorkOrders(ctx context.Context, f core.WorkOrderFilter, now time.Time) ([]*core.WorkOrder, string, error) {
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
	var where []string
	if at != nil {
		where = append(where, "(w.created_at, w.id) < ("+arg(*at)+", "+arg(*id)+")")
	}
	if f.State != "" {
		where = append(where, "w.state = "+arg(f.State))
	}
	if f.SiteID != nil {
		where = append(where, "w.site_id = "+arg(*f.SiteID))
	}
	if f.TechnicianID != nil {
		where = append(where, "w.technician_id = "+arg(*f.TechnicianID))
	}
	// A region subtree or a phone selects a small set of keys; each key's
	// newest orders come from its own index range (a lateral top-N per
	// key), so the list stays fast however many orders the tenant has.
	var driver, driverCol string
	if f.RegionID != nil {
		driver, driverCol = "ARRAY(WITH RECURSIVE sub AS (SELECT id FROM regions WHERE id = "+arg(*f.RegionID)+
			" UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub)", "region_id"
	}
	if f.From != nil {
		where = append(where, "w.created_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "w.created_at < "+arg(*f.To))
	}
	if f.SLAStatus != "" {
		p, ok := slaPredicate[f.SLAStatus]
		if !ok {
			return nil, "", core.Errorf(core.EINTERNAL, "no SQL for SLA status %q", f.SLAStatus)
		}
		where = append(where, strings.ReplaceAll(p, "{now}", arg(now)))
	}
	if f.Phone != "" {
		phones := "ARRAY(SELECT customer_id FROM customer_phones WHERE phone = " + arg(f.Phone) + ")"
		if driver == "" {
			driver, driverCol = phones, "customer_id"
		} else {
			where = append(where, "w.customer_id = ANY("+phones+")")
		}
	}
	if f.CustomerID != nil {
		where = append(where, "w.customer_id = "+arg(*f.CustomerID))
	}
	if f.Number != "" {
		where = append(where, "w.number = "+arg(f.Number))
	}
	if f.ProductLine != "" {
		where = append(where, "w.product_line = "+arg(f.ProductLine))
	}
	if in := orderReachSQL("w", f.Within, arg); in != "true" {
		where = append(where, in)
	}
	lim := arg(limit + 1)
	sql := `SELECT ` + workOrderColumns + ` FROM work_orders w`
	if driver != "" {
		where = append(where, "w."+driverCol+" = d.key")
		sql = `SELECT w.* FROM unnest(` + driver + `) AS d(key) CROSS JOIN LATERAL (SELECT ` + workOrderColumns +
			` FROM work_orders w WHERE ` + strings.Join(where, " AND ") + ` ORDER BY w.created_at DESC, w.id DESC LIMIT ` + lim + `) w`
	} else if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY w.created_at DESC, w.id DESC LIMIT " + lim
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.WorkOrder, error) { return scanWorkOrder(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.WorkOrder) string { return encodeCursor(r.CreatedAt, r.ID) })
	return out, next, nil
}

// TechnicianOfUser returns the technician record linked to a user, or nil
// when the user is not a technician.
func (s *Store) TechnicianOfUser(ctx context.Context, u core.UnitOfWork, userID uuid.UUID) (*core.FieldTechnician, error) {
	var t core.FieldTechnician
	err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&t.ID, &t.SiteID) },
		`SELECT id, site_id FROM technicians WHERE user_id = $1`, userID)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}
