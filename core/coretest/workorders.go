package coretest

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/workorder"
)

// WorkOrders is the in-memory fake of workorder.Store (and of the units
// it needs): one database of Tenants.
type WorkOrders struct {
	*Memory[Tenants]
}

// Tenants are the fake's rows by tenant.
type Tenants map[uuid.UUID]*Tenant

// Tenant is one tenant's rows.
type Tenant struct {
	TimeZone            string
	Calendar            []byte
	Weights             dispatch.Weights
	AcceptanceMinutes   int
	UrgeIntervalMinutes int

	Customers    map[uuid.UUID]bool
	Addresses    map[uuid.UUID]Address
	Units        map[uuid.UUID]ProductUnit
	ServiceTypes map[string]ServiceType
	FaultCodes   map[string]*string // kind + "/" + code → product line
	Sites        map[uuid.UUID]Site
	Technicians  map[uuid.UUID]dispatch.Technician

	Orders    map[uuid.UUID]*Order
	Events    map[uuid.UUID][]core.WorkOrderEvent
	Counters  map[string]int
	DailyLoad map[string]int  // site + day
	Misses    map[string]Miss // order + "/" + kind
	Outbox    []core.OutboxMessage
}

// Address is a customer's address.
type Address struct {
	Customer uuid.UUID
	Text     string
	Lat, Lon *float64
	// Division is the address's stored division code; Approximate marks
	// Lat/Lon as its representative point.
	Division    string
	Approximate bool
}

// ProductUnit is a registered product unit.
type ProductUnit struct {
	Customer        uuid.UUID
	Serial          string
	ProductLine     string
	WarrantyExpires string // YYYY-MM-DD
}

// ServiceType is a tenant's service type with its SLA targets.
type ServiceType struct {
	Field                     bool
	Respond, Arrive, Complete int
}

// Site is a service site as dispatch sees it, with its region.
type Site struct {
	dispatch.Site
	RegionID uuid.UUID
}

// Miss is a deadline a site missed, as the timers recorded it.
type Miss struct {
	Site uuid.UUID
	Kind string
	At   time.Time
}

// Order is a stored work order with the timers' bookkeeping.
type Order struct {
	core.WorkOrder
	Excluded    []uuid.UUID
	AutoUrged   []string
	UrgeCount   int
	LastUrgedAt *time.Time
}

// NewWorkOrders returns an empty fake.
func NewWorkOrders() *WorkOrders {
	return &WorkOrders{NewMemory(Tenants{}, cloneTenants)}
}

// NewTenant returns the rows of an empty tenant in zone tz.
func NewTenant(tz string) *Tenant {
	return &Tenant{TimeZone: tz, AcceptanceMinutes: core.DefaultAcceptanceMinutes, UrgeIntervalMinutes: core.DefaultUrgeIntervalMinutes,
		Customers: map[uuid.UUID]bool{}, Addresses: map[uuid.UUID]Address{}, Units: map[uuid.UUID]ProductUnit{},
		ServiceTypes: map[string]ServiceType{}, FaultCodes: map[string]*string{}, Sites: map[uuid.UUID]Site{},
		Technicians: map[uuid.UUID]dispatch.Technician{}, Orders: map[uuid.UUID]*Order{}, Events: map[uuid.UUID][]core.WorkOrderEvent{},
		Counters: map[string]int{}, DailyLoad: map[string]int{}, Misses: map[string]Miss{}}
}

func cloneTenants(ts Tenants) Tenants {
	out := make(Tenants, len(ts))
	for id, t := range ts {
		c := *t
		c.Customers, c.Addresses, c.Units = maps.Clone(t.Customers), maps.Clone(t.Addresses), maps.Clone(t.Units)
		c.ServiceTypes, c.FaultCodes, c.Sites = maps.Clone(t.ServiceTypes), maps.Clone(t.FaultCodes), maps.Clone(t.Sites)
		c.Technicians, c.Counters, c.DailyLoad, c.Misses = maps.Clone(t.Technicians), maps.Clone(t.Counters), maps.Clone(t.DailyLoad), maps.Clone(t.Misses)
		c.Orders = make(map[uuid.UUID]*Order, len(t.Orders))
		for k, o := range t.Orders {
			oc := *o
			oc.Excluded, oc.AutoUrged, oc.SLAFlags = slices.Clone(o.Excluded), slices.Clone(o.AutoUrged), slices.Clone(o.SLAFlags)
			c.Orders[k] = &oc
		}
		c.Events = make(map[uuid.UUID][]core.WorkOrderEvent, len(t.Events))
		for k, e := range t.Events {
			c.Events[k] = slices.Clone(e)
		}
		c.Outbox = slices.Clone(t.Outbox)
		out[id] = &c
	}
	return out
}

