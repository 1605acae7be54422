package complaint

import (
	"time"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// Due returns when a complaint taken at start with a window of days
// working days is due in cal, given the times the customer was waited
// on; nil while a pause is still going on (the clock stands).
func Due(cal *calendar.Calendar, start time.Time, days int, pauses []Pause) (*time.Time, error) {
	ps := make([]deadline.Pause, len(pauses))
	for i, p := range pauses {
		ps[i].From = p.From
		if p.To != nil {
			ps[i].To = *p.To
		}
	}
	due, err := deadline.Policy{Days: days}.Due(cal, start, ps)
	if err != nil || due.IsZero() {
		return nil, err
	}
	due = due.Truncate(time.Microsecond)
	return &due, nil
}

// NextEscalation returns when the step after level of the ladder is due
// for a case taken at start and due at due; nil when the ladder is
// climbed, or the clock stands (due nil).
func NextEscalation(ladder []Step, level int, start time.Time, due *time.Time) *time.Time {
	if due == nil || level >= len(ladder) {
		return nil
	}
	at := deadline.Fraction(ladder[level].Share).At(start, *due).Truncate(time.Microsecond)
	return &at
}

// recompute sets the case's due time and next escalation from its
// window and pauses.
func recompute(c *Complaint, cal *calendar.Calendar, ladder []Step) error {
	due, err := Due(cal, c.CreatedAt, c.DeadlineDays, c.Pauses)
	if err != nil {
		return err
	}
	c.DueAt = due
	c.NextEscalation = nil
	if Active(c.State) {
		c.NextEscalation = NextEscalation(ladder, c.EscalationLevel, c.CreatedAt, due)
	}
	return nil
}
