package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// PartsByNumber implements parts.CatalogueStore: the unit's tenant's parts
// whose numbers are among numbers.
func (s *Store) PartsByNumber(ctx context.Context, u core.UnitOfWork, numbers []string) (map[string]*parts.Part, error) {
	out := map[string]*parts.Part{}
	if len(numbers) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+partColumns+` FROM parts p WHERE p.tenant_id = app_current_tenant() AND p.number = ANY($1::text[])`,
		numbers).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			p, err := scanPart(rs)
			if err != nil {
				return err
			}
			out[p.Number] = p
		}
		return rs.Err()
	})
	return out, unitOf(u).read(ctx, b)
}
