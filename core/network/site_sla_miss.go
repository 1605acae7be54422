package network

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// FindSiteSLAMisses lists the deadlines a site missed (as the work-order
// timers recorded them), newest first, with the next cursor and the
// site's totals. The caller checks first that the site exists and is in
// its scope. EINVALID: a cursor this list did not return.
func (s *Service) FindSiteSLAMisses(ctx context.Context, u core.UnitOfWork, site uuid.UUID, after string, limit int) ([]*core.SiteSLAMiss, string, *core.SiteSLAMissCounts, error) {
	var before int64
	if after != "" {
		n, err := strconv.ParseInt(after, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", nil, core.FieldError("cursor", "is not a cursor returned by this list")
		}
		before = n
	}
	misses, next, counts, err := s.store.Network(u).FindSiteSLAMisses(ctx, site, before, limit)
	if err != nil || next == 0 {
		return misses, "", counts, err
	}
	return misses, strconv.FormatInt(next, 10), counts, nil
}
