package coretest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// Complaints is the in-memory fake of complaint.Store (and of the units
// it needs): one database of ComplaintTenants.
type Complaints struct {
	*Memory[ComplaintTenants]
}

// ComplaintTenants are the fake's complaint rows by tenant.
type ComplaintTenants map[uuid.UUID]*ComplaintTenant

// ComplaintOrder is what the fake knows of a work order.
type ComplaintOrder struct {
	Customer               uuid.UUID
	Unit, Site, Technician *uuid.UUID
}

// ComplaintTenant is one tenant's complaint rows and the references a
// complaint may name.
type ComplaintTenant struct {
	Settings  *complaint.Settings
	TimeZone  string
	Cases     map[uuid.UUID]complaint.Complaint
	Events    map[uuid.UUID][]complaint.CaseEvent
	Counters  map[string]int
	Outbox    []ComplaintMessage
	Customers map[uuid.UUID]bool
	Units     map[uuid.UUID]uuid.UUID  // unit → customer
	Sites     map[uuid.UUID]*uuid.UUID // site → region
	Regions   map[uuid.UUID]*uuid.UUID // region → parent
	Techs     map[uuid.UUID]bool
	Orders    map[uuid.UUID]ComplaintOrder
}

// ComplaintMessage is an outbox message the fake recorded.
type ComplaintMessage struct {
	Aggregate uuid.UUID
	Type      string
	Payload   json.RawMessage
}

// NewComplaints returns an empty fake.
func NewComplaints() *Complaints {
	return &Complaints{Memory: NewMemory(ComplaintTenants{}, cloneComplaintTenants)}
}

// NewComplaintTenant returns a tenant with no rows.
func NewComplaintTenant() *ComplaintTenant {
	return &ComplaintTenant{TimeZone: "Asia/Shanghai", Cases: map[uuid.UUID]complaint.Complaint{},
		Events: map[uuid.UUID][]complaint.CaseEvent{}, Counters: map[string]int{}, Customers: map[uuid.UUID]bool{},
		Units: map[uuid.UUID]uuid.UUID{}, Sites: map[uuid.UUID]*uuid.UUID{}, Regions: map[uuid.UUID]*uuid.UUID{},
		Techs: map[uuid.UUID]bool{}, Orders: map[uuid.UUID]ComplaintOrder{}}
}

func cloneComplaintTenants(ts ComplaintTenants) ComplaintTenants {
	out := make(ComplaintTenants, len(ts))
	for id, t := range ts {
		c := *t
		c.Cases, c.Counters = maps.Clone(t.Cases), maps.Clone(t.Counters)
		c.Events = make(map[uuid.UUID][]complaint.CaseEvent, len(t.Events))
		for k, v := range t.Events {
			c.Events[k] = slices.Clone(v)
		}
		c.Outbox = slices.Clone(t.Outbox)
		c.Customers, c.Units, c.Sites, c.Regions = maps.Clone(t.Customers), maps.Clone(t.Units), maps.Clone(t.Sites), maps.Clone(t.Regions)
		c.Techs, c.Orders = maps.Clone(t.Techs), maps.Clone(t.Orders)
		out[id] = &c
	}
	return out
}

// Complaints implements complaint.Store.
func (f *Complaints) Complaints(u core.UnitOfWork) complaint.Repository {
	return complaintRepo{u: UnitOf[ComplaintTenants](u)}
}

// DueEscalations implements complaint.Store across tenants, soonest first.
func (f *Complaints) DueEscalations(_ context.Context, now time.Time, limit int) ([]complaint.DueEscalation, error) {
	type due struct {
		d  complaint.DueEscalation
		at time.Time
	}
	var all []due
	f.Read(func(ts ComplaintTenants) {
		for tid, t := range ts {
			for id, c := range t.Cases {
				if c.NextEscalation != nil && !c.NextEscalation.After(now) {
					all = append(all, due{complaint.DueEscalation{TenantID: tid, ComplaintID: id}, *c.NextEscalation})
				}
			}
		}
	})
	slices.SortFunc(all, func(a, b due) int { return a.at.Compare(b.at) })
	out := []complaint.DueEscalation{}
	for i := 0; i < len(all) && i < limit; i++ {
		out = append(out, all[i].d)
	}
	return out, nil
}

