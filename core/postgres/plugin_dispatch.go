package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// DispatchFacts implements plugin.Repository in one round trip.
// Technicians are those of the sites.
func (r pluginRepo) DispatchFacts(ctx context.Context, orderID uuid.UUID, sites []uuid.UUID) (*core.DispatchFacts, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT w.created_at, t.timezone, COALESCE(m.code, ''), COALESCE(u.serial, ''), u.dealer_site_id,
			COALESCE(c.vip, false), COALESCE(c.tags, '{}')
		FROM work_orders w JOIN tenants t ON t.id = w.tenant_id
		LEFT JOIN customers c ON c.tenant_id = w.tenant_id AND c.id = w.customer_id
		LEFT JOIN units u ON u.tenant_id = w.tenant_id AND u.id = w.unit_id
		LEFT JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
		WHERE w.id = $1`, orderID)
	b.Queue(`SELECT id, name, working_hours, tags FROM sites WHERE id = ANY($1)`, sites)
	b.Queue(`SELECT id, name, skills, tags FROM technicians WHERE site_id = ANY($1)`, sites)
	br := q.SendBatch(ctx, b)
	defer br.Close()
	f := &core.DispatchFacts{Sites: map[uuid.UUID]core.DispatchSiteFacts{}, Technicians: map[uuid.UUID]core.DispatchTechnicianFacts{}}
	err = br.QueryRow().Scan(&f.CreatedAt, &f.TimeZone, &f.ProductModel, &f.UnitSerial, &f.SellingDealerSiteID, &f.CustomerVIP, &f.CustomerTags)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id uuid.UUID
		var sf core.DispatchSiteFacts
		var hours []byte
		if err := rows.Scan(&id, &sf.Name, &hours, &sf.Tags); err != nil {
			return nil, err
		}
		_ = json.Unmarshal(hours, &sf.WorkingHours) // written validated; unreadable hours are no hours
		f.Sites[id] = sf
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = br.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id uuid.UUID
		var tf core.DispatchTechnicianFacts
		if err := rows.Scan(&id, &tf.Name, &tf.Skills, &tf.Tags); err != nil {
			return nil, err
		}
		f.Technicians[id] = tf
	}
	return f, rows.Err()
}
