package call

import (
	"context"
	"time"

	"github.com/aftersales/aftersales/core"
)

// BoardGroup is a group as the supervisors' board shows it: its agents
// and their states, and the calls waiting in its queue.
type BoardGroup struct {
	AgentGroup
	Available int        `json:"available" doc:"Members available now."`
	Waiting   int        `json:"waiting" doc:"Calls waiting in the group's queue."`
	Oldest    *time.Time `json:"oldest,omitempty" doc:"Since when the oldest waiting call waits."`
}

// BoardGroups lists the groups for the board, with the waiting calls of
// queues (FindBoard's) matched to each group's queue.
func (g *Groups) BoardGroups(ctx context.Context, u core.UnitOfWork, queues []QueueWaiting) ([]BoardGroup, error) {
	groups, err := g.store.AgentGroups(u).FindAgentGroups(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BoardGroup, 0, len(groups))
	for _, grp := range groups {
		bg := BoardGroup{AgentGroup: *grp}
		for _, m := range grp.Members {
			if m.State == StateAvailable {
				bg.Available++
			}
		}
		for _, q := range queues {
			if grp.Queue != "" && q.Queue == grp.Queue {
				oldest := q.Oldest
				bg.Waiting, bg.Oldest = q.Waiting, &oldest
			}
		}
		out = append(out, bg)
	}
	return out, nil
}
