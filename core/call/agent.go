package call

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Agent states (示闲, 通话中, 话后处理, 示忙, 离线).
const (
	StateAvailable     = "available"
	StateOnCall        = "on_call"
	StateAfterCallWork = "after_call_work"
	StateAway          = "away"
	StateOffline       = "offline"
)

// AgentState is an agent's state and since when; an agent who never set
// one is offline.
type AgentState struct {
	UserID    uuid.UUID `json:"user_id"`
	Name      string    `json:"name,omitempty"`
	Extension string    `json:"extension,omitempty"`
	State     string    `json:"state" enum:"available,on_call,after_call_work,away,offline"`
	Since     time.Time `json:"since"`
}

// QueueWaiting is how many calls wait in a queue of the phone system
// (queued, not yet offered to an agent, not ended) and since when the
// oldest waits.
type QueueWaiting struct {
	Queue   string    `json:"queue"`
	Waiting int       `json:"waiting"`
	Oldest  time.Time `json:"oldest"`
}

// Board is what supervisors watch: every agent's state and the calls
// waiting per queue.
type Board struct {
	Agents []AgentState   `json:"agents"`
	Queues []QueueWaiting `json:"queues"`
	// Groups are the agent groups with their members' states and the
	// calls waiting in their queues.
	Groups []BoardGroup `json:"groups"`
}

// SetAgentState sets the state an agent chooses in the portal:
// available, away or offline (EINVALID naming "state" otherwise; on_call
// and after_call_work follow the calls).
func (s *Service) SetAgentState(ctx context.Context, u core.UnitOfWork, agent uuid.UUID, state string) (*AgentState, error) {
	if state != StateAvailable && state != StateAway && state != StateOffline {
		return nil, core.FieldError("state", "must be available, away or offline")
	}
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	if err := s.setState(ctx, u, s.store.Calls(u), agent, state, now); err != nil {
		return nil, err
	}
	return &AgentState{UserID: agent, State: state, Since: now}, nil
}

// FindAgentState reads an agent's state.
func (s *Service) FindAgentState(ctx context.Context, u core.UnitOfWork, agent uuid.UUID) (*AgentState, error) {
	return s.store.Calls(u).FindAgentState(ctx, agent)
}

// FindBoard reads the supervisors' board.
func (s *Service) FindBoard(ctx context.Context, u core.UnitOfWork) (*Board, error) {
	repo := s.store.Calls(u)
	agents, err := repo.FindAgentStates(ctx)
	if err != nil {
		return nil, err
	}
	queues, err := repo.FindWaitingCalls(ctx)
	return &Board{Agents: agents, Queues: queues}, err
}

// followCall moves the call's agent with the event: answered → on_call,
// ended after an answer → after_call_work. An event older than the
// agent's current state (replayed, late) changes nothing.
func (s *Service) followCall(ctx context.Context, u core.UnitOfWork, repo Repository, c *Call, e core.CallEvent) error {
	if c.AgentUserID == nil {
		return nil
	}
	next := ""
	switch {
	case e.Type == core.CallAnswered:
		next = StateOnCall
	case e.Type == core.CallEnded && c.AnsweredAt != nil:
		next = StateAfterCallWork
	default:
		return nil
	}
	cur, err := repo.FindAgentState(ctx, *c.AgentUserID)
	if err != nil {
		return err
	}
	at := e.At.UTC().Truncate(time.Microsecond)
	if !cur.Since.IsZero() && at.Before(cur.Since) {
		return nil
	}
	return s.setState(ctx, u, repo, *c.AgentUserID, next, at)
}

// setState writes an agent's state, tells Board and, when it is another
// than before, Changes.
func (s *Service) setState(ctx context.Context, u core.UnitOfWork, repo Repository, agent uuid.UUID, state string, at time.Time) error {
	changed := true
	if s.changes != nil {
		cur, err := repo.FindAgentState(ctx, agent)
		if err != nil {
			return err
		}
		changed = cur.State != state
	}
	if err := repo.SetAgentState(ctx, agent, state, at); err != nil {
		return err
	}
	if err := s.boardChanged(ctx, u); err != nil || !changed || s.changes == nil {
		return err
	}
	return s.changes.AgentsChanged(ctx, u)
}
