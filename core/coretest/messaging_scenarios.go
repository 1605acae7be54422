package coretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

// MessagingEnv is what the messaging scenarios run on: a store with two
// tenants (Tenant, in Asia/Shanghai, with a region and a site in it;
// Other), and ways to seed what other areas create.
type MessagingEnv struct {
	Units         core.UnitsOfWork
	Store         messaging.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
	Region, Site  uuid.UUID
	// SeedFollowUp opens a follow-up on a new order of site (nil: none)
	// of Tenant and returns its ID.
	SeedFollowUp func(site *uuid.UUID) uuid.UUID
	// SeedText records an outgoing text of Tenant about a new order, in
	// status, and returns its ID.
	SeedText func(status string) uuid.UUID
	// Text returns a text's status and the statuses its order's timeline
	// shows for it.
	Text func(id uuid.UUID) (string, []string)
}

// NewMemoryMessagingEnv seeds the fake with a MessagingEnv's tenants.
func NewMemoryMessagingEnv() MessagingEnv {
	f := NewMessages()
	e := MessagingEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New(), Region: uuid.New(), Site: uuid.New()}
	f.Write(func(ts MessagingTenants) MessagingTenants {
		t := NewMessagingTenant("zh-CN", "Asia/Shanghai")
		t.Regions[e.Region], t.Sites[e.Site] = nil, e.Region
		ts[e.Tenant], ts[e.Other] = t, NewMessagingTenant("zh-CN", "Europe/Berlin")
		return ts
	})
	e.SeedFollowUp = func(site *uuid.UUID) uuid.UUID {
		id := uuid.New()
		f.Write(func(ts MessagingTenants) MessagingTenants {
			ts[e.Tenant].FollowUps[id] = core.FollowUp{ID: id, WorkOrderID: uuid.New(), CustomerID: uuid.New(), SiteID: site,
				Reason: core.FollowUpLowSatisfaction, Status: core.FollowUpOpen, CreatedAt: e.Clock.Now()}
			return ts
		})
		return id
	}
	e.SeedText = func(status string) uuid.UUID {
		id, order := uuid.New(), uuid.New()
		f.Write(func(ts MessagingTenants) MessagingTenants {
			ts[e.Tenant].Texts[id] = StoredSMS{SMS: core.SMS{ID: id, WorkOrderID: &order, Kind: core.SMSCustomerAssigned,
				To: "8613800138000", Status: status, Direction: core.SMSOut}, CreatedAt: e.Clock.Now()}
			return ts
		})
		return id
	}
	e.Text = func(id uuid.UUID) (status string, events []string) {
		f.Read(func(ts MessagingTenants) {
			m := ts[e.Tenant].Texts[id]
			status, events = m.Status, m.Events
		})
		return status, events
	}
	return e
}

// MessagingScenario is one scenario of the messaging use cases.
type MessagingScenario struct {
	Name string
	Run  func(t *testing.T, e MessagingEnv)
}

func (e MessagingEnv) service() *messaging.Service {
	return messaging.New(messaging.Config{Store: e.Store, Units: e.Units, Clock: e.Clock})
}

// in runs fn in a unit of tenant and commits it.
func (e MessagingEnv) in(tenant uuid.UUID, fn func(u core.UnitOfWork) error) error {
	return core.InUnitOfWork(context.Background(), e.Units, tenant, fn)
}

func (e MessagingEnv) settings(t *testing.T, tenant uuid.UUID) *core.SMSSettings {
	t.Helper()
	var out *core.SMSSettings
	check(t).NoError(e.in(tenant, func(u core.UnitOfWork) (err error) {
		out, err = e.service().SMSSettings(context.Background(), u)
		return err
	}))
	return out
}

func (e MessagingEnv) saveSettings(tenant uuid.UUID, in core.SMSSettings) (out *core.SMSSettings, err error) {
	err = e.in(tenant, func(u core.UnitOfWork) error {
		out, err = e.service().UpdateSMSSettings(context.Background(), u, in)
		return err
	})
	return out, err
}

