// Package catalog holds the use cases of a tenant's catalogues: product
// lines and models (with their warranty terms), service types (with their
// SLA targets, and the defaults a tenant starts with), and the fault code
// trees (symptom, cause, object, action), created one by one or imported
// parents first. It decides; the Repository of its Store (the PostgreSQL
// adapter, or the in-memory fake of core/coretest) only reads and writes.
// Admins' changes of lines, models, service types and single fault codes
// are recorded in the audit log in the unit that makes them.
package catalog

import (
	"context"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Service runs the catalogue use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork). Lists return the next cursor ("" on the
// last page).
type Service struct {
	store Store
}

// Config is what a Service is built from.
type Config struct {
	Store Store
}

// NewService returns the catalogue use cases.
func NewService(c Config) *Service { return &Service{store: c.Store} }

// record records an admin's change of a catalogue entry in the audit log,
// in the unit that makes it.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action, resource, id string, before, after any) {
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: resource, ResourceID: id, Before: before, After: after})
}

// staleVersion is the conflict of a change sent with an old version.
func staleVersion(what string, have, sent int) *core.Error {
	return core.Errorf(core.ECONFLICT, "%s was changed by someone else (version %d, you sent %d); reload and retry", what, have, sent)
}

// PutServiceType creates or replaces a service type; EINVALID for bad
// fields. created tells which.
func (s *Service) PutServiceType(ctx context.Context, u core.UnitOfWork, t core.ServiceType) (st *core.ServiceType, created bool, err error) {
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	repo := s.store.Catalog(u)
	before, err := repo.FindServiceType(ctx, t.Code)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, false, err
	}
	if created, err = repo.PutServiceType(ctx, &t); err != nil {
		return nil, false, err
	}
	switch {
	case created:
		s.record(ctx, u, audit.ActCreate, audit.ResServiceType, t.Code, nil, &t)
	case before == nil || *before != t: // a put that changes nothing is not a change
		s.record(ctx, u, audit.ActUpdate, audit.ResServiceType, t.Code, before, &t)
	}
	return &t, created, nil
}

// FindServiceTypes lists service types ordered by code.
func (s *Service) FindServiceTypes(ctx context.Context, u core.UnitOfWork, after string, limit int) ([]*core.ServiceType, string, error) {
	return s.store.Catalog(u).FindServiceTypes(ctx, after, limit)
}

// SeedDefaultCatalog adds the core.DefaultServiceTypes that the tenant
// does not have yet; existing ones are left as the tenant set them. Names
// are seeded in both languages whatever the locale, which only has to be
// one the platform speaks: EINVALID otherwise.
func (s *Service) SeedDefaultCatalog(_ context.Context, u core.UnitOfWork, locale string) error {
	if locale != core.LocaleZhCN && locale != core.LocaleEn {
		return core.FieldError("locale", "must be zh-CN or en")
	}
	s.store.Catalog(u).AddServiceTypes(core.DefaultServiceTypes())
	return nil
}
