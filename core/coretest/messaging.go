package coretest

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

// Messages is the in-memory fake of messaging.Store (and of the units it
// needs): one database of MessagingTenants.
type Messages struct {
	*Memory[MessagingTenants]
	AuditLog
}

// MessagingTenants are the fake's messaging rows by tenant.
type MessagingTenants map[uuid.UUID]*MessagingTenant

// MessagingTenant is one tenant's SMS settings, texts, follow-ups, and
// what they refer to: phones, orders, sites and regions.
type MessagingTenant struct {
	Locale, TimeZone string
	Settings         *messaging.SMSSettingsRecord // nil: never saved
	Texts            map[uuid.UUID]StoredSMS
	Senders          map[string]core.SMSSender // by phone
	Orders           map[uuid.UUID]ScoredOrder
	FollowUps        map[uuid.UUID]core.FollowUp
	Sites            map[uuid.UUID]uuid.UUID  // site → region
	Regions          map[uuid.UUID]*uuid.UUID // region → parent (nil: a root)
}

// StoredSMS is a text with its status events (for its order's timeline).
type StoredSMS struct {
	core.SMS
	CreatedAt time.Time
	Events    []string // statuses in the order appended
}

// ScoredOrder is an order as the satisfaction question sees it.
type ScoredOrder struct {
	core.WorkOrder
	Asked bool // the satisfaction question was texted
	Score *int
}

// NewMessages returns an empty fake.
func NewMessages() *Messages {
	return &Messages{Memory: NewMemory(MessagingTenants{}, cloneMessagingTenants)}
}

// NewMessagingTenant returns a tenant with no rows.
func NewMessagingTenant(locale, tz string) *MessagingTenant {
	return &MessagingTenant{Locale: locale, TimeZone: tz, Texts: map[uuid.UUID]StoredSMS{}, Senders: map[string]core.SMSSender{},
		Orders: map[uuid.UUID]ScoredOrder{}, FollowUps: map[uuid.UUID]core.FollowUp{}, Sites: map[uuid.UUID]uuid.UUID{},
		Regions: map[uuid.UUID]*uuid.UUID{}}
}

func cloneMessagingTenants(ts MessagingTenants) MessagingTenants {
	out := make(MessagingTenants, len(ts))
	for id, t := range ts {
		c := *t
		if t.Settings != nil {
			s := *t.Settings
			c.Settings = &s
		}
		c.Texts, c.Senders, c.Orders, c.FollowUps = maps.Clone(t.Texts), maps.Clone(t.Senders), maps.Clone(t.Orders), maps.Clone(t.FollowUps)
		c.Sites, c.Regions = maps.Clone(t.Sites), maps.Clone(t.Regions)
		out[id] = &c
	}
	return out
}

// Messaging implements messaging.Store.
func (f *Messages) Messaging(u core.UnitOfWork) messaging.Repository {
	return messagingRepo{u: UnitOf[MessagingTenants](u)}
}

// messagingRepo is the fake's messaging.Repository: a unit's view of its
// tenant (a platform unit sees only FindTenantBySMSNumber's numbers).
type messagingRepo struct{ u *Unit[MessagingTenants] }

func (r messagingRepo) t() *MessagingTenant {
	t, ok := r.u.State()[r.u.TenantID()]
	if !ok {
		return NewMessagingTenant("", "") // as row-level security shows an unknown tenant: nothing
	}
	return t
}

func (r messagingRepo) FindSMSSettings(context.Context) (messaging.SMSSettingsRecord, error) {
	t, ok := r.u.State()[r.u.TenantID()]
	if !ok {
		return messaging.SMSSettingsRecord{}, core.Errorf(core.ENOTFOUND, "tenant not found")
	}
	rec := messaging.SMSSettingsRecord{TimeZone: t.TimeZone}
	if t.Settings != nil {
		rec.Document, rec.Number, rec.UpdatedAt = slices.Clone(t.Settings.Document), t.Settings.Number, t.Settings.UpdatedAt
	}
	return rec, nil
}

func (r messagingRepo) SaveSMSSettings(_ context.Context, rec messaging.SMSSettingsRecord) error {
	for id, t := range r.u.State() {
		if id != r.u.TenantID() && rec.Number != "" && t.Settings != nil && t.Settings.Number == rec.Number {
			return core.Errorf(core.ECONFLICT, "another tenant has the number")
		}
	}
	rec.TimeZone = ""
	r.t().Settings = &rec
	return nil
}

func (r messagingRepo) FindTenantBySMSNumber(_ context.Context, candidates []string) (uuid.UUID, error) {
	for _, c := range candidates {
		for id, t := range r.u.State() {
			if t.Settings != nil && t.Settings.Number == c {
				return id, nil
			}
		}
	}
	return uuid.Nil, core.Errorf(core.ENOTFOUND, "no tenant has the number")
}

func (r messagingRepo) LockOutgoingSMS(_ context.Context, id uuid.UUID) (*core.SMS, error) {
	m, ok := r.t().Texts[id]
	if !ok || m.Direction != core.SMSOut {
		return nil, core.Errorf(core.ENOTFOUND, "SMS message not found")
	}
	c := m.SMS
	return &c, nil
}

