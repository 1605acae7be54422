package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

const ringing = `{"event":"ringing","call_id":"c1","caller":"13800138000","called":"4008001234","agent_extension":"801","timestamp":"2026-11-23T09:30:00+08:00"}`

func TestParseEvents(t *testing.T) {
	at := time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC)
	ring := cti.CallEvent{Type: cti.Ringing, CallID: "c1", Caller: "13800138000", Called: "4008001234", AgentExtension: "801", At: at}
	ended := cti.CallEvent{Type: cti.Ended, CallID: "c1", RecordingURL: "https://pbx.example/r/1.mp3", At: at}
	const endedJSON = `{"event":"ended","call_id":"c1","recording_url":"https://pbx.example/r/1.mp3","timestamp":"2026-11-23T01:30:00Z","vendor_extra":1}`
	for _, tc := range []struct {
		name string
		body string
		want []cti.CallEvent
	}{
		{"one object", ringing, []cti.CallEvent{ring}},
		{"array", "[" + ringing + "," + endedJSON + "]", []cti.CallEvent{ring, ended}},
		{"wrapped", `{"events":[` + ringing + `]}`, []cti.CallEvent{ring}},
		{"answered", `{"event":"answered","call_id":"c1","agent_extension":"801","timestamp":"2026-11-23T01:30:00Z"}`,
			[]cti.CallEvent{{Type: cti.Answered, CallID: "c1", AgentExtension: "801", At: at}}},
		{"queued, with direction and queue", `{"event":"queued","call_id":"c1","caller":"138","queue":"repair","direction":"inbound","timestamp":"2026-11-23T01:30:00Z"}`,
			[]cti.CallEvent{{Type: cti.Queued, CallID: "c1", Caller: "138", Queue: "repair", Direction: "inbound", At: at}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseEvents([]byte(tc.body))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseEventsRefusesMalformedPayloads(t *testing.T) {
	for _, tc := range []struct{ name, body, says string }{
		{"empty", "", "not JSON"},
		{"not json", "event=ringing", "not JSON"},
		{"truncated", ringing[:40], "not JSON"},
		{"two values", ringing + ringing, "more than one"},
		{"scalar", `"ringing"`, "object or array"},
		{"null", `null`, "object or array"},
		{"empty batch", `{"events":[]}`, "no events"},
		{"unknown event", strings.Replace(ringing, "ringing", "exploded", 1), "queued, ringing, answered or ended"},
		{"queued without queue", strings.Replace(ringing, `"ringing"`, `"queued"`, 1), "queue is required"},
		{"unknown direction", strings.Replace(ringing, `"called"`, `"direction":"up","called"`, 1), "direction must be"},
		{"wrong type", strings.Replace(ringing, `"c1"`, `42`, 1), "events[0]"},
		{"no call id", strings.Replace(ringing, `"c1"`, `""`, 1), "call_id"},
		{"ringing without caller", strings.Replace(ringing, `"13800138000"`, `""`, 1), "caller"},
		{"ringing without extension", strings.Replace(ringing, `"801"`, `""`, 1), "agent_extension"},
		{"no timestamp", `{"event":"ended","call_id":"c1"}`, "timestamp is required"},
		{"timestamp without zone", strings.Replace(ringing, "+08:00", "", 1), "RFC 3339"},
		{"recording not a link", `{"event":"ended","call_id":"c1","recording_url":"file:///etc/passwd","timestamp":"2026-11-23T01:30:00Z"}`, "recording_url"},
		{"long field", strings.Replace(ringing, `"c1"`, `"`+strings.Repeat("x", 65)+`"`, 1), "call_id is longer"},
		{"too many", "[" + strings.Repeat(ringing+",", 100) + ringing + "]", "at most 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEvents([]byte(tc.body))
			require.ErrorIs(t, err, sdk.ErrBadRequest)
			require.Contains(t, err.Error(), tc.says)
		})
	}
}

// Whatever the vendor sends, the parser answers events the platform
// accepts or a bad request, and never panics.
func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(ringing))
	f.Add([]byte(`{"events":[` + ringing + `]}`))
	f.Add([]byte(`[{"event":"ended","call_id":"x","recording_url":"http://a/b","timestamp":"2026-01-01T00:00:00Z"}]`))
	f.Add([]byte(`{"events":null}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := parseEvents(body)
		if err != nil {
			require.ErrorIs(t, err, sdk.ErrBadRequest)
			return
		}
		require.NotEmpty(t, evs)
		require.LessOrEqual(t, len(evs), maxEvents)
		for _, e := range evs {
			require.True(t, e.Type.Valid())
			require.NotEmpty(t, e.CallID)
			require.False(t, e.At.IsZero())
			require.LessOrEqual(t, len(e.RecordingURL), maxRecording)
			for _, f := range []string{e.CallID, e.Caller, e.Called, e.AgentExtension} {
				require.LessOrEqual(t, len(f), maxField)
			}
		}
	})
}
