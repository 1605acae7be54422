package blob

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// OrphanGrace is how old an object without a row must be before
// SweepOrphans deletes it: longer than any upload's unit of work, so
// that an object whose row is not yet committed is never taken.
const OrphanGrace = time.Hour

// SweepOrphans deletes the objects that no attachment row points to and
// that were written before now minus OrphanGrace: what an upload whose
// unit rolled back, or a failed delete after commit, left behind. It
// returns how many it deleted. Objects outside the attachment keys are
// left alone.
func (s *Service) SweepOrphans(ctx context.Context, units core.UnitsOfWork) (int, error) {
	cutoff := s.clock.Now().Add(-OrphanGrace)
	var candidates []Info
	err := s.objects.List(ctx, keyRoot, func(i Info) error {
		if i.ModTime.Before(cutoff) {
			candidates = append(candidates, i)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, i := range candidates {
		tenant, id, ok := parseObjectKey(i.Key)
		if !ok {
			continue
		}
		orphan, err := s.orphan(ctx, units, tenant, id)
		if err != nil {
			return deleted, err
		}
		if !orphan {
			continue
		}
		if err := s.objects.Delete(ctx, i.Key); err != nil {
			return deleted, err
		}
		deleted++
	}
	return deleted, nil
}

// orphan reports whether no row of tenant has the ID id.
func (s *Service) orphan(ctx context.Context, units core.UnitsOfWork, tenant, id uuid.UUID) (bool, error) {
	var orphan bool
	err := core.InUnitOfWork(ctx, units, tenant, func(u core.UnitOfWork) error {
		_, err := s.repos.Attachments(u).FindAttachmentByID(ctx, id)
		switch core.ErrorCode(err) {
		case core.ENOTFOUND:
			orphan = true
			return nil
		default:
			return err
		}
	})
	return orphan, err
}
