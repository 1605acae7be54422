package call

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Every order of a call's events, each maybe twice, merges into the same
// call.
func TestApplyIsOrderIndependent(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	events := []core.CallEvent{
		{Type: core.CallQueued, CallID: "c", Caller: "138", Called: "400", Queue: "repair", At: t0},
		{Type: core.CallRinging, CallID: "c", Caller: "138", Called: "400", AgentExtension: "8001", At: t0.Add(5 * time.Second)},
		{Type: core.CallAnswered, CallID: "c", Caller: "138", Called: "400", AgentExtension: "8001", At: t0.Add(9 * time.Second)},
		{Type: core.CallEnded, CallID: "c", RecordingURL: "https://r/1", At: t0.Add(69 * time.Second)},
	}
	var want Call
	for _, e := range events {
		want.Apply(e)
	}
	if want.Outcome != OutcomeAnswered || want.DurationSeconds != 60 || !want.OfferedAt.Equal(t0) || want.AgentExtension != "8001" {
		t.Fatalf("in order: %+v", want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		seq := append([]core.CallEvent{}, events...)
		for range rng.IntN(4) {
			seq = append(seq, events[rng.IntN(len(events))])
		}
		rng.Shuffle(len(seq), func(i, j int) { seq[i], seq[j] = seq[j], seq[i] })
		var got Call
		for _, e := range seq {
			got.Apply(e)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("order %v gave %+v, want %+v", seq, got, want)
		}
	}
}

func TestOutcomes(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		events []core.CallEvent
		want   string
	}{
		{"queued only", []core.CallEvent{{Type: core.CallQueued, At: t0}}, OutcomeRinging},
		{"answered, not ended", []core.CallEvent{{Type: core.CallAnswered, AgentExtension: "1", At: t0}}, OutcomeInProgress},
		{"rang at an agent, ended", []core.CallEvent{{Type: core.CallRinging, AgentExtension: "1", At: t0},
			{Type: core.CallEnded, At: t0.Add(time.Second)}}, OutcomeMissed},
		{"ended in the queue", []core.CallEvent{{Type: core.CallQueued, At: t0}, {Type: core.CallEnded, At: t0.Add(time.Second)}},
			OutcomeAbandoned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Call
			for _, e := range tc.events {
				c.Apply(e)
			}
			if c.Outcome != tc.want {
				t.Fatalf("outcome %s, want %s", c.Outcome, tc.want)
			}
		})
	}
}
