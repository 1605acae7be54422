package coretest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	callog "github.com/aftersales/aftersales/core/call"
)

// Calls is the in-memory fake of callog.Store: one database of tenants'
// call logs and what the log reads of users and customers.
type Calls struct {
	*Memory[CallState]
}

// CallState is the fake's rows by tenant.
type CallState map[uuid.UUID]*CallTenant

// CallTenant is one tenant's calls, links, agents' extensions, and
// customers' phones and address regions (the fake's reach knows regions
// without their tree).
type CallTenant struct {
	Calls      map[uuid.UUID]callog.Call
	Links      map[uuid.UUID][]callog.Link
	Extensions map[string]uuid.UUID
	Phones     map[string]uuid.UUID      // normalised phone → customer
	Regions    map[uuid.UUID][]uuid.UUID // customer → address regions
	States     map[uuid.UUID]callog.AgentState
}

// NewCalls returns an empty fake.
func NewCalls() *Calls {
	return &Calls{Memory: NewMemory(CallState{}, func(s CallState) CallState {
		out := make(CallState, len(s))
		for id, t := range s {
			c := *t
			c.Calls, c.Links = maps.Clone(t.Calls), maps.Clone(t.Links)
			c.Extensions, c.Phones, c.Regions = maps.Clone(t.Extensions), maps.Clone(t.Phones), maps.Clone(t.Regions)
			c.States = maps.Clone(t.States)
			out[id] = &c
		}
		return out
	})}
}

// AddTenant adds an empty tenant.
func (f *Calls) AddTenant(tenant uuid.UUID) {
	f.Write(func(s CallState) CallState {
		s[tenant] = &CallTenant{Calls: map[uuid.UUID]callog.Call{}, Links: map[uuid.UUID][]callog.Link{},
			Extensions: map[string]uuid.UUID{}, Phones: map[string]uuid.UUID{}, Regions: map[uuid.UUID][]uuid.UUID{}}
		return s
	})
}

// Calls implements callog.Store.
func (f *Calls) Calls(u core.UnitOfWork) callog.Repository { return callRepo{u: UnitOf[CallState](u)} }

type callRepo struct{ u *Unit[CallState] }

func (r callRepo) t() *CallTenant { return r.u.State()[r.u.TenantID()] }

func (r callRepo) find(match func(callog.Call) bool) (*callog.Call, error) {
	for _, c := range r.t().Calls {
		if match(c) {
			c.Links = slices.Clone(r.t().Links[c.ID])
			if c.Links == nil {
				c.Links = []callog.Link{}
			}
			return &c, nil
		}
	}
	return nil, core.Errorf(core.ENOTFOUND, "call not found")
}

func (r callRepo) LockCallByPBXID(_ context.Context, pbxID string) (*callog.Call, error) {
	return r.find(func(c callog.Call) bool { return c.PBXCallID == pbxID })
}

func (r callRepo) LockCallByID(_ context.Context, id uuid.UUID) (*callog.Call, error) {
	return r.find(func(c callog.Call) bool { return c.ID == id })
}

func (r callRepo) InsertCall(_ context.Context, c *callog.Call) (bool, error) {
	if _, err := r.LockCallByPBXID(context.Background(), c.PBXCallID); err == nil {
		return false, nil
	}
	r.t().Calls[c.ID] = r.stored(c)
	return true, nil
}

// stored is c as a row: without links and names.
func (r callRepo) stored(c *callog.Call) callog.Call {
	s := *c
	s.Links, s.AgentName, s.CustomerName = nil, "", ""
	return s
}

func (r callRepo) UpdateCall(_ context.Context, c *callog.Call) error {
	r.t().Calls[c.ID] = r.stored(c)
	return nil
}

func (r callRepo) InsertLink(_ context.Context, id uuid.UUID, l callog.Link) error {
	links := r.t().Links[id]
	for _, o := range links {
		if o.Kind == l.Kind && o.Ref == l.Ref {
			return nil
		}
	}
	r.t().Links[id] = append(slices.Clone(links), l)
	return nil
}

func (r callRepo) FindAgentsByExtension(_ context.Context, ext string) ([]uuid.UUID, error) {
	if id, ok := r.t().Extensions[ext]; ok {
		return []uuid.UUID{id}, nil
	}
	return nil, nil
}

func (r callRepo) FindCustomerByPhone(_ context.Context, phone string) (*uuid.UUID, error) {
	if id, ok := r.t().Phones[phone]; ok {
		return &id, nil
	}
	return nil, nil
}

func (r callRepo) FindLatestCallOfAgent(_ context.Context, agent uuid.UUID, since time.Time) (*callog.Call, error) {
	var best *callog.Call
	for _, c := range r.t().Calls {
		if c.AgentUserID == nil || *c.AgentUserID != agent || (c.EndedAt != nil && c.EndedAt.Before(since)) {
			continue
		}
		if best == nil || newer(&c, best) {
			best = &c
		}
	}
	if best == nil {
		return nil, core.Errorf(core.ENOTFOUND, "call not found")
	}
	return best, nil
}

