package network

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateTechnician creates a technician, its optional fields at their
// defaults: EINVALID for bad fields, or a site or user not in the
// tenant; ECONFLICT for a duplicate code or a user already linked to
// another technician.
func (s *Service) CreateTechnician(ctx context.Context, u core.UnitOfWork, n core.NewTechnician) (*core.Technician, error) {
	t := core.NewTechnicianDefaults(uuid.New())
	n.Apply(t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	if err := checkTechnicianRefs(ctx, repo, t); err != nil {
		return nil, err
	}
	t.CreatedAt = s.now()
	t.UpdatedAt = t.CreatedAt
	out, err := repo.InsertTechnician(ctx, t)
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResTechnician, out.ID, nil, out)
	return out, nil
}

// checkTechnicianRefs turns a site or user that is not in the tenant, or
// a user already linked to another technician, into an error.
func checkTechnicianRefs(ctx context.Context, repo Repository, t *core.Technician) error {
	refs, err := repo.FindTechnicianRefs(ctx, t.SiteID, t.UserID, t.ID)
	switch {
	case err != nil:
		return err
	case !refs.SiteExists:
		return core.FieldError("site_id", "no such site")
	case !refs.UserExists:
		return core.FieldError("user_id", "no such user")
	case refs.LinkedTo != "":
		return core.Errorf(core.ECONFLICT, "the user is already linked to technician %s", refs.LinkedTo)
	}
	return nil
}

// FindTechnicians lists technicians ordered by code, with the next
// cursor; with a scope that is not All, only those of sites inside it.
func (s *Service) FindTechnicians(ctx context.Context, u core.UnitOfWork, f core.TechnicianFilter, within core.Scope) ([]*core.Technician, string, error) {
	return s.store.Network(u).FindTechnicians(ctx, f, within)
}

// FindTechnicianByID: ENOTFOUND when absent from the tenant.
func (s *Service) FindTechnicianByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Technician, error) {
	return s.store.Network(u).FindTechnicianByID(ctx, id)
}

// UpdateTechnician changes the fields set in up: ENOTFOUND, EINVALID and
// ECONFLICT as for create, and ECONFLICT on a stale version (0: any).
func (s *Service) UpdateTechnician(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.TechnicianUpdate) (*core.Technician, error) {
	repo := s.store.Network(u)
	cur, err := repo.FindTechnicianByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("technician", cur.Version, up.Version)
	}
	next := *cur
	if err := up.Apply(&next); err != nil {
		return nil, err
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	if err := checkTechnicianRefs(ctx, repo, &next); err != nil {
		return nil, err
	}
	next.UpdatedAt = s.now()
	t, err := repo.UpdateTechnician(ctx, &next)
	if err != nil {
		return nil, lostRace(err, "technician", cur.Version)
	}
	s.record(ctx, u, audit.ActUpdate, audit.ResTechnician, id, cur, t)
	return t, nil
}

// UpdateTechnicianLocation records a technician's last known location,
// taken at l.At (zero: now; not in the future beyond
// core.MaxLocationSkew). A report older than the stored one is ignored,
// as reports may arrive out of order; the version does not change.
// ENOTFOUND, EINVALID.
func (s *Service) UpdateTechnicianLocation(ctx context.Context, u core.UnitOfWork, id uuid.UUID, l core.TechnicianLocation) (*core.Technician, error) {
	now := s.now()
	if l.At.IsZero() {
		l.At = now
	}
	if err := l.Validate(now); err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	t, err := repo.UpdateTechnicianLocation(ctx, id, l.Location, l.At)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return repo.FindTechnicianByID(ctx, id) // absent, or a later report is stored
	}
	return t, err
}
