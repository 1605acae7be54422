package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/internal/testkit"
)

// TestStateMachineEveryStateEveryAction checks every state × every action
// against a table written out by hand: a legal action leads to the listed
// state; anything else is a conflict naming the current state.
func TestStateMachineEveryStateEveryAction(t *testing.T) {
	t.Parallel()
	legal := map[string]map[string]string{
		"created":       {"dispatch": "dispatched", "close": "closed", "cancel": "cancelled"},
		"dispatched":    {"reassign": "created", "assign": "assigned", "accept": "accepted", "reject": "created", "cancel": "cancelled"},
		"assigned":      {"reassign": "created", "assign": "assigned", "accept": "accepted", "decline": "dispatched", "reject": "created", "cancel": "cancelled"},
		"accepted":      {"reassign": "created", "start_travel": "en_route", "arrive": "on_site", "cancel": "cancelled"},
		"en_route":      {"reassign": "created", "arrive": "on_site", "cancel": "cancelled"},
		"on_site":       {"wait_parts": "waiting_parts", "take_to_workshop": "in_workshop", "complete": "completed", "cancel": "cancelled"},
		"waiting_parts": {"resume": "on_site", "cancel": "cancelled"},
		"in_workshop":   {"wait_parts": "waiting_parts", "complete": "completed", "cancel": "cancelled"},
		"completed":     {"confirm": "confirmed"},
		"confirmed":     {"close": "closed"},
		"closed":        {},
		"cancelled":     {},
	}
	require.ElementsMatch(t, core.States(), keys(legal))
	n := 0
	for _, state := range core.States() {
		for _, action := range core.WorkOrderActions() {
			next, err := core.NextState(state, action)
			if want, ok := legal[state][action]; ok {
				require.NoError(t, err, "%s + %s", state, action)
				require.Equal(t, want, next, "%s + %s", state, action)
			} else {
				require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "%s + %s should be illegal", state, action)
				require.Contains(t, core.ErrorMessage(err), state)
			}
			n++
		}
	}
	require.Equal(t, 12*15, n)
	_, err := core.NextState("created", "teleport")
	require.Equal(t, core.EINVALID, core.ErrorCode(err))
}

func keys(m map[string]map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestServiceRecordValidate(t *testing.T) {
	t.Parallel()
	ok := func() core.ServiceRecord {
		return core.ServiceRecord{UnitSerial: "SN1", SymptomCode: "S1", CauseCode: "C1", ObjectCode: "O1", ActionCode: "A1",
			Parts: []core.PartUsed{{Barcode: "P-100", Quantity: 2}}, Confirmation: &core.Confirmation{Name: "王芳", Signature: testkit.PNGSignature}}
	}
	r := ok()
	require.NoError(t, r.Validate())
	cases := map[string]func(*core.ServiceRecord){
		"no symptom":      func(r *core.ServiceRecord) { r.SymptomCode = "" },
		"bad barcode":     func(r *core.ServiceRecord) { r.Parts[0].Barcode = "bad code!" },
		"zero quantity":   func(r *core.ServiceRecord) { r.Parts[0].Quantity = 0 },
		"no confirmation": func(r *core.ServiceRecord) { r.Confirmation = nil },
		"no name":         func(r *core.ServiceRecord) { r.Confirmation.Name = "" },
		"no proof":        func(r *core.ServiceRecord) { r.Confirmation.Signature = "" },
		"fake png":        func(r *core.ServiceRecord) { r.Confirmation.Signature = "data:image/png;base64,aGVsbG8=" },
		"not an image":    func(r *core.ServiceRecord) { r.Confirmation.Signature = "javascript:alert(1)" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			r := ok()
			mutate(&r)
			require.Equal(t, core.EINVALID, core.ErrorCode(r.Validate()))
		})
	}
	r = ok()
	r.Confirmation = &core.Confirmation{Name: "王芳", Code: "4821"}
	require.NoError(t, r.Validate())
}