func (r messagingRepo) SetSMSStatus(id uuid.UUID, status, errText string, at time.Time) {
	m := r.t().Texts[id]
	m.Status, m.Error = status, errText
	if m.SentAt == nil {
		m.SentAt = &at
	}
	r.t().Texts[id] = m
}

func (r messagingRepo) AppendSMSStatusEvent(sms *core.SMS, status, _ string, _ time.Time) {
	if sms.WorkOrderID == nil {
		return
	}
	m := r.t().Texts[sms.ID]
	m.Events = append(slices.Clone(m.Events), status)
	r.t().Texts[sms.ID] = m
}

func (r messagingRepo) SaveInboundSMS(m *core.SMS) {
	c := *m
	c.Status, c.Direction = core.SMSReceived, core.SMSIn
	r.t().Texts[m.ID] = StoredSMS{SMS: c, CreatedAt: time.Now()}
}

func (r messagingRepo) CountRecentSMS(_ context.Context, kind, to string, within time.Duration) (int, error) {
	n := 0
	for _, m := range r.t().Texts {
		if m.Kind == kind && m.To == to && m.Direction == core.SMSOut && !m.CreatedAt.Before(time.Now().Add(-within)) {
			n++
		}
	}
	return n, nil
}

func (r messagingRepo) FindSMSSender(_ context.Context, phone string) (*core.SMSSender, error) {
	s := r.t().Senders[phone]
	s.Phone, s.Locale = phone, r.t().Locale
	return &s, nil
}

func (r messagingRepo) FindTechnicianOrders(_ context.Context, tech uuid.UUID, number string, states []string, limit int) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, w := range r.t().Orders {
		if w.TechnicianID != nil && *w.TechnicianID == tech && (number != "" && w.Number == number || number == "" && slices.Contains(states, w.State)) {
			out = append(out, w.ID)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (r messagingRepo) LockOrderAwaitingScore(_ context.Context, customer uuid.UUID, states []string, _ string) (*core.WorkOrder, error) {
	var found *core.WorkOrder
	for _, w := range r.t().Orders {
		if w.CustomerID == customer && w.CompletedAt != nil && w.Score == nil && w.Asked && slices.Contains(states, w.State) &&
			(found == nil || w.CompletedAt.After(*found.CompletedAt)) {
			c := w.WorkOrder
			found = &c
		}
	}
	if found == nil {
		return nil, core.Errorf(core.ENOTFOUND, "completed order awaiting a score not found")
	}
	return found, nil
}

func (r messagingRepo) RecordSatisfaction(id uuid.UUID, score int, _ string, _ time.Time) {
	w := r.t().Orders[id]
	w.Score = &score
	r.t().Orders[id] = w
}

func (r messagingRepo) InsertFollowUp(f *core.FollowUp) {
	for _, g := range r.t().FollowUps {
		if g.WorkOrderID == f.WorkOrderID && g.Reason == f.Reason {
			return
		}
	}
	r.t().FollowUps[f.ID] = *f
}

func (r messagingRepo) FindFollowUp(_ context.Context, order uuid.UUID, reason string) (*core.FollowUp, error) {
	for _, f := range r.t().FollowUps {
		if f.WorkOrderID == order && f.Reason == reason {
			return &f, nil
		}
	}
	return nil, core.Errorf(core.ENOTFOUND, "follow-up not found")
}

func (r messagingRepo) FindFollowUpByID(_ context.Context, id uuid.UUID) (*core.FollowUp, error) {
	f, ok := r.t().FollowUps[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "follow-up not found")
	}
	return &f, nil
}

func (r messagingRepo) LockFollowUp(ctx context.Context, id uuid.UUID) (*core.FollowUp, error) {
	return r.FindFollowUpByID(ctx, id)
}

func (r messagingRepo) UpdateFollowUp(f *core.FollowUp) { r.t().FollowUps[f.ID] = *f }

func (r messagingRepo) FindFollowUps(_ context.Context, f core.FollowUpFilter) ([]*core.FollowUp, string, error) {
	t := r.t()
	var out []*core.FollowUp
	for _, fu := range t.FollowUps {
		if f.Status != "" && fu.Status != f.Status || !f.Within.All && !t.covers(f.Within, fu.SiteID) {
			continue
		}
		out = append(out, &fu)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return strings.Compare(out[i].ID.String(), out[j].ID.String()) > 0
	})
	start := 0
	if f.Cursor != "" {
		start = slices.IndexFunc(out, func(fu *core.FollowUp) bool { return fu.ID.String() == f.Cursor }) + 1
		if start == 0 {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	out = out[start:]
	if len(out) > limit {
		return out[:limit], out[limit-1].ID.String(), nil
	}
	return out, "", nil
}

// covers tells whether a site is within a scope: the site itself, or a
// region at or above its own.
func (t *MessagingTenant) covers(sc core.Scope, site *uuid.UUID) bool {
	if site == nil {
		return false
	}
	if slices.Contains(sc.Sites, *site) {
		return true
	}
	region, ok := t.Sites[*site]
	for ok {
		if slices.Contains(sc.Regions, region) {
			return true
		}
		var parent *uuid.UUID
		if parent, ok = t.Regions[region]; ok && parent != nil {
			region = *parent
		} else {
			ok = false
		}
	}
	return false
}
