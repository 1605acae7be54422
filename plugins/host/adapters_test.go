package host

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/parts"
)

func TestPartsPluginCalls(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "erp", map[string]string{"api_key": "k"})
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)

	got, err := p.FindParts(bg, core.PartQuery{Query: "fan", Model: "KFR-35"})
	require.NoError(t, err)
	require.Equal(t, []core.Part{{Code: "P-erp", Name: "k", Models: []string{"KFR-35"}, Unit: got[0].Unit}}, got)

	_, err = p.PartStock(bg, "missing")
	require.Equal(t, core.ENOTFOUND, errCode(err))

	wo := uuid.New()
	res, err := p.ReservePart(bg, core.PartReservation{PartCode: "A-1", WarehouseCode: "W1", Quantity: 2, WorkOrderID: &wo})
	require.NoError(t, err)
	require.Equal(t, 2, res.Quantity)
	require.True(t, strings.HasPrefix(res.ID, "R-"), "an idempotency key is always sent")
	require.NotNil(t, res.ExpiresAt)
	_, err = p.ReservePart(bg, core.PartReservation{PartCode: "A-1", WarehouseCode: "W1", Quantity: 101, WorkOrderID: &wo})
	require.Equal(t, core.ECONFLICT, errCode(err), "not enough stock is the ERP's answer, a 409")
	require.ErrorContains(t, err, "only 100 of A-1 in W1")

	req, err := p.CreateRequisition(bg, core.PartRequisition{WorkOrderID: &wo, Lines: []core.RequisitionLine{{PartCode: "A-1", Quantity: 1}}})
	require.NoError(t, err)
	require.Equal(t, &core.Requisition{ID: "REQ-" + wo.String(), Number: "REQ-" + wo.String(), Status: "submitted"}, req)
	_, err = p.CreateRequisition(bg, core.PartRequisition{})
	require.Equal(t, core.EINVALID, errCode(err))

	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.BreakerClosed, st.Breaker)
	require.Empty(t, st.LastError, "not found, conflict and bad request are answers, not failures")
	require.Equal(t, int64(3), st.Errors)
}

func TestCTIPluginCalls(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginCTI, tb.testPlugin(t, "cti"), "pbx", nil)
	c, err := tb.h.CTI(bg, b.PluginBinding)
	require.NoError(t, err)

	body, err := json.Marshal([]cti.CallEvent{{Type: cti.Ringing, CallID: "c1", Caller: "13800138000", Called: "400", AgentExtension: "801"}})
	require.NoError(t, err)
	evs, err := c.TranslateEvents(bg, core.CTIPayload{ContentType: "application/json", Body: body})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, core.CallRinging, evs[0].Type)
	require.Equal(t, "801", evs[0].AgentExtension)
	require.False(t, evs[0].At.IsZero(), "stamped when the vendor sent no time")

	_, err = c.TranslateEvents(bg, core.CTIPayload{Body: []byte("not json")})
	require.Equal(t, core.EINVALID, errCode(err), "a malformed vendor payload is the vendor's fault")

	r, err := c.Dial(bg, core.DialRequest{AgentExtension: "801", Number: "13800138000"})
	require.NoError(t, err)
	require.Equal(t, "call-801-13800138000", r.CallID)
}

// Garbage from a running plugin is refused with EUNPROCESSABLE, counted as
// the plugin's failure, and leaves the process running.
func TestGarbageAnswersAreRejected(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	partsBin, ctiBin := tb.testPlugin(t, "parts"), tb.testPlugin(t, "cti")
	for _, tc := range []struct {
		name, kind, mode string
		call             func(t *testing.T, b *binding) error
	}{
		{"parts listed twice", core.PluginParts, "duplicate", func(t *testing.T, b *binding) error {
			p, err := tb.h.Parts(bg, b.PluginBinding)
			require.NoError(t, err)
			_, err = p.FindParts(bg, core.PartQuery{Query: "x"})
			return err
		}},
		{"more available than on hand", core.PluginParts, "garbage", func(t *testing.T, b *binding) error {
			p, err := tb.h.Parts(bg, b.PluginBinding)
			require.NoError(t, err)
			_, err = p.PartStock(bg, "A-1")
			return err
		}},
		{"reserved more than asked", core.PluginParts, "garbage", func(t *testing.T, b *binding) error {
			p, err := tb.h.Parts(bg, b.PluginBinding)
			require.NoError(t, err)
			_, err = p.ReservePart(bg, core.PartReservation{PartCode: "A-1", WarehouseCode: "W1", Quantity: 1})
			return err
		}},
		{"unknown call event type", core.PluginCTI, "garbage", func(t *testing.T, b *binding) error {
			c, err := tb.h.CTI(bg, b.PluginBinding)
			require.NoError(t, err)
			_, err = c.TranslateEvents(bg, core.CTIPayload{Body: []byte("[]")})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := partsBin
			if tc.kind == core.PluginCTI {
				bin = ctiBin
			}
			b := tb.bind(t, tc.kind, bin, "g", nil)
			b.setMode(t, tc.mode)
			err := tc.call(t, b)
			require.Equal(t, core.EUNPROCESSABLE, errCode(err))
			require.Contains(t, err.Error(), "invalid answer")
			st := tb.h.Status(bg, b.ID)
			require.Contains(t, st.LastError, "invalid answer")
			require.Equal(t, core.PluginRunning, st.State)
		})
	}
}

