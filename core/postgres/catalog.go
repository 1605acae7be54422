package postgres

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
)

// catalogRepo implements catalog.Repository on a unit of work: product
// lines and models, service types and fault codes.
type catalogRepo struct{ u *unit }

// Catalog implements catalog.Store.
func (s *Store) Catalog(u core.UnitOfWork) catalog.Repository { return catalogRepo{unitOf(u)} }

const serviceTypeColumns = `code, name_zh, name_en, field, respond_minutes, arrive_minutes, complete_minutes`

func scanServiceType(row pgx.Row) (*core.ServiceType, error) {
	t := &core.ServiceType{}
	return t, row.Scan(&t.Code, &t.NameZh, &t.NameEn, &t.Field, &t.RespondMinutes, &t.ArriveMinutes, &t.CompleteMinutes)
}

func (r catalogRepo) PutServiceType(ctx context.Context, t *core.ServiceType) (created bool, err error) {
	// xmax is 0 on a freshly inserted row version, set on an updated one.
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&created) },
		`INSERT INTO service_types (tenant_id, `+serviceTypeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
			field = EXCLUDED.field, respond_minutes = EXCLUDED.respond_minutes, arrive_minutes = EXCLUDED.arrive_minutes,
			complete_minutes = EXCLUDED.complete_minutes
		RETURNING xmax = 0`, r.u.tenantID, t.Code, t.NameZh, t.NameEn, t.Field, t.RespondMinutes, t.ArriveMinutes,
		t.CompleteMinutes)
	return created, translate(err, "service type "+t.Code)
}

func (r catalogRepo) FindServiceType(ctx context.Context, code string) (*core.ServiceType, error) {
	t, err := readOne(ctx, r.u, scanServiceType, `SELECT `+serviceTypeColumns+` FROM service_types WHERE code = $1`, code)
	return t, translate(err, "service type")
}

func (r catalogRepo) FindServiceTypes(ctx context.Context, after string, limit int) ([]*core.ServiceType, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := q.Query(ctx, `SELECT `+serviceTypeColumns+` FROM service_types WHERE code > $1 ORDER BY code LIMIT $2`, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.ServiceType, error) { return scanServiceType(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.ServiceType) string { return r.Code })
	return out, next, nil
}

func (r catalogRepo) AddServiceTypes(types []core.ServiceType) {
	r.u.write(addServiceTypesSQL, addServiceTypesArgs(r.u.tenantID, types)...)
}

// addServiceTypesSQL adds service types a tenant does not have, in one
// statement; CreateTenant seeds a new tenant's with it.
const addServiceTypesSQL = `INSERT INTO service_types (tenant_id, ` + serviceTypeColumns + `)
	SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bool[], $6::int[], $7::int[], $8::int[])
	ON CONFLICT (tenant_id, code) DO NOTHING`

func addServiceTypesArgs(tenant uuid.UUID, types []core.ServiceType) []any {
	var codes, zh, en []string
	var field []bool
	var respond, arrive, complete []int32
	for _, t := range types {
		codes, zh, en = append(codes, t.Code), append(zh, t.NameZh), append(en, t.NameEn)
		field = append(field, t.Field)
		respond = append(respond, int32(t.RespondMinutes))
		arrive = append(arrive, int32(t.ArriveMinutes))
		complete = append(complete, int32(t.CompleteMinutes))
	}
	return []any{tenant, codes, zh, en, field, respond, arrive, complete}
}

const faultCodeColumns = `kind, code, parent_code, product_line, name_zh, name_en`

func scanFaultCode(row pgx.Row) (*core.FaultCode, error) {
	f := &core.FaultCode{}
	return f, row.Scan(&f.Kind, &f.Code, &f.ParentCode, &f.ProductLine, &f.NameZh, &f.NameEn)
}

func (r catalogRepo) InsertFaultCode(ctx context.Context, f *core.FaultCode) (*core.FaultCode, error) {
	var out *core.FaultCode
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		out, err = scanFaultCode(row)
		return err
	}, `INSERT INTO fault_codes (tenant_id, `+faultCodeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+faultCodeColumns,
		r.u.tenantID, f.Kind, f.Code, f.ParentCode, f.ProductLine, f.NameZh, f.NameEn)
	return out, translate(err, f.Kind+" code "+f.Code)
}

func (r catalogRepo) ProductLines(ctx context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(codes) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT code FROM product_lines WHERE code = ANY($1)`, codes).Query(func(rows pgx.Rows) error {
		var code string
		_, err := pgx.ForEachRow(rows, []any{&code}, func() error {
			out[code] = true
			return nil
		})
		return err
	})
	return out, r.u.read(ctx, b)
}

// FindFaultCodes reads a page; the cursor is the last code's "kind:code".
func (r catalogRepo) FindFaultCodes(ctx context.Context, f core.FaultCodeFilter) ([]*core.FaultCode, string, error) {
	afterKind, afterCode := "", ""
	if f.After != "" {
		var ok bool
		if afterKind, afterCode, ok = strings.Cut(f.After, ":"); !ok {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+faultCodeColumns+` FROM fault_codes
		WHERE (kind, code) > ($1, $2) AND ($3 = '' OR kind = $3)
		  AND ($4 = '' OR product_line IS NULL OR product_line = $4)
		  AND ($5 = '' OR parent_code = $5) AND (NOT $6 OR parent_code IS NULL)
		ORDER BY kind, code LIMIT $7`, afterKind, afterCode, f.Kind, f.ProductLine, f.Parent, f.RootsOnly, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.FaultCode, error) { return scanFaultCode(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.FaultCode) string { return r.Kind + ":" + r.Code })
	return out, next, nil
}

func (r catalogRepo) FaultCodeLines(ctx context.Context, keys []catalog.FaultKey) (map[catalog.FaultKey]*string, error) {
	out := map[catalog.FaultKey]*string{}
	if len(keys) == 0 {
		return out, nil
	}
	kinds, codes := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		kinds[i], codes[i] = k.Kind, k.Code
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT kind, code, product_line FROM fault_codes
		WHERE (kind, code) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, kinds, codes).Query(func(rows pgx.Rows) error {
		var k catalog.FaultKey
		var line *string
		_, err := pgx.ForEachRow(rows, []any{&k.Kind, &k.Code, &line}, func() error {
			var l *string
			if line != nil { // the scan target is reused: copy the value out
				v := *line
				l = &v
			}
			out[k] = l
			return nil
		})
		return err
	})
	return out, r.u.read(ctx, b)
}

// faultInsertChunk bounds the rows of one set-based statement.
const faultInsertChunk = 5000

// InsertFaultCodes inserts codes in the given order, parents first, a
// chunk a statement.
func (r catalogRepo) InsertFaultCodes(codes []*core.FaultCode) {
	for start := 0; start < len(codes); start += faultInsertChunk {
		chunk := codes[start:min(start+faultInsertChunk, len(codes))]
		n := len(chunk)
		kinds, cs, zh, en := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		parents, lines := make([]*string, n), make([]*string, n)
		for i, f := range chunk {
			kinds[i], cs[i], parents[i], lines[i], zh[i], en[i] = f.Kind, f.Code, f.ParentCode, f.ProductLine, f.NameZh, f.NameEn
		}
		r.u.write(`INSERT INTO fault_codes (tenant_id, `+faultCodeColumns+`)
			SELECT $1, kind, code, parent, line, zh, en
			FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
				AS x(kind, code, parent, line, zh, en, n)
			ORDER BY n`, r.u.tenantID, kinds, cs, parents, lines, zh, en)
	}
}