func newer(a, b *callog.Call) bool {
	if !a.OfferedAt.Equal(b.OfferedAt) {
		return a.OfferedAt.After(b.OfferedAt)
	}
	return strings.Compare(a.ID.String(), b.ID.String()) > 0
}

func (r callRepo) sees(c callog.Call, within core.CustomerReach, self *uuid.UUID) bool {
	if within.All || (self != nil && c.AgentUserID != nil && *c.AgentUserID == *self) {
		return true
	}
	if c.CustomerID == nil {
		return false
	}
	for _, reg := range r.t().Regions[*c.CustomerID] {
		if slices.Contains(within.AddressRegions, reg) {
			return true
		}
	}
	return false
}

func (r callRepo) FindCalls(_ context.Context, f callog.Filter) ([]*callog.Call, string, error) {
	var all []*callog.Call
	for _, c := range r.t().Calls {
		if !r.sees(c, f.Within, f.Self) || !matches(c, f, r.t().Links[c.ID]) {
			continue
		}
		full, _ := r.find(func(o callog.Call) bool { return o.ID == c.ID })
		all = append(all, full)
	}
	slices.SortFunc(all, func(a, b *callog.Call) int {
		switch {
		case newer(a, b):
			return -1
		case newer(b, a):
			return 1
		}
		return 0
	})
	start := 0
	if f.After != "" {
		start = -1
		for i, c := range all {
			if c.ID.String() == f.After {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	all = all[start:]
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if len(all) <= limit {
		return all, "", nil
	}
	return all[:limit], all[limit-1].ID.String(), nil
}

func matches(c callog.Call, f callog.Filter, links []callog.Link) bool {
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	switch {
	case f.Number != "" && !strings.Contains(digits(c.Caller), f.Number) && !strings.Contains(digits(c.Called), f.Number),
		f.Agent != nil && (c.AgentUserID == nil || *c.AgentUserID != *f.Agent),
		f.Customer != nil && (c.CustomerID == nil || *c.CustomerID != *f.Customer),
		f.Outcome != "" && c.Outcome != f.Outcome,
		f.Direction != "" && c.Direction != f.Direction,
		f.From != nil && c.OfferedAt.Before(*f.From),
		f.To != nil && !c.OfferedAt.Before(*f.To):
		return false
	}
	if f.WorkOrder != nil {
		return slices.ContainsFunc(links, func(l callog.Link) bool { return l.Kind == callog.LinkWorkOrder && l.Ref == *f.WorkOrder })
	}
	return true
}

func (r callRepo) FindCallByID(_ context.Context, id uuid.UUID, within core.CustomerReach, self *uuid.UUID) (*callog.Call, error) {
	return r.find(func(c callog.Call) bool { return c.ID == id && r.sees(c, within, self) })
}

// states are the tenant's agent states by user.
func (r callRepo) states() map[uuid.UUID]callog.AgentState {
	t := r.t()
	if t.States == nil {
		t.States = map[uuid.UUID]callog.AgentState{}
	}
	return t.States
}

func (r callRepo) SetAgentState(_ context.Context, agent uuid.UUID, state string, since time.Time) error {
	r.states()[agent] = callog.AgentState{UserID: agent, State: state, Since: since}
	return nil
}

func (r callRepo) FindAgentState(_ context.Context, agent uuid.UUID) (*callog.AgentState, error) {
	if st, ok := r.states()[agent]; ok {
		return &st, nil
	}
	return &callog.AgentState{UserID: agent, State: callog.StateOffline}, nil
}

func (r callRepo) FindAgentStates(ctx context.Context) ([]callog.AgentState, error) {
	var out []callog.AgentState
	for _, ext := range slices.Sorted(maps.Keys(r.t().Extensions)) {
		st, _ := r.FindAgentState(ctx, r.t().Extensions[ext])
		st.Extension = ext
		out = append(out, *st)
	}
	return out, nil
}

func (r callRepo) FindWaitingCalls(context.Context) ([]callog.QueueWaiting, error) {
	byQueue := map[string]*callog.QueueWaiting{}
	for _, c := range r.t().Calls {
		if c.Outcome != callog.OutcomeRinging || c.OfferedToAgent || c.Queue == "" {
			continue
		}
		w := byQueue[c.Queue]
		if w == nil {
			w = &callog.QueueWaiting{Queue: c.Queue, Oldest: c.OfferedAt}
			byQueue[c.Queue] = w
		}
		w.Waiting++
		if c.OfferedAt.Before(w.Oldest) {
			w.Oldest = c.OfferedAt
		}
	}
	var out []callog.QueueWaiting
	for _, q := range slices.Sorted(maps.Keys(byQueue)) {
		out = append(out, *byQueue[q])
	}
	return out, nil
}