func TestCallEventsValidation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := cti.CallEvent{Type: cti.Answered, CallID: "c", Caller: "1", AgentExtension: "801", RecordingURL: "https://rec.example/1.mp3", At: now}
	for _, tc := range []struct {
		name string
		ev   func(e *cti.CallEvent)
		bad  bool
	}{
		{"valid", func(*cti.CallEvent) {}, false},
		{"no call ID", func(e *cti.CallEvent) { e.CallID = "" }, true},
		{"unknown type", func(e *cti.CallEvent) { e.Type = "held" }, true},
		{"long caller", func(e *cti.CallEvent) { e.Caller = strings.Repeat("1", 65) }, true},
		{"not UTF-8", func(e *cti.CallEvent) { e.Called = "\xff" }, true},
		{"recording not http", func(e *cti.CallEvent) { e.RecordingURL = "file:///etc/passwd" }, true},
		{"recording without host", func(e *cti.CallEvent) { e.RecordingURL = "https://" }, true},
		{"queued with direction and queue", func(e *cti.CallEvent) { e.Type, e.Direction, e.Queue = cti.Queued, "inbound", "repair" }, false},
		{"unknown direction", func(e *cti.CallEvent) { e.Direction = "sideways" }, true},
		{"long queue", func(e *cti.CallEvent) { e.Queue = strings.Repeat("q", 65) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			tc.ev(&e)
			_, err := callEvents([]cti.CallEvent{e}, now)
			require.Equal(t, tc.bad, err != nil, "%v", err)
		})
	}
	_, err := callEvents(make([]cti.CallEvent, maxCallEvents+1), now)
	require.ErrorIs(t, err, errInvalidAnswer)
}

func TestPartsAnswerValidation(t *testing.T) {
	t.Parallel()
	_, err := checkParts([]parts.Part{{Number: "a"}, {Number: "b"}}, 1)
	require.ErrorIs(t, err, errInvalidAnswer, "more parts than the limit")
	_, err = checkParts([]parts.Part{{Number: ""}}, 0)
	require.ErrorIs(t, err, errInvalidAnswer, "a part without a number")
	_, err = checkStock([]parts.StockLevel{{Warehouse: "W", OnHand: -1}})
	require.ErrorIs(t, err, errInvalidAnswer, "negative stock")
	_, err = checkStock([]parts.StockLevel{{Warehouse: "W", OnHand: 1}, {Warehouse: "W", OnHand: 1}})
	require.ErrorIs(t, err, errInvalidAnswer, "a warehouse twice")
	r := core.PartReservation{PartCode: "A", WarehouseCode: "W", Quantity: 2}
	_, err = checkReservation(parts.Reservation{ID: "1", PartNumber: "B", Quantity: 1}, r)
	require.ErrorIs(t, err, errInvalidAnswer, "another part")
	_, err = checkReservation(parts.Reservation{ID: "1", PartNumber: "A", Warehouse: "X", Quantity: 1}, r)
	require.ErrorIs(t, err, errInvalidAnswer, "another warehouse")
	got, err := checkReservation(parts.Reservation{ID: "1", PartNumber: "A", Quantity: 1}, r)
	require.NoError(t, err)
	require.Equal(t, "W", got.WarehouseCode, "a partial reservation is fine")
}

func TestRankAnswerValidation(t *testing.T) {
	t.Parallel()
	a, b := uuid.New(), uuid.New()
	own := []uuid.UUID{a, b}
	none := func(int) []string { return nil }
	for _, tc := range []struct {
		name     string
		got      []answered
		excluded []dispatchrules.Exclusion
		bad      bool
	}{
		{"kept and reordered", []answered{{id: b.String()}, {id: a.String()}}, nil, false},
		{"dropped one with a reason", []answered{{id: b.String()}}, []dispatchrules.Exclusion{{ID: a.String(), Reason: "closed"}}, false},
		{"unknown ID", []answered{{id: uuid.NewString()}}, nil, true},
		{"not a UUID", []answered{{id: "site-1"}}, nil, true},
		{"twice", []answered{{id: a.String()}, {id: a.String()}}, nil, true},
		{"NaN score", []answered{{id: a.String(), score: math.NaN()}}, nil, true},
		{"kept and excluded", []answered{{id: a.String()}}, []dispatchrules.Exclusion{{ID: a.String()}}, true},
		{"excluded twice", nil, []dispatchrules.Exclusion{{ID: a.String()}, {ID: a.String()}}, true},
		{"long exclusion reason", nil, []dispatchrules.Exclusion{{ID: a.String(), Reason: strings.Repeat("长", maxReasonRunes+1)}}, true},
		{"too many reasons", []answered{{id: a.String(), reasons: make([]string, maxAddedReasons+1)}}, nil, true},
		{"long reason", []answered{{id: a.String(), reasons: []string{strings.Repeat("长", maxReasonRunes+1)}}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := matchAnswer(own, tc.got, tc.excluded, none)
			require.Equal(t, tc.bad, err != nil, "%v", err)
		})
	}
}
