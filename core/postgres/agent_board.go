package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// The supervisors' board changes (an agent's state, the calls waiting)
// travel between replicas as PostgreSQL notifications on channel
// agent_board, payload the tenant's ID, sent in the transaction of the
// change (delivered at commit; identical ones of a transaction are sent
// once). Each replica's board streams then read the board themselves.
const boardChannel = "agent_board"

// BoardChanged implements call.BoardChanges.
func (s *PluginStore) BoardChanged(_ context.Context, u core.UnitOfWork) error {
	w := unitOf(u)
	w.write(`SELECT pg_notify($1, $2)`, boardChannel, w.tenantID.String())
	return nil
}

// SubscribeBoard returns a channel that receives a signal whenever the
// tenant's board changed on any replica, until ctx ends, when it is
// closed. Signals coalesce: a reader that falls behind gets one for many
// changes. Signals arrive only while Listen runs.
func (s *PluginStore) SubscribeBoard(ctx context.Context, tenantID uuid.UUID) (<-chan struct{}, error) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	if s.boards[tenantID] == nil {
		s.boards[tenantID] = map[chan struct{}]struct{}{}
	}
	s.boards[tenantID][ch] = struct{}{}
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		delete(s.boards[tenantID], ch)
		if len(s.boards[tenantID]) == 0 {
			delete(s.boards, tenantID)
		}
		s.mu.Unlock()
		close(ch)
	}()
	return ch, nil
}

// deliverBoard signals the tenant's board streams ("*": every tenant's,
// after the listener reconnected and may have missed changes).
func (s *PluginStore) deliverBoard(payload string) {
	tenant, err := uuid.Parse(payload)
	if err != nil && payload != "*" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, subs := range s.boards {
		if payload != "*" && t != tenant {
			continue
		}
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default: // a signal is pending already
			}
		}
	}
}