// MessagingScenarios are the decisions of SMS settings, delivery reports
// and follow-ups.
func MessagingScenarios() []MessagingScenario {
	ctx := context.Background()
	return []MessagingScenario{
		{"SMS settings are the defaults until saved, then what was saved, normalised", func(t *testing.T, e MessagingEnv) {
			def := e.settings(t, e.Tenant)
			check(t).Equal("Asia/Shanghai", def.TimeZone)
			check(t).Equal(core.DefaultSMSSettings().QuietHours, def.QuietHours)
			check(t).Len(def.Notifications, len(core.SMSKinds()))
			check(t).True(def.UpdatedAt.IsZero())

			in := core.DefaultSMSSettings()
			in.Signature, in.Number, in.RatePerMinute = "海尔服务", "1069-0123", 30
			in.Notifications = map[string]core.SMSNotification{core.SMSCustomerSatisfaction: {Enabled: false,
				Templates: map[string]string{core.LocaleEn: "Rate {order_number}: reply 1-5", core.LocaleZhCN: " "}}}
			got, err := e.saveSettings(e.Tenant, in)
			check(t).NoError(err)
			check(t).Equal("【海尔服务】", got.Signature)
			check(t).Equal("10690123", got.Number)
			check(t).False(got.Enabled(core.SMSCustomerSatisfaction))
			check(t).True(got.Enabled(core.SMSTechnicianAssigned), "kinds not mentioned stay on")
			check(t).Equal(map[string]string{core.LocaleEn: "Rate {order_number}: reply 1-5"},
				got.Notifications[core.SMSCustomerSatisfaction].Templates, "empty overrides dropped")
			check(t).False(got.UpdatedAt.IsZero())
			check(t).Equal("Asia/Shanghai", got.TimeZone)
			check(t).Equal(got, e.settings(t, e.Tenant), "what was saved is what is read")
			check(t).Equal("", e.settings(t, e.Other).Number, "tenants apart")
		}},
		{"bad SMS settings are refused naming the field, and change nothing", func(t *testing.T, e MessagingEnv) {
			for field, mod := range map[string]func(s *core.SMSSettings){
				"notifications.site_urge.templates.zh-CN": func(s *core.SMSSettings) {
					s.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: true, Templates: map[string]string{"zh-CN": "{nope}"}}
				},
				"number":             func(s *core.SMSSettings) { s.Number = "12" },
				"rate_per_minute":    func(s *core.SMSSettings) { s.RatePerMinute = 7000 },
				"quiet_hours.start":  func(s *core.SMSSettings) { s.QuietHours.Start = "25:00" },
				"reply_keywords.123": func(s *core.SMSSettings) { s.ReplyKeywords = map[string]string{"123": core.ReplyDone} },
			} {
				bad := core.DefaultSMSSettings()
				mod(&bad)
				_, err := e.saveSettings(e.Tenant, bad)
				check(t).Equal(core.EINVALID, core.ErrorCode(err), field)
				var ce *core.Error
				check(t).True(errors.As(err, &ce), field)
				check(t).Contains(ce.Fields, field)
			}
			check(t).True(e.settings(t, e.Tenant).UpdatedAt.IsZero(), "nothing saved")
		}},
		{"a number belongs to one tenant, and texts to it find that tenant by prefix", func(t *testing.T, e MessagingEnv) {
			in := core.DefaultSMSSettings()
			in.Number = "10690123"
			_, err := e.saveSettings(e.Tenant, in)
			check(t).NoError(err)
			in.Number = "1069 0123"
			_, err = e.saveSettings(e.Other, in)
			check(t).Equal(core.ECONFLICT, core.ErrorCode(err))
			check(t).Contains(core.ErrorMessage(err), "number")
			check(t).Equal("", e.settings(t, e.Other).Number)
			s := e.service()
			for number, want := range map[string]uuid.UUID{"10690123": e.Tenant, "+86 1069012301": e.Tenant, "1069": uuid.Nil, "": uuid.Nil} {
				got, err := s.FindTenantBySMSNumber(ctx, number)
				if want == uuid.Nil {
					check(t).Equal(core.ENOTFOUND, core.ErrorCode(err), number)
					continue
				}
				check(t).NoError(err, number)
				check(t).Equal(want, got, number)
			}
		}},
		{"a delivery report overtaking the send record: sent, then delivered; later reports change nothing", func(t *testing.T, e MessagingEnv) {
			s := e.service()
			id := e.SeedText(core.SMSSending)
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, id, core.DLRSMSCSubmit, ""), "intermediate")
			status, events := e.Text(id)
			check(t).Equal(core.SMSSent, status, "any report proves the carrier has it")
			check(t).Equal([]string{core.SMSSent}, events)
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, id, core.DLRBuffered, ""), "intermediate again")
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, id, core.DLRDelivered, "stat:DELIVRD"))
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, id, core.DLRFailed, "late"), "after the final status")
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, id, core.DLRSMSCSubmit, ""), "a late submit report")
			status, events = e.Text(id)
			check(t).Equal(core.SMSDelivered, status)
			check(t).Equal([]string{core.SMSSent, core.SMSDelivered}, events)

			rejected := e.SeedText(core.SMSSending)
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, rejected, core.DLRSMSCReject, "stat:REJECTD"))
			status, events = e.Text(rejected)
			check(t).Equal(core.SMSFailed, status)
			check(t).Equal([]string{core.SMSSent, core.SMSFailed}, events)

			queued := e.SeedText(core.SMSQueued)
			check(t).NoError(s.DeliveryReport(ctx, e.Tenant, queued, core.DLRDelivered, ""), "not sent yet")
			status, _ = e.Text(queued)
			check(t).Equal(core.SMSQueued, status)

			check(t).Equal(core.ENOTFOUND, core.ErrorCode(s.DeliveryReport(ctx, e.Tenant, uuid.New(), core.DLRDelivered, "")))
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(s.DeliveryReport(ctx, e.Other, id, core.DLRDelivered, "")), "another tenant's")
			check(t).Equal(core.EINVALID, core.ErrorCode(s.DeliveryReport(ctx, e.Tenant, id, 3, "")))
		}},
		{"a follow-up is completed once", func(t *testing.T, e MessagingEnv) {
			s := e.service()
			id := e.SeedFollowUp(&e.Site)
			var done *core.FollowUp
			check(t).NoError(e.in(e.Tenant, func(u core.UnitOfWork) (err error) {
				done, err = s.CompleteFollowUp(ctx, u, id, "called back", "user:1")
				return err
			}))
			check(t).Equal(core.FollowUpDone, done.Status)
			check(t).Equal("called back", done.Note)
			check(t).Equal("user:1", done.DoneBy)
			check(t).NotNil(done.DoneAt)
			check(t).NoError(e.in(e.Tenant, func(u core.UnitOfWork) error {
				got, err := s.FindFollowUpByID(ctx, u, id)
				check(t).NoError(err)
				check(t).Equal(core.FollowUpDone, got.Status)
				_, err = s.CompleteFollowUp(ctx, u, id, "again", "user:2")
				check(t).Equal(core.ECONFLICT, core.ErrorCode(err))
				_, err = s.CompleteFollowUp(ctx, u, uuid.New(), "", "user:2")
				check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
				return nil
			}))
			check(t).NoError(e.in(e.Other, func(u core.UnitOfWork) error {
				_, err := s.FindFollowUpByID(ctx, u, id)
				check(t).Equal(core.ENOTFOUND, core.ErrorCode(err), "another tenant's")
				return nil
			}))
		}},
		{"follow-ups list by status and within the caller's scope", func(t *testing.T, e MessagingEnv) {
			s := e.service()
			inSite, noSite := e.SeedFollowUp(&e.Site), e.SeedFollowUp(nil)
			done := e.SeedFollowUp(&e.Site)
			check(t).NoError(e.in(e.Tenant, func(u core.UnitOfWork) error {
				_, err := s.CompleteFollowUp(ctx, u, done, "", "user:1")
				return err
			}))
			list := func(f core.FollowUpFilter) []uuid.UUID {
				var ids []uuid.UUID
				check(t).NoError(e.in(e.Tenant, func(u core.UnitOfWork) error {
					items, _, err := s.FindFollowUps(ctx, u, f)
					for _, it := range items {
						ids = append(ids, it.ID)
					}
					return err
				}))
				return ids
			}
			check(t).ElementsMatch([]uuid.UUID{inSite, noSite, done}, list(core.FollowUpFilter{Within: core.Scope{All: true}}))
			check(t).ElementsMatch([]uuid.UUID{inSite, noSite}, list(core.FollowUpFilter{Status: core.FollowUpOpen, Within: core.Scope{All: true}}))
			check(t).ElementsMatch([]uuid.UUID{inSite}, list(core.FollowUpFilter{Status: core.FollowUpOpen, Within: core.Scope{Regions: []uuid.UUID{e.Region}}}))
			check(t).ElementsMatch([]uuid.UUID{inSite, done}, list(core.FollowUpFilter{Within: core.Scope{Sites: []uuid.UUID{e.Site}}}))
			check(t).Empty(list(core.FollowUpFilter{Within: core.Scope{Regions: []uuid.UUID{uuid.New()}}}))
			check(t).NoError(e.in(e.Tenant, func(u core.UnitOfWork) error {
				_, _, err := s.FindFollowUps(ctx, u, core.FollowUpFilter{Cursor: "nonsense", Within: core.Scope{All: true}})
				check(t).Equal(core.EINVALID, core.ErrorCode(err))
				return nil
			}))
		}},
	}
}