type complaintRepo struct{ u *Unit[ComplaintTenants] }

func (r complaintRepo) t() *ComplaintTenant {
	s := r.u.State()
	t, ok := s[r.u.TenantID()]
	if !ok {
		t = NewComplaintTenant()
		s[r.u.TenantID()] = t
	}
	return t
}

func (r complaintRepo) Settings(context.Context) (*complaint.Settings, string, []byte, error) {
	t := r.t()
	if t.Settings == nil {
		return nil, t.TimeZone, nil, nil
	}
	s := cloneSettings(*t.Settings)
	return &s, t.TimeZone, nil, nil
}

// cloneSettings deep-copies settings through JSON, as the database does.
func cloneSettings(s complaint.Settings) complaint.Settings {
	b, _ := json.Marshal(s)
	var out complaint.Settings
	_ = json.Unmarshal(b, &out)
	return out
}

func (r complaintRepo) SaveSettings(s complaint.Settings) {
	c := cloneSettings(s)
	r.t().Settings = &c
}

func (r complaintRepo) Facts(_ context.Context, n *complaint.NewComplaint) (*complaint.Facts, error) {
	t := r.t()
	f := &complaint.Facts{CustomerFound: t.Customers[n.CustomerID]}
	site := n.SiteID
	if n.WorkOrderID != nil {
		if o, ok := t.Orders[*n.WorkOrderID]; ok {
			f.OrderFound, f.OrderCustomer, f.OrderUnit, f.OrderSite, f.OrderTechnician = true, o.Customer, o.Unit, o.Site, o.Technician
			if site == nil {
				site = o.Site
			}
		}
	}
	if n.UnitID != nil {
		f.UnitCustomer, f.UnitFound = t.Units[*n.UnitID]
	}
	if site != nil {
		f.SiteRegion, f.SiteFound = t.Sites[*site]
	}
	if n.Owner.SiteID != nil {
		f.OwnerSiteRegion, f.OwnerSiteFound = t.Sites[*n.Owner.SiteID]
	}
	if n.Owner.RegionID != nil {
		_, f.OwnerRegionFound = t.Regions[*n.Owner.RegionID]
	}
	if n.TechnicianID != nil {
		f.TechnicianFound = t.Techs[*n.TechnicianID]
	}
	return f, nil
}

// copyCase detaches a case from the stored one (its slices and pointers).
func copyCase(c complaint.Complaint) *complaint.Complaint {
	c.Pauses = slices.Clone(c.Pauses)
	if c.Pauses == nil {
		c.Pauses = []complaint.Pause{}
	}
	if c.Handling != nil {
		h := *c.Handling
		c.Handling = &h
	}
	return &c
}

func (r complaintRepo) Insert(c *complaint.Complaint) { r.t().Cases[c.ID] = *copyCase(*c) }

func (r complaintRepo) Lock(ctx context.Context, id uuid.UUID) (*complaint.Complaint, error) {
	return r.FindByID(ctx, id)
}

func (r complaintRepo) FindByID(_ context.Context, id uuid.UUID) (*complaint.Complaint, error) {
	c, ok := r.t().Cases[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "complaint not found")
	}
	return copyCase(c), nil
}

func (r complaintRepo) LockAwaitingAnswer(_ context.Context, customerID uuid.UUID) (*complaint.Complaint, error) {
	var best *complaint.Complaint
	for _, c := range r.t().Cases {
		if c.CustomerID != customerID || c.State != complaint.StateResolutionProposed {
			continue
		}
		if best == nil || c.UpdatedAt.After(best.UpdatedAt) || (c.UpdatedAt.Equal(best.UpdatedAt) && c.ID.String() > best.ID.String()) {
			best = copyCase(c)
		}
	}
	if best == nil {
		return nil, core.Errorf(core.ENOTFOUND, "no complaint awaits an answer")
	}
	return best, nil
}

