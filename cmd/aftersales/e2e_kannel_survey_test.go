//go:build linux

package main_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
	"github.com/aftersales/aftersales/jobs/kanneltest"
)

// TestSMSSurveyThroughKannel runs an SMS survey end to end through a real
// Kannel whose carrier is its fake SMSC: a repair order completes, the
// tenant's SMS rule opens a callback task whose first question reaches the
// customer's phone; a digit out of range gets the help reply saying what
// the question accepts; each answer brings the next question; the last
// closes the task with the answers in the questionnaire's version and
// their indicators, and the low score opens the rework order (the
// tenant's dissatisfaction act).
func TestSMSSurveyThroughKannel(t *testing.T) {
	t.Parallel()
	const secret, number, customerPhone = "gateway-secret-for-tests", "10690002", "8613800138000"
	addr := freeAddr(t)
	k := kanneltest.Start(t, kanneltest.Options{ // skips (or fails under CI) without Kannel
		InboundURL: "http://" + addr + "/v1/sms/kannel/inbound?from=%p&to=%P&text=%a&secret=" + secret})
	dbURL, rURL, dataDir := newDatabase(t), privateRedis(t), t.TempDir()
	p := startProc(t, "serve", map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": rURL, "DATA_DIR": dataDir,
		"HTTP_ADDR": addr, "DB_MAX_CONNS": "10", "SMS_PROVIDER": "kannel", "KANNEL_SENDSMS_URL": k.SendURL,
		"KANNEL_USER": k.User, "KANNEL_PASSWORD": k.Password, "SMS_CALLBACK_BASE_URL": "http://" + addr,
		"SMS_GATEWAY_SECRET": secret}, "serve")
	p.waitReady(t, "http://"+addr)
	defer func() {
		if t.Failed() {
			t.Log(k.Logs())
		}
	}()
	c := newClient(t, addr)
	tenant := uuid.MustParse(c.onboard(readToken(t, filepath.Join(dataDir, "platform-admin.token")), "survey-co").ID)
	admin := c.login("survey-co", "admin", adminPassword)
	owner, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	defer owner.Close()
	n := pgtest.NetworkOf(tenant)
	pgtest.AddNetwork(t, owner, n)

	// Texts go now; the one-digit satisfaction text is off: the survey asks.
	var settings map[string]any
	c.expect(http.StatusOK, "GET", "/v1/settings/sms", admin, nil).decode(t, &settings)
	settings["number"] = number
	settings["quiet_hours"] = map[string]any{"enabled": false, "start": "21:00", "end": "08:00"}
	settings["notifications"] = map[string]any{"customer_satisfaction": map[string]any{"enabled": false}}
	for _, readOnly := range []string{"time_zone", "updated_at", "kinds"} {
		delete(settings, readOnly)
	}
	c.expect(http.StatusOK, "PUT", "/v1/settings/sms", admin, settings)

	var q struct {
		ID      string
		Version int
	}
	c.expect(http.StatusCreated, "POST", "/v1/questionnaires", admin, map[string]any{"name": "After repair", "low_score": 2,
		"questions": []map[string]any{
			{"key": "attitude", "kind": "rating", "text": "How polite was the technician?", "indicator": "attitude", "required": true},
			{"key": "resolved", "kind": "single", "text": "Is the fault fixed?", "indicator": "resolution", "options": []map[string]any{
				{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No", "dissatisfied": true}}},
		}}).decode(t, &q)
	c.expect(http.StatusCreated, "POST", "/v1/callback-rules", admin, map[string]any{"name": "Every repair by SMS",
		"enabled": true, "order_types": []string{"repair"}, "sample": 1, "due_days": 3, "channel": "sms",
		"questionnaire_id": q.ID})

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var order struct{ ID, Number string }
	c.expect(http.StatusCreated, "POST", "/v1/work-orders", admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": n.Customer, "unit_id": n.Unit, "description": "空调不制冷", "address": "深圳市南山区科技园",
		"lat": n.Lat, "lon": n.Lon}).decode(t, &order)
	pgtest.InTenant(t, owner, tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE work_orders SET state = 'completed', completed_at = now() WHERE id = $1`, order.ID)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES ($1, $2, 'work_order.completed')`, tenant, order.ID)
		require.NoError(t, err)
	})

	// Question 1 comes out of the carrier, about the order, from the tenant's number.
	m, err := k.WaitFor(ctx, customerPhone, "(1/2) How polite was the technician?")
	require.NoError(t, err)
	require.Equal(t, number, m.From)
	require.Contains(t, m.Text, order.Number)
	require.Contains(t, m.Text, "1-5")

	// Out of range: the help reply says what the question accepts.
	k.SendMO(customerPhone, number, "9")
	m, err = k.WaitFor(ctx, customerPhone, "survey question 1: reply one digit 1-5")
	require.NoError(t, err)
	require.Contains(t, m.Text, "to a survey question reply as it asks")

	k.SendMO(customerPhone, number, "2")
	m, err = k.WaitFor(ctx, customerPhone, "(2/2) Is the fault fixed?")
	require.NoError(t, err)
	require.Contains(t, m.Text, "1 Yes, 2 No")
	k.SendMO(customerPhone, number, "1")

	type answer struct {
		Question, Indicator string
		Score               *int
		Choice              *string
	}
	var task struct {
		ID, Status, Outcome, Channel string
		WorkOrderID                  string `json:"work_order_id"`
		QuestionnaireVersion         int    `json:"questionnaire_version"`
		Dissatisfied                 bool
		ReworkOrderID                *string `json:"rework_order_id"`
		Answers                      []answer
	}
	testkit.Eventually(t, time.Minute, "the survey's task done with its answers", func() bool {
		var list struct{ Items []json2 }
		c.expect(http.StatusOK, "GET", "/v1/callback-tasks?status=done", admin, nil).decode(t, &list)
		for _, it := range list.Items {
			if it["work_order_id"] == order.ID {
				c.expect(http.StatusOK, "GET", "/v1/callback-tasks/"+it["id"].(string), admin, nil).decode(t, &task)
				return true
			}
		}
		return false
	})
	require.Equal(t, "sms", task.Channel)
	require.Equal(t, q.Version, task.QuestionnaireVersion)
	require.Len(t, task.Answers, 2)
	require.Equal(t, "attitude", task.Answers[0].Indicator)
	require.Equal(t, 2, *task.Answers[0].Score)
	require.Equal(t, "resolution", task.Answers[1].Indicator)
	require.Equal(t, "yes", *task.Answers[1].Choice)
	require.True(t, task.Dissatisfied, "2 is at or below the low score")
	require.Equal(t, "rework_opened", task.Outcome)
	require.NotNil(t, task.ReworkOrderID)
	var rework struct{ Description string }
	c.expect(http.StatusOK, "GET", "/v1/work-orders/"+*task.ReworkOrderID, admin, nil).decode(t, &rework)
	require.Contains(t, rework.Description, "Rework of "+order.Number)

	// The survey is over: a further digit is read as before (no order awaits a score: help).
	k.SendMO(customerPhone, number, "5")
	_, err = k.WaitFor(ctx, customerPhone, "completed order awaiting a score not found")
	require.NoError(t, err)
	require.Equal(t, 0, p.terminate(t))
}

type json2 = map[string]any