// WorkOrders implements workorder.Store.
func (f *WorkOrders) WorkOrders(u core.UnitOfWork) workorder.Repository {
	return repo{u: UnitOf[Tenants](u)}
}

// Outbox implements workorder.Store.
func (f *WorkOrders) Outbox(u core.UnitOfWork) workorder.Outbox { return repo{u: UnitOf[Tenants](u)} }

// DueTimers implements workorder.Store: every timer kind of every open
// order, the service re-checks each (the adapter's index narrows them).
func (f *WorkOrders) DueTimers(_ context.Context, now time.Time, limit int) ([]workorder.DueTimer, error) {
	var out []workorder.DueTimer
	f.Read(func(ts Tenants) {
		for tid, t := range ts {
			for id, o := range t.Orders {
				if o.State == core.StateClosed || o.State == core.StateCancelled {
					continue
				}
				for _, k := range []string{core.TimerResponseOverdue, core.TimerArrivalOverdue, core.TimerUrgeResponse,
					core.TimerUrgeArrival, core.TimerAcceptance} {
					out = append(out, workorder.DueTimer{TenantID: tid, WorkOrderID: id, Kind: k})
				}
			}
		}
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// repo is a unit's view of its tenant.
type repo struct{ u *Unit[Tenants] }

func (r repo) t() *Tenant {
	t, ok := r.u.State()[r.u.TenantID()]
	if !ok {
		panic("coretest: unknown tenant " + r.u.TenantID().String())
	}
	return t
}

func (r repo) Add(aggregate uuid.UUID, typ string, payload json.RawMessage) {
	t := r.t()
	t.Outbox = append(t.Outbox, core.OutboxMessage{TenantID: r.u.TenantID(), ID: int64(len(t.Outbox) + 1), AggregateID: aggregate,
		Type: typ, Payload: payload})
}

func (r repo) IntakeFacts(_ context.Context, n *core.NewWorkOrder, at time.Time) (*workorder.IntakeFacts, error) {
	t := r.t()
	f := &workorder.IntakeFacts{TimeZone: t.TimeZone, Calendar: t.Calendar, Weights: t.Weights, CustomerFound: t.Customers[n.CustomerID]}
	if n.UnitID != nil {
		if un, ok := t.Units[*n.UnitID]; ok {
			f.UnitFound, f.UnitOwner = true, &un.Customer
			line, exp := un.ProductLine, un.WarrantyExpires
			f.ProductLine, f.WarrantyExpires = &line, &exp
			loc, err := time.LoadLocation(t.TimeZone)
			if err != nil {
				return nil, err
			}
			in := exp >= at.In(loc).Format(time.DateOnly)
			f.InWarranty = &in
		}
	}
	if n.AddressID != nil {
		if a, ok := t.Addresses[*n.AddressID]; ok && a.Customer == n.CustomerID {
			f.AddressFound, f.Address, f.Lat, f.Lon = true, a.Text, a.Lat, a.Lon
			f.DivisionCode, f.LocationApproximate = a.Division, a.Approximate
		}
	}
	if st, ok := t.ServiceTypes[n.ServiceType]; ok {
		f.ServiceTypeFound, f.Field = true, st.Field
		f.RespondMinutes, f.ArriveMinutes, f.CompleteMinutes = st.Respond, st.Arrive, st.Complete
	}
	return f, nil
}

func (r repo) InsertWorkOrder(w *core.WorkOrder) {
	o := &Order{WorkOrder: *w}
	o.SLAFlags = []string{}
	r.t().Orders[w.ID] = o
}

func (r repo) order(id uuid.UUID) (*Order, error) {
	o, ok := r.t().Orders[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "work order not found")
	}
	return o, nil
}

func (r repo) LockWorkOrder(_ context.Context, id uuid.UUID) (*workorder.Locked, error) {
	o, err := r.order(id)
	if err != nil {
		return nil, err
	}
	w := o.WorkOrder
	return &workorder.Locked{WorkOrder: &w, AutoUrged: slices.Clone(o.AutoUrged), UrgeCount: o.UrgeCount, LastUrgedAt: o.LastUrgedAt}, nil
}

func (r repo) FindWorkOrderByID(_ context.Context, id uuid.UUID) (*core.WorkOrder, error) {
	o, err := r.order(id)
	if err != nil {
		return nil, err
	}
	w := o.WorkOrder
	return &w, nil
}

// FindWorkOrders supports the state, site, technician, customer, number,
// product line and SLA status filters, without paging; other filters are refused, so a test
// cannot believe they work here.
func (r repo) FindWorkOrders(_ context.Context, f core.WorkOrderFilter, now time.Time) ([]*core.WorkOrder, string, error) {
	if f.After != "" || f.RegionID != nil || f.Phone != "" || f.From != nil || f.To != nil || (!f.Within.All && f.Within.Regions != nil) {
		return nil, "", core.Errorf(core.EINTERNAL, "coretest: filter not supported by the fake")
	}
	var out []*core.WorkOrder
	for _, o := range r.t().Orders {
		w := o.WorkOrder
		switch {
		case f.State != "" && w.State != f.State,
			f.SiteID != nil && (w.SiteID == nil || *w.SiteID != *f.SiteID),
			f.TechnicianID != nil && (w.TechnicianID == nil || *w.TechnicianID != *f.TechnicianID),
			f.Number != "" && w.Number != f.Number,
			f.CustomerID != nil && w.CustomerID != *f.CustomerID,
			f.ProductLine != "" && w.ProductLine != f.ProductLine,
			f.SLAStatus != "" && workorder.SLAStatus(&w, now) != f.SLAStatus,
			!f.Within.Holds(&w, func(site uuid.UUID) bool { return slices.Contains(f.Within.Sites, site) }):
			continue
		}
		out = append(out, &w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, "", nil
}

func (r repo) FindWorkOrderEvents(_ context.Context, id uuid.UUID) ([]*core.WorkOrderEvent, error) {
	var out []*core.WorkOrderEvent
	for _, e := range r.t().Events[id] {
		out = append(out, &e)
	}
	return out, nil
}

func (r repo) UpdateWorkOrder(id uuid.UUID, c workorder.Change) {
	o, err := r.order(id)
	if err != nil {
		return // an UPDATE of no row
	}
	if c.Bump {
		o.Version++
	}
	if c.Bump || c.Touch {
		o.UpdatedAt = c.At
	}
	if c.State != "" {
		o.State = c.State
	}
	switch {
	case c.SiteID != nil:
		s := *c.SiteID
		o.SiteID = &s
		if site, ok := r.t().Sites[s]; ok {
			reg := site.RegionID
			o.RegionID = &reg
		} else {
			o.RegionID = nil
		}
	case c.ClearSite:
		o.SiteID = nil
	}
	switch {
	case c.TechnicianID != nil:
		t := *c.TechnicianID
		o.TechnicianID = &t
	case c.ClearTech:
		o.TechnicianID = nil
	}
	for _, p := range []struct {
		dst **time.Time
		v   *time.Time
	}{{&o.RespondedAt, c.RespondedAt}, {&o.ArrivedAt, c.ArrivedAt},
		{&o.CompletedAt, c.CompletedAt}, {&o.ClosedAt, c.ClosedAt}, {&o.LastUrgedAt, c.LastUrgedAt}} {
		if p.v != nil {
			v := *p.v
			*p.dst = &v
		}
	}
	if c.ServiceRecord != nil {
		raw := slices.Clone(json.RawMessage(c.ServiceRecord))
		o.ServiceRecord = &raw
	}
	if c.Decision != nil { // a copy through JSON, as the adapter stores it
		raw, err := json.Marshal(c.Decision)
		var d core.DispatchDecision
		if err == nil {
			err = json.Unmarshal(raw, &d)
		}
		if err != nil {
			panic("coretest: storing a decision: " + err.Error())
		}
		o.Decision = &d
	}
	if c.QueueReason != nil {
		o.QueueReason = *c.QueueReason
	}
	if c.AddSLAFlag != "" {
		o.SLAFlags = append(o.SLAFlags, c.AddSLAFlag)
	}
	if c.AddAutoUrged != "" {
		o.AutoUrged = append(o.AutoUrged, c.AddAutoUrged)
	}
	if c.Urged {
		o.UrgeCount++
	}
}

func (r repo) AppendEvent(e workorder.Event) {
	t := r.t()
	payload := e.Payload
	if payload == nil {
		payload = map[string]any{}
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	evs := t.Events[e.WorkOrderID]
	t.Events[e.WorkOrderID] = append(evs, core.WorkOrderEvent{Seq: len(evs) + 1, Type: e.Type, FromState: e.From, ToState: e.To,
		Actor: e.Actor, At: e.At, Lat: e.Lat, Lon: e.Lon, Payload: raw})
}

func (r repo) NumberWorkOrder(ctx context.Context, id uuid.UUID, period string) (*core.WorkOrder, error) {
	o, err := r.order(id)
	if err != nil {
		return nil, err
	}
	t := r.t()
	t.Counters[period]++
	n := strconv.Itoa(t.Counters[period])
	for len(n) < 6 {
		n = "0" + n
	}
	o.Number = "WO-" + period + "-" + n
	return r.FindWorkOrderByID(ctx, id)
}

func (r repo) ExcludedSites(_ context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	o, err := r.order(id)
	if err != nil {
		return nil, err
	}
	return slices.Clone(o.Excluded), nil
}

func (r repo) ExcludeSite(id, site uuid.UUID) {
	if o, err := r.order(id); err == nil {
		o.Excluded = append(o.Excluded, site)
	}
}

func (r repo) Technician(_ context.Context, id uuid.UUID) (workorder.TechnicianPost, error) {
	tech, ok := r.t().Technicians[id]
	if !ok {
		return workorder.TechnicianPost{}, core.Errorf(core.ENOTFOUND, "technician not found")
	}
	return workorder.TechnicianPost{SiteID: tech.SiteID, Status: string(tech.Status), Name: tech.Name}, nil
}

func (r repo) AddWorkload(id uuid.UUID, delta int) {
	t := r.t()
	if tech, ok := t.Technicians[id]; ok {
		tech.OpenWorkload = max(tech.OpenWorkload+delta, 0)
		t.Technicians[id] = tech
	}
}

func (r repo) MoveTechnician(id uuid.UUID, lat, lon float64, at time.Time) {
	t := r.t()
	if tech, ok := t.Technicians[id]; ok {
		tech.Location, tech.LocationAt = dispatch.Point{Lat: lat, Lon: lon}, at
		t.Technicians[id] = tech
	}
}

func (r repo) Site(_ context.Context, id uuid.UUID) (workorder.SitePost, error) {
	s, ok := r.t().Sites[id]
	if !ok {
		return workorder.SitePost{}, core.Errorf(core.ENOTFOUND, "site not found")
	}
	return workorder.SitePost{Status: string(s.Status), Name: s.Name}, nil
}

// Network loads every active site of the tenant with its whole coverage
// (the adapter's bounding box and division filter only narrow what the
// engine would refuse anyway).
func (r repo) Network(_ context.Context, lat, lon, radiusKm float64, division string, at time.Time) (*dispatch.Network, error) {
	t := r.t()
	day := r.day(at)
	var sites []dispatch.Site
	for _, s := range t.Sites {
		if s.Status != dispatch.SiteActive {
			continue
		}
		st := s.Site
		st.OpenToday = t.DailyLoad[s.ID.String()+day]
		sites = append(sites, st)
	}
	var techs []dispatch.Technician
	for _, tech := range t.Technicians {
		if s, ok := t.Sites[tech.SiteID]; ok && s.Status == dispatch.SiteActive {
			techs = append(techs, tech)
		}
	}
	return dispatch.NewNetwork(sites, techs)
}

func (r repo) day(at time.Time) string {
	loc, err := time.LoadLocation(r.t().TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return at.In(loc).Format(time.DateOnly)
}

func (r repo) DispatchWeights(context.Context) (dispatch.Weights, error) { return r.t().Weights, nil }

func (r repo) CountTaken(site uuid.UUID, at time.Time, delta int) {
	t := r.t()
	k := site.String() + r.day(at)
	t.DailyLoad[k] = max(t.DailyLoad[k]+delta, 0)
}

func (r repo) NearestDealer(_ context.Context, lat, lon, radiusKm float64, line string) (uuid.UUID, error) {
	best, bestD := uuid.Nil, radiusKm
	for _, s := range r.t().Sites {
		if s.Kind != dispatch.KindDealer || s.Status != dispatch.SiteActive ||
			(line != "" && len(s.AuthorizedLines) > 0 && !slices.Contains(s.AuthorizedLines, line)) {
			continue
		}
		if d := dispatch.DistanceKm(dispatch.Point{Lat: lat, Lon: lon}, s.Location); d <= bestD {
			best, bestD = s.ID, d
		}
	}
	if best == uuid.Nil {
		return best, core.Errorf(core.ENOTFOUND, "dealer not found")
	}
	return best, nil
}

func (r repo) UnitBySerial(_ context.Context, serial string) (uuid.UUID, uuid.UUID, error) {
	for id, un := range r.t().Units {
		if un.Serial == serial {
			return id, un.Customer, nil
		}
	}
	return uuid.Nil, uuid.Nil, core.Errorf(core.ENOTFOUND, "unit not found")
}

func (r repo) FaultCodeLine(_ context.Context, kind, code string) (*string, error) {
	line, ok := r.t().FaultCodes[kind+"/"+code]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "fault code not found")
	}
	return line, nil
}

func (r repo) TimerSettings(context.Context) (*workorder.TimerSettings, error) {
	t := r.t()
	return &workorder.TimerSettings{TimeZone: t.TimeZone, Calendar: t.Calendar, AcceptanceMinutes: t.AcceptanceMinutes,
		UrgeIntervalMinutes: t.UrgeIntervalMinutes}, nil
}

func (r repo) LastDispatchedAt(_ context.Context, id uuid.UUID) (*time.Time, error) {
	evs := r.t().Events[id]
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].ToState == core.StateDispatched {
			at := evs[i].At
			return &at, nil
		}
	}
	return nil, nil
}

func (r repo) RecordSiteMiss(site, order uuid.UUID, kind string, due, at time.Time) {
	t := r.t()
	k := order.String() + "/" + kind
	if _, ok := t.Misses[k]; !ok {
		t.Misses[k] = Miss{Site: site, Kind: kind, At: at}
	}
}

func (r repo) FindSiteLateCounts(_ context.Context, site uuid.UUID, since time.Time) (network.SiteLateCounts, error) {
	t := r.t()
	c := network.SiteLateCounts{SiteID: site}
	for _, o := range t.Orders {
		if o.SiteID != nil && *o.SiteID == site && o.CreatedAt.After(since) {
			c.Orders++
		}
	}
	if c.Orders == 0 {
		return network.SiteLateCounts{SiteID: site}, nil
	}
	for _, m := range t.Misses {
		if m.Site == site && m.Kind == network.LateRateMiss && m.At.After(since) {
			c.Misses++
		}
	}
	if s, ok := t.Sites[site]; ok && s.LateRate != nil {
		c.Rate = *s.LateRate
	}
	return c, nil
}

func (r repo) SetSiteLateRate(site uuid.UUID, rate float64) {
	t := r.t()
	if s, ok := t.Sites[site]; ok {
		s.LateRate = &rate
		t.Sites[site] = s
	}
}
