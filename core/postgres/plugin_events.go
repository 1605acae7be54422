package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Agent events travel between replicas as PostgreSQL notifications on
// channel agent_events, sent in the publisher's transaction (delivered at
// commit). A notification carries at most 8000 bytes, so it carries the
// call event only; the replica holding the agent's stream looks the caller
// up (the screen pop) itself.
const agentChannel = "agent_events"

// agentSubBuffer is how many events a slow reader may fall behind before
// it loses some.
const agentSubBuffer = 16

type agentKey struct{ tenant, user uuid.UUID }

type agentSub struct{ ch chan core.AgentEvent }

type agentNotice struct {
	Tenant uuid.UUID       `json:"t"`
	User   uuid.UUID       `json:"u"`
	Event  core.AgentEvent `json:"e"`
}

// PublishAgentEvent implements plugin.Repository: a notification sent in
// the unit's transaction, so delivered when it commits.
func (r pluginRepo) PublishAgentEvent(user uuid.UUID, e core.AgentEvent) error {
	e.ScreenPop = nil
	payload, err := json.Marshal(agentNotice{Tenant: r.u.tenantID, User: user, Event: e})
	if err != nil {
		return err
	}
	if len(payload) > 7900 {
		return core.Errorf(core.EINVALID, "call event too large")
	}
	r.u.write(`SELECT pg_notify($1, $2)`, agentChannel, string(payload))
	return nil
}

// SubscribeAgentEvents implements plugin.AgentEventBus. Events reach
// subscribers only while Listen runs.
func (s *PluginStore) SubscribeAgentEvents(ctx context.Context, tenantID, userID uuid.UUID) (<-chan core.AgentEvent, error) {
	k := agentKey{tenantID, userID}
	sub := &agentSub{ch: make(chan core.AgentEvent, agentSubBuffer)}
	s.mu.Lock()
	if s.subs[k] == nil {
		s.subs[k] = map[*agentSub]struct{}{}
	}
	s.subs[k][sub] = struct{}{}
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		delete(s.subs[k], sub)
		if len(s.subs[k]) == 0 {
			delete(s.subs, k)
		}
		s.mu.Unlock()
		close(sub.ch)
	}()
	return sub.ch, nil
}

func (s *PluginStore) deliver(payload string) {
	var n agentNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs[agentKey{n.Tenant, n.User}] {
		select {
		case sub.ch <- n.Event:
		default: // a slow reader loses the event rather than holding up others
		}
	}
}

// Listen delivers agent events and board changes to this process's subscribers and keeps the
// binding cache in step with changes on any replica, until ctx ends. After
// a lost connection it reconnects (and drops the cache: it may have missed
// changes).
func (s *PluginStore) Listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		s.listening.Store(false)
		s.invalidateBindings(uuid.Nil)
		if ctx.Err() != nil {
			return
		}
		s.s.log.Warn("plugin listener lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *PluginStore) listenOnce(ctx context.Context) error {
	conn, err := s.s.sessionPool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+agentChannel+"; LISTEN "+boardChannel+"; LISTEN plugin_bindings_changed"); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
	s.invalidateBindings(uuid.Nil) // anything changed before LISTEN
	s.deliverBoard("*")
	s.listening.Store(true)
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		switch n.Channel {
		case agentChannel:
			s.deliver(n.Payload)
			continue
		case boardChannel:
			s.deliverBoard(n.Payload)
			continue
		}
		tenant, _ := uuid.Parse(n.Payload) // "*": every tenant
		s.invalidateBindings(tenant)
	}
}
