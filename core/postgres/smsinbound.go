package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/workorder"
)

// FindSMSSender implements core.SMSReplyStore.
func (s *Store) FindSMSSender(ctx context.Context, phone string) (*core.SMSSender, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	snd := &core.SMSSender{Phone: phone}
	var tech, user, customer *uuid.UUID
	err = q.QueryRow(ctx, `SELECT t.locale,
			(SELECT id FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT user_id FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT lat FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT lon FROM technicians WHERE phone = $1 ORDER BY code LIMIT 1),
			(SELECT customer_id FROM customer_phones WHERE phone = $1 LIMIT 1)
		FROM tenants t WHERE t.id = app_current_tenant()`, phone).Scan(&snd.Locale, &tech, &user, &snd.Lat, &snd.Lon, &customer)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	snd.TechnicianID, snd.UserID, snd.CustomerID = tech, user, customer
	return snd, nil
}

// openStates are those of orders a technician is working on.
var openStates = []string{core.StateAssigned, core.StateAccepted, core.StateEnRoute, core.StateOnSite,
	core.StateWaitingParts, core.StateInWorkshop}

// FindTechnicianOrder implements core.SMSReplyStore.
func (s *Store) FindTechnicianOrder(ctx context.Context, technicianID uuid.UUID, number string) (uuid.UUID, error) {
	q, err := s.q(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	var ids []uuid.UUID
	var rows pgx.Rows
	if number != "" {
		rows, err = q.Query(ctx, `SELECT id FROM work_orders WHERE number = $1 AND technician_id = $2`, number, technicianID)
	} else {
		rows, err = q.Query(ctx, `SELECT id FROM work_orders WHERE technician_id = $1 AND state = ANY($2) LIMIT 2`,
			technicianID, openStates)
	}
	if err == nil {
		ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	}
	if err != nil {
		return uuid.Nil, err
	}
	if len(ids) != 1 {
		if number == "" {
			return uuid.Nil, core.Errorf(core.ENOTFOUND, "no single open order; give the order number")
		}
		return uuid.Nil, core.Errorf(core.ENOTFOUND, "order %s is not assigned to you", number)
	}
	return ids[0], nil
}

// RecordSatisfaction implements core.SMSReplyStore: the latest completed
// order of the customer that was asked and has no score yet.
func (s *Store) RecordSatisfaction(ctx context.Context, customerID uuid.UUID, score int, actor string) (*core.WorkOrder, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	w, err := scanWorkOrder(q.QueryRow(ctx, `SELECT `+workOrderColumns+` FROM work_orders w
		WHERE w.customer_id = $1 AND w.completed_at IS NOT NULL AND w.satisfaction_score IS NULL
		  AND w.state IN ('completed', 'confirmed', 'closed')
		  AND EXISTS (SELECT 1 FROM sms_messages m WHERE m.work_order_id = w.id AND m.kind = $2)
		ORDER BY w.completed_at DESC LIMIT 1 FOR UPDATE`, customerID, core.SMSCustomerSatisfaction))
	if err != nil {
		return nil, translate(err, "completed order awaiting a score")
	}
	now := s.now()
	b := &pgx.Batch{}
	b.Queue(`UPDATE work_orders SET satisfaction_score = $2, satisfaction_at = $3, updated_at = $3 WHERE id = $1`, w.ID, score, now)
	b.Queue(eventSQL, eventArgs(workorder.Event{WorkOrderID: w.ID, Type: "satisfaction_scored", Actor: actor, At: now,
		Payload: map[string]any{"score": score}})...)
	return w, q.SendBatch(ctx, b).Close()
}

// FindCompletionFacts implements core.SMSReplyStore.
func (s *Store) FindCompletionFacts(ctx context.Context, workOrderID uuid.UUID) (*core.AssignmentFacts, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var tech *uuid.UUID
	if err := q.QueryRow(ctx, `SELECT technician_id FROM work_orders WHERE id = $1`, workOrderID).Scan(&tech); err != nil {
		return nil, translate(err, "work order")
	}
	if tech == nil {
		return nil, core.Errorf(core.ENOTFOUND, "work order %s has no technician", workOrderID)
	}
	return s.FindAssignmentFacts(ctx, workOrderID, *tech)
}
