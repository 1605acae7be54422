package complaint

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

func TestSettingsValidateNamesTheField(t *testing.T) {
	cal, err := calendar.Default("Asia/Shanghai")
	require.NoError(t, err)
	closed, err := calendar.New("Asia/Shanghai", [7][]calendar.Interval{}, nil, nil)
	require.NoError(t, err)
	now := time.Date(2026, time.December, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		edit  func(s *Settings)
		cal   *calendar.Calendar
		field string
	}{
		{"defaults are valid", func(*Settings) {}, cal, ""},
		{"unknown parent", func(s *Settings) { s.Categories[1].Parent = "nope" }, cal, "categories[1].parent"},
		{"cycle", func(s *Settings) { s.Categories[0].Parent = "fees"; s.Categories[2].Parent = "repair_quality" }, cal, "categories[0].parent"},
		{"duplicate code", func(s *Settings) { s.Categories[1].Code = "fees" }, cal, "categories[2].code"},
		{"bad code", func(s *Settings) { s.Severities[0].Code = "Bad Code" }, cal, "severities[0].code"},
		{"deadline of an unknown category", func(s *Settings) { s.Deadlines[0].Category = "nope" }, cal, "deadlines[0].category"},
		{"deadline of an unknown severity", func(s *Settings) { s.Deadlines[1].Severity = "nope" }, cal, "deadlines[1].severity"},
		{"zero days can never be met", func(s *Settings) { s.Deadlines[0].Days = 0 }, cal, "deadlines[0].days"},
		{"a calendar without working days", func(*Settings) {}, closed, "deadlines[0].days"},
		{"repeated rule", func(s *Settings) { s.Deadlines = append(s.Deadlines, DeadlineRule{Days: 3}) }, cal, "deadlines[3]"},
		{"ladder shares must climb", func(s *Settings) { s.Ladder[1].Share = 0.4 }, cal, "ladder[1].share"},
		{"unknown recipient", func(s *Settings) { s.Ladder[0].Notify = []string{"ceo"} }, cal, "ladder[0].notify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSettings()
			tc.edit(&s)
			err := s.Validate(tc.cal, now)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var e *core.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, core.EINVALID, e.Code)
			require.Contains(t, e.Fields, tc.field, err.Error())
		})
	}
}

func TestDaysForPicksTheMostSpecificRule(t *testing.T) {
	s := DefaultSettings()
	s.Categories = append(s.Categories, Category{Code: "rude_call", Parent: "service_attitude", NameZh: "电话态度", NameEn: "Rude call"})
	s.Deadlines = append(s.Deadlines, DeadlineRule{Category: "service_attitude", Days: 5},
		DeadlineRule{Category: "service_attitude", Severity: "critical", Days: 2})
	require.Equal(t, 7, s.DaysFor("fees", "normal"), "the tenant default")
	require.Equal(t, 3, s.DaysFor("fees", "serious"))
	require.Equal(t, 5, s.DaysFor("rude_call", "normal"), "a parent's rule covers its subtree")
	require.Equal(t, 2, s.DaysFor("rude_call", "critical"))
	require.Equal(t, 5, s.DaysFor("service_attitude", "serious"), "the category before a severity of any category")
	require.Equal(t, []string{"service_attitude", "rude_call"}, s.Subtree("service_attitude"))
	require.Equal(t, DefaultDays, (&Settings{}).DaysFor("x", "y"))
}

func TestAllowedFollowsTheStates(t *testing.T) {
	require.Equal(t, []string{ActAcknowledge, ActWait, ActTransfer}, Allowed(StateOpen, false))
	require.Equal(t, []string{ActConfirm, ActReject, ActResume, ActTransfer}, Allowed(StateResolutionProposed, true))
	require.Equal(t, []string{ActClose, ActReopen}, Allowed(StateConfirmed, false))
	require.Equal(t, []string{ActReopen}, Allowed(StateClosed, false))
}
