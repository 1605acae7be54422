// Package settings holds the use cases of a tenant's own settings: the
// dispatch weights, the business calendar SLA deadlines are counted in,
// and the timer limits (acceptance and urge intervals), with their
// defaults for a tenant that has set none. It decides; the Repository of
// its Store (the PostgreSQL adapter, or the in-memory fake of
// core/coretest) only reads and writes.
package settings

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the settings use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
type Store interface {
	// Audit records the changes the use cases make.
	audit.Store
	Settings(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's settings within a unit of
// work.
type Repository interface {
	// FindSettings reads the settings as stored; ENOTFOUND when the
	// tenant has stored none.
	FindSettings(ctx context.Context) (*core.TenantSettings, error)
	// TimeZone reads the tenant's time zone.
	TimeZone(ctx context.Context) (string, error)
	// SaveSettings stores the settings, UpdatedAt included, in place of
	// any stored before.
	SaveSettings(s *core.TenantSettings)
}

// PartsBindings finds the tenant's enabled plugin binding of a kind
// (core/plugin.Service): ENOTFOUND when there is none.
type PartsBindings interface {
	EnabledBinding(ctx context.Context, u core.UnitOfWork, kind string) (*core.PluginBinding, error)
}

// FieldRequests finds the field part requests a stock movement is still
// to come for: approved (shipped or reserved), received, or consumed with
// more to consume or a defective part to return. It first takes the
// tenant's parts mode exclusively, so no movement decides by the mode
// until the unit commits. Returns at most limit, oldest first, and how
// many there are.
type FieldRequests interface {
	StockMovingRequests(ctx context.Context, u core.UnitOfWork, limit int) ([]FieldRequest, int, error)
}

// FieldRequest names an open field part request.
type FieldRequest struct {
	ID          uuid.UUID
	OrderNumber string
	State       string
}

// Service runs the settings use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork).
type Service struct {
	store    Store
	clock    core.Clock
	bindings PartsBindings
	requests FieldRequests
}

// SetFieldRequests makes a parts mode switch wait until no field request
// is midway (see checkOpenRequests); without it the switch is not
// checked. Set once, at wiring.
func (s *Service) SetFieldRequests(r FieldRequests) { s.requests = r }

// SetPartsBindings lets the tenant switch its parts mode to erp once it
// has an enabled parts plugin binding; without it the switch is refused.
func (s *Service) SetPartsBindings(b PartsBindings) { s.bindings = b }

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
}

// NewService returns the settings use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, clock: c.Clock}
}

// Defaults are the settings of a tenant that has set none: every dispatch
// weight 1, the default timer limits, the default calendar.
func Defaults() *core.TenantSettings {
	return &core.TenantSettings{DispatchWeights: core.DispatchWeights{Distance: 1, Load: 1, Reputation: 1, SLARisk: 1},
		AcceptanceMinutes: core.DefaultAcceptanceMinutes, UrgeIntervalMinutes: core.DefaultUrgeIntervalMinutes,
		PartsMode: core.PartsBuiltIn, PartReturnDays: core.DefaultPartReturnDays}
}

// FindSettings reads the tenant's settings; Defaults when it has set none.
func (s *Service) FindSettings(ctx context.Context, u core.UnitOfWork) (*core.TenantSettings, error) {
	out, err := s.store.Settings(u).FindSettings(ctx)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return Defaults(), nil
	}
	return out, err
}

// UpdateSettings replaces the tenant's settings: EINVALID for weights out
// of range, timer limits out of range (0: the default), an unknown parts
// mode (empty: kept as it is) or a calendar without working time (its
// time zone defaults to the tenant's). Switching the parts mode to erp
// without an enabled parts plugin binding is EINVALID naming parts_mode.
func (s *Service) UpdateSettings(ctx context.Context, u core.UnitOfWork, in core.TenantSettings) (*core.TenantSettings, error) {
	repo := s.store.Settings(u)
	tz, err := repo.TimeZone(ctx)
	if err != nil {
		return nil, err
	}
	before, err := s.FindSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	if in.PartsMode == "" {
		in.PartsMode = before.PartsMode
	}
	if err := in.Validate(tz); err != nil {
		return nil, err
	}
	if in.PartsMode != before.PartsMode {
		if err := s.checkOpenRequests(ctx, u, before.PartsMode, in.PartsMode); err != nil {
			return nil, err
		}
	}
	if in.PartsMode == core.PartsERP && before.PartsMode != core.PartsERP {
		if err := s.checkPartsBinding(ctx, u); err != nil {
			return nil, err
		}
	}
	in.UpdatedAt = s.clock.Now().Truncate(time.Microsecond)
	repo.SaveSettings(&in)
	after, err := s.FindSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResSettings, Before: before, After: after})
	return after, nil
}

// checkOpenRequests refuses (ECONFLICT naming parts_mode and the
// requests) to switch the parts mode while a field request is midway: a
// part shipped or reserved in one mode would be consumed or returned in
// the other, where it was never taken (stock counted twice, or lost).
// Each open request finishes in the mode it started in, and then the
// tenant switches; requests not yet approved start in the new mode.
func (s *Service) checkOpenRequests(ctx context.Context, u core.UnitOfWork, from, to string) error {
	if s.requests == nil {
		return nil
	}
	open, total, err := s.requests.StockMovingRequests(ctx, u, 10)
	if err != nil || total == 0 {
		return err
	}
	names := make([]string, len(open))
	for i, r := range open {
		names[i] = fmt.Sprintf("%s (order %s, %s)", r.ID, r.OrderNumber, r.State)
	}
	more := ""
	if total > len(open) {
		more = fmt.Sprintf(" and %d more", total-len(open))
	}
	msg := fmt.Sprintf("%d field part request(s) still move stock in %s mode: %s%s; finish them (receive, consume, "+
		"return the defective parts) before switching to %s", total, from, strings.Join(names, ", "), more, to)
	return &core.Error{Code: core.ECONFLICT, Message: "parts_mode: " + msg, Fields: map[string]string{"parts_mode": msg}}
}

// checkPartsBinding refuses the erp parts mode to a tenant without an
// enabled parts plugin: nothing could answer for its stock.
func (s *Service) checkPartsBinding(ctx context.Context, u core.UnitOfWork) error {
	if s.bindings == nil {
		return core.FieldError("parts_mode", "erp needs the parts plugin, which this server does not run")
	}
	_, err := s.bindings.EnabledBinding(ctx, u, core.PluginParts)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.FieldError("parts_mode", "erp needs an enabled parts plugin binding: a tenant admin binds the ERP's parts plugin first (POST /v1/plugin-bindings)")
	}
	return err
}
