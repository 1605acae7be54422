package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func ptr(v float64) *float64 { return &v }

func withClaims(s Sums, claims, anomalous int64) Sums {
	s.Claims, s.ClaimsAnomalous = claims, anomalous
	return s
}

// TestReputationScore is the formula's table (docs/reports.md, "Site
// reputation"): each case's score worked out by hand.
func TestReputationScore(t *testing.T) {
	t.Parallel()
	def := DefaultReputationSettings()
	// 20 orders, none cancelled; 10 responded in target; 20 arrivals, 5 on
	// time; 20 scored 3; 1 complaint (50 per 1,000).
	mid := Sums{Orders: 20, RespondedInTarget: 10, Arrivals: 20, ArrivalsOnTime: 5, Scored: 20, ScoreSum: 60, Complaints: 1}
	perfect := Sums{Orders: 10, RespondedInTarget: 10, Arrivals: 10, ArrivalsOnTime: 10, Scored: 10, ScoreSum: 50}
	only := func(w ReputationWeights) ReputationSettings { s := def; s.Weights = w; return s }
	tests := []struct {
		name  string
		sums  Sums
		set   ReputationSettings
		score *float64
		// comps are the expected normalised values; absent: no data.
		comps map[string]float64
	}{
		{"no orders: no score", Sums{}, def, nil, map[string]float64{}},
		{"perfect site: 100", perfect, def, ptr(100),
			map[string]float64{CompResponse: 1, CompArrival: 1, CompSatisfaction: 1, CompComplaints: 1}},
		// (20×0.5 + 20×0.25 + 25×0.5 + 15×0) ÷ (20+20+25+15) = 27.5 ÷ 80
		{"default weights, first-time fix and claims carry no weight", mid, def, ptr(34.4),
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0}},
		{"satisfaction alone", mid, only(ReputationWeights{Satisfaction: 1}), ptr(50),
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0}},
		// ceiling 100 per 1,000: 1 − 50/100 = 0.5; (1×0.25 + 3×0.5) ÷ 4
		{"complaints ceiling moves the complaints component", mid,
			func() ReputationSettings {
				s := only(ReputationWeights{Arrival: 1, Complaints: 3})
				s.ComplaintsCeiling = 100
				return s
			}(), ptr(43.8),
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0.5}},
		// 8 submitted claims, 2 anomalous: 1 − 2/8; (20×0.5 + 20×0.25 + 25×0.5 + 15×0 + 5×0.75) ÷ 85
		{"claim anomalies with default weights", withClaims(mid, 8, 2), def, ptr(36.8),
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0, CompClaimAnomalies: 0.75}},
		{"claim anomalies alone", withClaims(mid, 8, 2), only(ReputationWeights{ClaimAnomalies: 1}), ptr(75),
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0, CompClaimAnomalies: 0.75}},
		// 4 submitted claims < min_sample 5: no data.
		{"fewer claims than min_sample: no data", withClaims(mid, 4, 4), only(ReputationWeights{ClaimAnomalies: 1}), nil,
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0}},
		{"only weights without data: no score", mid, only(ReputationWeights{FirstTimeFix: 10, ClaimAnomalies: 10}), nil,
			map[string]float64{CompResponse: 0.5, CompArrival: 0.25, CompSatisfaction: 0.5, CompComplaints: 0}},
		// 4 scored < min_sample 5: satisfaction has no data; response 1 of 4.
		{"below min_sample a component has no data", Sums{Orders: 6, Cancelled: 1, RespondedInTarget: 5, Scored: 4, ScoreSum: 20},
			def, ptr(100), map[string]float64{CompResponse: 1, CompComplaints: 1}},
		{"cancelled orders are left out of response", Sums{Orders: 10, Cancelled: 5, RespondedInTarget: 5},
			only(ReputationWeights{Response: 1}), ptr(100), map[string]float64{CompResponse: 1, CompComplaints: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, comps := Score(tt.sums, tt.set)
			if tt.score == nil {
				require.Nil(t, score)
			} else {
				require.NotNil(t, score)
				require.InDelta(t, *tt.score, *score, 1e-9)
			}
			require.Len(t, comps, 6)
			got := map[string]float64{}
			for _, c := range comps {
				if c.Value != nil {
					got[c.ID] = *c.Value
				} else {
					require.NotEmpty(t, c.Reason, c.ID)
				}
			}
			require.InDeltaMapValues(t, tt.comps, got, 1e-9)
			require.Len(t, got, len(tt.comps))
		})
	}
}

func TestReputationSettingsValidate(t *testing.T) {
	t.Parallel()
	ok := DefaultReputationSettings()
	require.NoError(t, ok.Validate())
	tests := []struct {
		name, field string
		edit        func(s *ReputationSettings)
	}{
		{"negative weight", "reputation.weights.arrival", func(s *ReputationSettings) { s.Weights.Arrival = -1 }},
		{"weight over 100", "reputation.weights.claim_anomalies", func(s *ReputationSettings) { s.Weights.ClaimAnomalies = 101 }},
		{"all weights 0", "reputation.weights", func(s *ReputationSettings) { s.Weights = ReputationWeights{} }},
		{"short window", "reputation.window_days", func(s *ReputationSettings) { s.WindowDays = 3 }},
		{"min sample 0", "reputation.min_sample", func(s *ReputationSettings) { s.MinSample = 0 }},
		{"ceiling 0", "reputation.complaints_ceiling_per_1000", func(s *ReputationSettings) { s.ComplaintsCeiling = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.field)
		})
	}
	require.Equal(t, 90.0, EffectiveReputation(nil, 80, 10))
	require.Equal(t, 100.0, EffectiveReputation(ptr(95), 80, 10))
	require.Equal(t, 0.0, EffectiveReputation(ptr(5), 80, -10))
}
