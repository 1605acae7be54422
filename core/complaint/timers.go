package complaint

import (
	"context"

	"github.com/aftersales/aftersales/core"
)

// escalationBatch bounds the complaints one run looks at.
const escalationBatch = 1000

// FireEscalations climbs every escalation step due at the clock, across
// tenants, each complaint in its own tenant unit under its row lock: a
// step another run (another replica) fired already is not due any more
// when re-checked, so concurrent runs fire each step once. It returns how
// many steps fired; a complaint that fails is logged and left for the
// next run.
func (s *Service) FireEscalations(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.store.DueEscalations(ctx, now, escalationBatch)
	if err != nil {
		return 0, err
	}
	fired := 0
	for _, d := range due {
		var n int
		err := core.InUnitOfWork(ctx, s.units, d.TenantID, func(u core.UnitOfWork) error {
			repo := s.store.Complaints(u)
			c, err := repo.Lock(ctx, d.ComplaintID)
			if core.ErrorCode(err) == core.ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			set, _, err := s.tenant(ctx, repo)
			if err != nil {
				return err
			}
			// Every step whose time has come, each once: a run that was
			// late catches up in order.
			for Active(c.State) && c.NextEscalation != nil && !now.Before(*c.NextEscalation) && c.EscalationLevel < len(set.Ladder) {
				s.escalate(repo, c, set, now, TimerActor, "")
				n++
			}
			return nil
		})
		if err != nil {
			s.log.Error("complaint escalation failed", "tenant_id", d.TenantID, "complaint_id", d.ComplaintID, "err", err)
			continue
		}
		fired += n
	}
	return fired, nil
}
