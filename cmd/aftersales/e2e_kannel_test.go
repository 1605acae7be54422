//go:build linux

package main_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
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

// TestSMSThroughKannel runs the platform (API and worker) with the Kannel
// provider against a real bearerbox and smsbox whose carrier is Kannel's
// fake SMSC: an order taken in over HTTP reaches the technician's phone
// with its number, address, fault and the customer's phone; the delivery
// report marks the text delivered on the order's timeline; the
// technician's "接单 WO-…" from their phone accepts the order; a garbage
// text gets the help reply; once the order is completed the customer is
// asked and their "5" lands on the order.
func TestSMSThroughKannel(t *testing.T) {
	t.Parallel()
	const secret, number, techPhone, customerPhone = "gateway-secret-for-tests", "10690001", "8613900000001", "8613800138000"
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
	tenant := uuid.MustParse(c.onboard(readToken(t, filepath.Join(dataDir, "platform-admin.token")), "sms-co").ID)
	admin := c.login("sms-co", "admin", adminPassword)
	owner, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	defer owner.Close()
	n := pgtest.NetworkOf(tenant)
	pgtest.AddNetwork(t, owner, n)

	var settings map[string]any
	c.expect(http.StatusOK, "GET", "/v1/settings/sms", admin, nil).decode(t, &settings)
	settings["number"] = number
	settings["quiet_hours"] = map[string]any{"enabled": false, "start": "21:00", "end": "08:00"} // texts go now, whenever this runs
	for _, readOnly := range []string{"time_zone", "updated_at", "kinds"} {
		delete(settings, readOnly)
	}
	c.expect(http.StatusOK, "PUT", "/v1/settings/sms", admin, settings)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var order struct{ ID, Number, State string }
	c.expect(http.StatusCreated, "POST", "/v1/work-orders", admin, map[string]any{"type": "repair", "channel": "phone",
		"customer_id": n.Customer, "unit_id": n.Unit, "description": "空调不制冷", "address": "深圳市南山区科技园",
		"lat": n.Lat, "lon": n.Lon}).decode(t, &order)
	require.Equal(t, "assigned", order.State)

	// The technician's text comes out of the carrier, from the tenant's number.
	m, err := k.WaitFor(ctx, techPhone, order.Number)
	require.NoError(t, err)
	require.Equal(t, number, m.From)
	for _, want := range []string{"深圳市南山区科技园", "空调不制冷", "13800138000"} {
		require.Contains(t, m.Text, want)
	}
	// The fake SMSC reports it delivered: the timeline shows it.
	smsStatuses := func() map[string][]string {
		var ev struct {
			Items []struct {
				Type    string
				Payload struct{ Kind, Status string }
			}
		}
		c.expect(http.StatusOK, "GET", "/v1/work-orders/"+order.ID+"/events", admin, nil).decode(t, &ev)
		out := map[string][]string{}
		for _, e := range ev.Items {
			if e.Type == "sms_status" {
				out[e.Payload.Kind] = append(out[e.Payload.Kind], e.Payload.Status)
			}
		}
		return out
	}
	testkit.Eventually(t, time.Minute, "the technician's text delivered on the timeline", func() bool {
		return strings.Join(smsStatuses()["technician_assigned"], ",") == "queued,sent,delivered"
	})

	// The technician accepts by SMS.
	state := func() string {
		var w struct{ State string }
		c.expect(http.StatusOK, "GET", "/v1/work-orders/"+order.ID, admin, nil).decode(t, &w)
		return w.State
	}
	k.SendMO(techPhone, number, "接单 "+order.Number)
	testkit.Eventually(t, time.Minute, "the order accepted by SMS", func() bool { return state() == "accepted" })

	// Garbage gets the help text (the tenant's locale is en).
	k.SendMO(techPhone, number, "what is this")
	_, err = k.WaitFor(ctx, techPhone, "could not read your text")
	require.NoError(t, err)

	// Completed (the service record is filed in the app; here directly):
	// the customer is asked, and their 5 lands on the order.
	pgtest.InTenant(t, owner, tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE work_orders SET state = 'completed', completed_at = now() WHERE id = $1`, order.ID)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES ($1, $2, 'work_order.completed')`, tenant, order.ID)
		require.NoError(t, err)
	})
	_, err = k.WaitFor(ctx, customerPhone, "reply one digit")
	require.NoError(t, err)
	k.SendMO(customerPhone, number, "5")
	testkit.Eventually(t, time.Minute, "the customer's score on the timeline", func() bool {
		var ev struct {
			Items []struct {
				Type    string
				Payload json.RawMessage
			}
		}
		c.expect(http.StatusOK, "GET", "/v1/work-orders/"+order.ID+"/events", admin, nil).decode(t, &ev)
		for _, e := range ev.Items {
			if e.Type == "satisfaction_scored" {
				return strings.Contains(string(e.Payload), `"score": 5`) || strings.Contains(string(e.Payload), `"score":5`)
			}
		}
		return false
	})

	// A forged delivery report changes nothing.
	c.expectProblem(http.StatusForbidden, "GET", "/v1/sms/kannel/dlr?tenant="+tenant.String()+"&id="+uuid.NewString()+
		"&sig=forged&type=2", "", nil)
	require.Equal(t, 0, p.terminate(t))
}
