package dispatch

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// tech returns an available technician of site "a" with the skills the test
// order needs, reported 1 h ago dx km east of the address.
func tech(name string, dx float64, mods ...func(*Technician)) Technician {
	tc := Technician{ID: id(name), SiteID: id("a"), Status: TechAvailable, Skills: []string{"install", "refrigerant"},
		Location: offset(peoplesSquare, dx, 0), LocationAt: t0.Add(-time.Hour)}
	for _, m := range mods {
		m(&tc)
	}
	return tc
}

func techIDs(r []TechCandidate) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range r {
		out = append(out, c.TechnicianID)
	}
	return out
}

func TestChooseTechnician(t *testing.T) {
	t.Parallel()
	needs := func(o *Order) { o.Skills = []string{"install", "refrigerant"} }
	tests := []struct {
		name        string
		autoAssign  bool
		techs       []Technician
		wantChosen  string // "" = none
		wantRanking []string
		wantReasons map[string]string // technician -> one of its reasons
		wantWhyNone string
	}{
		{"required skills", true, []Technician{
			tech("novice", 0.1, func(tc *Technician) { tc.Skills = []string{"install"} }), tech("fitter", 8),
		}, "fitter", []string{"fitter", "novice"}, map[string]string{"novice": "excluded: lacks skills refrigerant",
			"fitter": "has required skills install, refrigerant (the order uses 2 of its 2 skills)"}, ""},
		{"off duty excluded", true, []Technician{
			tech("resting", 0.1, func(tc *Technician) { tc.Status = TechOff }), tech("working", 8),
		}, "working", []string{"working", "resting"}, map[string]string{"resting": "excluded: off duty"}, ""},
		{"available before busy", true, []Technician{
			tech("busy", 0, func(tc *Technician) { tc.Status = TechBusy }), tech("free", 20),
		}, "free", []string{"free", "busy"}, map[string]string{"busy": "busy: ranked after available technicians"}, ""},
		{"stale location falls back to the site", true, []Technician{
			tech("stale", 0.1, func(tc *Technician) { tc.LocationAt = t0.Add(-13 * time.Hour) }), tech("fresh", 1.5),
		}, "fresh", []string{"fresh", "stale"}, map[string]string{"stale": "last location 13.0 h old, stale: 3.0 km from the site",
			"fresh": "1.5 km from last location (1.0 h ago)"}, ""},
		{"just under 12 h is fresh", true, []Technician{
			tech("old", 0.1, func(tc *Technician) { tc.LocationAt = t0.Add(-StaleAfter + time.Minute) }), tech("fresh", 1.5),
		}, "old", []string{"old", "fresh"}, nil, ""},
		{"unknown location uses the site", true, []Technician{
			tech("never", 0, func(tc *Technician) { tc.LocationAt = time.Time{} }), tech("far", 5),
		}, "never", []string{"never", "far"}, map[string]string{"never": "location unknown: 3.0 km from the site"}, ""},
		{"lighter workload wins at equal distance", true, []Technician{
			tech("loaded", 2, func(tc *Technician) { tc.OpenWorkload = 3 }), tech("light", 2),
		}, "light", []string{"light", "loaded"}, map[string]string{"loaded": "3 open orders"}, ""},
		{"specialist before all-rounder", true, []Technician{
			tech("allround", 2, func(tc *Technician) { tc.Skills = append(tc.Skills, "board", "welding", "electrical") }),
			tech("specialist", 2),
		}, "specialist", []string{"specialist", "allround"}, nil, ""},
		{"no technicians", true, nil, "", nil, nil, "the site has no technicians on record"},
		{"nobody qualifies", true, []Technician{
			tech("resting", 1, func(tc *Technician) { tc.Status = TechOff }),
			tech("novice", 1, func(tc *Technician) { tc.Skills = nil }),
		}, "", []string{"novice", "resting"}, nil, "no technician on duty has install, refrigerant (1 off duty, 1 lacking skills)"},
		{"site assigns its own", false, []Technician{tech("x", 1)}, "", []string{"x"}, nil,
			"the site assigns its own technicians; the ranking is a suggestion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustNetwork(t, []Site{site("a", 3, 0, 30, func(s *Site) { s.AutoAssign = tt.autoAssign })}, tt.techs)
			d, err := Engine{}.Decide(context.Background(), n, order(needs))
			require.NoError(t, err)
			td := d.Technician
			require.Equal(t, id("a"), td.SiteID)
			if tt.wantChosen == "" {
				require.Nil(t, td.Chosen)
			} else {
				require.Equal(t, id(tt.wantChosen), *td.Chosen)
			}
			var want []uuid.UUID
			for _, name := range tt.wantRanking {
				want = append(want, id(name))
			}
			require.Equal(t, want, techIDs(td.Ranking))
			for name, reason := range tt.wantReasons {
				i := slicesIndex(techIDs(td.Ranking), id(name))
				require.Contains(t, td.Ranking[i].Reasons, reason)
			}
			require.Equal(t, tt.wantWhyNone, td.NoTechnicianReason)
		})
	}
}

func TestChooseTechnicianDirectly(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{site("a", 3, 0, 30, func(s *Site) { s.AutoAssign = false })}, []Technician{tech("x", 1)})
	td, err := Engine{}.ChooseTechnician(context.Background(), n, id("a"), order())
	require.NoError(t, err)
	require.Equal(t, id("x"), *td.Chosen, "a direct request chooses even when the site assigns its own")
	require.Equal(t, "last location", td.Ranking[0].LocationFrom)

	_, err = Engine{}.ChooseTechnician(context.Background(), n, id("nowhere"), order())
	require.ErrorIs(t, err, ErrInvalid)
	_, err = Engine{}.ChooseTechnician(context.Background(), n, id("a"), order(func(o *Order) { o.Location.Lat = 91 }))
	require.ErrorIs(t, err, ErrInvalid)
}