// inReach follows the adapter: a site of the reach, or an owner region
// within the reach's regions' subtrees.
func (r complaintRepo) inReach(c complaint.Complaint, reach complaint.Reach) bool {
	if reach.All {
		return true
	}
	if c.Owner.SiteID != nil && slices.Contains(reach.Sites, *c.Owner.SiteID) {
		return true
	}
	return c.Owner.RegionID != nil && r.within(*c.Owner.RegionID, reach.Regions)
}

// within reports whether region lies in the subtree of any of roots.
func (r complaintRepo) within(region uuid.UUID, roots []uuid.UUID) bool {
	for at, n := &region, 0; at != nil && n < 100; at, n = r.t().Regions[*at], n+1 {
		if slices.Contains(roots, *at) {
			return true
		}
	}
	return false
}

func (r complaintRepo) Find(_ context.Context, f complaint.Filter, now time.Time) ([]*complaint.Complaint, string, error) {
	var out []*complaint.Complaint
	for _, c := range r.t().Cases {
		switch {
		case !r.inReach(c, f.Within),
			f.State != "" && c.State != f.State,
			len(f.Categories) > 0 && !slices.Contains(f.Categories, c.Category),
			f.OwnerSite != nil && (c.Owner.SiteID == nil || *c.Owner.SiteID != *f.OwnerSite),
			f.OwnerRegion != nil && (c.Owner.RegionID == nil || !r.within(*c.Owner.RegionID, []uuid.UUID{*f.OwnerRegion})),
			f.Department != "" && (c.Owner.Kind != complaint.OwnerDepartment || c.Owner.Department != f.Department),
			f.CustomerID != nil && c.CustomerID != *f.CustomerID,
			f.Overdue && !(complaint.Active(c.State) && c.DueAt != nil && c.DueAt.Before(now)):
			continue
		}
		out = append(out, copyCase(c))
	}
	slices.SortFunc(out, func(a, b *complaint.Complaint) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID.String(), a.ID.String())
	})
	if f.After != "" {
		i := slices.IndexFunc(out, func(c *complaint.Complaint) bool { return c.ID.String() == f.After })
		if i < 0 {
			return nil, "", core.FieldError("cursor", "invalid cursor")
		}
		out = out[i+1:]
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	next := ""
	if len(out) > limit {
		out, next = out[:limit], out[limit-1].ID.String()
	}
	if out == nil {
		out = []*complaint.Complaint{}
	}
	return out, next, nil
}

func (r complaintRepo) FindEvents(_ context.Context, id uuid.UUID) ([]*complaint.CaseEvent, error) {
	out := []*complaint.CaseEvent{}
	for _, e := range r.t().Events[id] {
		out = append(out, &e)
	}
	return out, nil
}

func (r complaintRepo) Update(c *complaint.Complaint) {
	old := r.t().Cases[c.ID]
	n := *copyCase(*c)
	n.Number, n.CreatedAt, n.CreatedBy = old.Number, old.CreatedAt, old.CreatedBy
	r.t().Cases[c.ID] = n
}

// AppendEvent stores the event as the database returns it: its payload
// through JSON.
func (r complaintRepo) AppendEvent(e complaint.CaseEvent) {
	t := r.t()
	e.Seq = len(t.Events[e.ComplaintID]) + 1
	b, _ := json.Marshal(e.Payload)
	e.Payload = map[string]any{}
	_ = json.Unmarshal(b, &e.Payload)
	t.Events[e.ComplaintID] = append(t.Events[e.ComplaintID], e)
}

func (r complaintRepo) Number(_ context.Context, id uuid.UUID, period string) (string, error) {
	t := r.t()
	c, ok := t.Cases[id]
	if !ok {
		return "", core.Errorf(core.ENOTFOUND, "complaint not found")
	}
	t.Counters[period]++
	c.Number = fmt.Sprintf("TS-%s-%06d", period, t.Counters[period])
	t.Cases[id] = c
	return c.Number, nil
}

func (r complaintRepo) OutboxAdd(aggregate uuid.UUID, typ string, payload json.RawMessage) {
	r.t().Outbox = append(r.t().Outbox, ComplaintMessage{Aggregate: aggregate, Type: typ, Payload: payload})
}