// checker is the few assertions the scenarios make; core/coretest does
// without a test library (core imports none).
type checker struct{ t *testing.T }

func check(t *testing.T) checker { t.Helper(); return checker{t} }

func (c checker) fail(msg []any, format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("%s%s", fmt.Sprintf(format, args...), fmt.Sprint(append([]any{" "}, msg...)...))
}

func (c checker) NoError(err error, msg ...any) {
	c.t.Helper()
	if err != nil {
		c.fail(msg, "unexpected error: %v", err)
	}
}

func (c checker) Equal(want, got any, msg ...any) {
	c.t.Helper()
	if !reflect.DeepEqual(want, got) {
		c.fail(msg, "got %#v, want %#v", got, want)
	}
}

func (c checker) True(ok bool, msg ...any) {
	c.t.Helper()
	if !ok {
		c.fail(msg, "false")
	}
}

func (c checker) False(ok bool, msg ...any) {
	c.t.Helper()
	c.True(!ok, msg...)
}

func (c checker) NotNil(v any, msg ...any) {
	c.t.Helper()
	if v == nil || reflect.ValueOf(v).IsNil() {
		c.fail(msg, "nil")
	}
}

func (c checker) Nil(v any, msg ...any) {
	c.t.Helper()
	if v != nil && !reflect.ValueOf(v).IsNil() {
		c.fail(msg, "not nil: %v", v)
	}
}

func (c checker) Len(v any, n int, msg ...any) {
	c.t.Helper()
	if l := reflect.ValueOf(v).Len(); l != n {
		c.fail(msg, "length %d, want %d", l, n)
	}
}

func (c checker) Empty(v any, msg ...any) {
	c.t.Helper()
	c.Len(v, 0, msg...)
}

// Contains: a substring of a string, or a key of a map of strings.
func (c checker) Contains(in any, what string, msg ...any) {
	c.t.Helper()
	switch in := in.(type) {
	case string:
		if !strings.Contains(in, what) {
			c.fail(msg, "%q does not contain %q", in, what)
		}
	case map[string]string:
		if _, ok := in[what]; !ok {
			c.fail(msg, "%v has no %q", in, what)
		}
	default:
		c.fail(msg, "Contains on %T", in)
	}
}

func (c checker) ElementsMatch(want, got []uuid.UUID, msg ...any) {
	c.t.Helper()
	w, g := slices.Clone(want), slices.Clone(got)
	cmp := func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }
	slices.SortFunc(w, cmp)
	slices.SortFunc(g, cmp)
	if !slices.Equal(w, g) {
		c.fail(msg, "got %v, want %v", got, want)
	}
}
