package postgres

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const serviceTypeColumns = `code, name_zh, name_en, field, respond_minutes, arrive_minutes, complete_minutes`

func scanServiceType(row pgx.Row) (*core.ServiceType, error) {
	t := &core.ServiceType{}
	return t, row.Scan(&t.Code, &t.NameZh, &t.NameEn, &t.Field, &t.RespondMinutes, &t.ArriveMinutes, &t.CompleteMinutes)
}

// PutServiceType implements core.CatalogService.
func (s *Store) PutServiceType(ctx context.Context, t core.ServiceType) (*core.ServiceType, bool, error) {
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, false, err
	}
	var created bool
	// xmax is 0 on a freshly inserted row version, set on an updated one.
	err = q.QueryRow(ctx, `INSERT INTO service_types (tenant_id, `+serviceTypeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
			field = EXCLUDED.field, respond_minutes = EXCLUDED.respond_minutes, arrive_minutes = EXCLUDED.arrive_minutes,
			complete_minutes = EXCLUDED.complete_minutes
		RETURNING xmax = 0`, tenantOf(ctx), t.Code, t.NameZh, t.NameEn, t.Field, t.RespondMinutes, t.ArriveMinutes,
		t.CompleteMinutes).Scan(&created)
	if err != nil {
		return nil, false, translate(err, "service type "+t.Code)
	}
	return &t, created, nil
}

// FindServiceTypes implements core.CatalogService.
func (s *Store) FindServiceTypes(ctx context.Context, after string, limit int) ([]*core.ServiceType, string, error) {
	q, err := s.q(ctx)
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

// SeedDefaultCatalog implements core.CatalogService. Names are seeded in
// both languages whatever the locale, which only has to be one the
// platform speaks.
func (s *Store) SeedDefaultCatalog(ctx context.Context, locale string) error {
	if locale != core.LocaleZhCN && locale != core.LocaleEn {
		return core.FieldError("locale", "must be zh-CN or en")
	}
	q, err := s.q(ctx)
	if err != nil {
		return err
	}
	defaults := core.DefaultServiceTypes()
	var codes, zh, en []string
	var field []bool
	var respond, arrive, complete []int32
	for _, t := range defaults {
		codes, zh, en = append(codes, t.Code), append(zh, t.NameZh), append(en, t.NameEn)
		field = append(field, t.Field)
		respond = append(respond, int32(t.RespondMinutes))
		arrive = append(arrive, int32(t.ArriveMinutes))
		complete = append(complete, int32(t.CompleteMinutes))
	}
	_, err = q.Exec(ctx, `INSERT INTO service_types (tenant_id, `+serviceTypeColumns+`)
		SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bool[], $6::int[], $7::int[], $8::int[])
		ON CONFLICT (tenant_id, code) DO NOTHING`, tenantOf(ctx), codes, zh, en, field, respond, arrive, complete)
	return translate(err, "service type")
}

const faultCodeColumns = `kind, code, parent_code, product_line, name_zh, name_en`

func scanFaultCode(row pgx.Row) (*core.FaultCode, error) {
	f := &core.FaultCode{}
	return f, row.Scan(&f.Kind, &f.Code, &f.ParentCode, &f.ProductLine, &f.NameZh, &f.NameEn)
}

// faultKey names a fault code within the tenant.
func faultKey(kind, code string) string { return kind + ":" + code }

// knownFaultCode is what the checks need of a stored or importable code.
type knownFaultCode struct {
	productLine *string
}

// placeFaultCode checks f against its parent (nil: not found) and the
// product lines that exist, and takes the parent's line when f has none.
func placeFaultCode(f *core.FaultCode, parent *knownFaultCode, lineExists func(string) bool) error {
	if f.ParentCode != nil {
		if parent == nil {
			return core.FieldError("parent_code", "no %s code %q", f.Kind, *f.ParentCode)
		}
		if pl := parent.productLine; pl != nil {
			if f.ProductLine == nil {
				f.ProductLine = pl
			} else if *f.ProductLine != *pl {
				return core.FieldError("product_line", "must be %s, the product line of parent %s", *pl, *f.ParentCode)
			}
		}
	}
	if f.ProductLine != nil && !lineExists(*f.ProductLine) {
		return core.FieldError("product_line", "no product line %q", *f.ProductLine)
	}
	return nil
}

// CreateFaultCode implements core.CatalogService.
func (s *Store) CreateFaultCode(ctx context.Context, f core.FaultCode) (*core.FaultCode, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var parent *knownFaultCode
	if f.ParentCode != nil {
		var p knownFaultCode
		err := q.QueryRow(ctx, `SELECT product_line FROM fault_codes WHERE kind = $1 AND code = $2`, f.Kind, *f.ParentCode).Scan(&p.productLine)
		if err == nil {
			parent = &p
		} else if core.ErrorCode(translate(err, "")) != core.ENOTFOUND {
			return nil, err
		}
	}
	lines, err := existingProductLines(ctx, q, []*string{f.ProductLine, lineOf(parent)})
	if err != nil {
		return nil, err
	}
	if err := placeFaultCode(&f, parent, func(l string) bool { return lines[l] }); err != nil {
		return nil, err
	}
	out, err := scanFaultCode(q.QueryRow(ctx, `INSERT INTO fault_codes (tenant_id, `+faultCodeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+faultCodeColumns,
		tenantOf(ctx), f.Kind, f.Code, f.ParentCode, f.ProductLine, f.NameZh, f.NameEn))
	return out, translate(err, f.Kind+" code "+f.Code)
}

func lineOf(k *knownFaultCode) *string {
	if k == nil {
		return nil
	}
	return k.productLine
}

// existingProductLines returns which of the named product lines exist.
func existingProductLines(ctx context.Context, q querier, names []*string) (map[string]bool, error) {
	var list []string
	for _, n := range names {
		if n != nil {
			list = append(list, *n)
		}
	}
	out := map[string]bool{}
	if len(list) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT code FROM product_lines WHERE code = ANY($1)`, list)
	if err != nil {
		return nil, err
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, c := range codes {
		out[c] = true
	}
	return out, err
}

// FindFaultCodes implements core.CatalogService.
func (s *Store) FindFaultCodes(ctx context.Context, f core.FaultCodeFilter) ([]*core.FaultCode, string, error) {
	afterKind, afterCode := "", ""
	if f.After != "" {
		var ok bool
		if afterKind, afterCode, ok = strings.Cut(f.After, ":"); !ok {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	q, err := s.q(ctx)
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
	out, next := nextPage(out, limit, func(r *core.FaultCode) string { return faultKey(r.Kind, r.Code) })
	return out, next, nil
}

// CheckFaultCodes implements core.CatalogService.
func (s *Store) CheckFaultCodes(ctx context.Context, productLine string, codes map[string]string) error {
	var kinds, list []string
	for k, c := range codes {
		if !core.IsFaultKind(k) {
			return core.FieldError("fault_codes", "unknown fault code kind %q", k)
		}
		if c != "" {
			kinds, list = append(kinds, k), append(list, c)
		}
	}
	if len(list) == 0 {
		return nil
	}
	q, err := s.q(ctx)
	if err != nil {
		return err
	}
	found, err := findFaultCodes(ctx, q, kinds, list)
	if err != nil {
		return err
	}
	for _, k := range core.FaultKinds() { // a stable order: the first problem is always the same one
		c := codes[k]
		if c == "" {
			continue
		}
		known, ok := found[faultKey(k, c)]
		if !ok {
			return core.FieldError(k+"_code", "unknown %s code %q", k, c)
		}
		if !core.FitsLine(known.productLine, productLine) {
			return core.FieldError(k+"_code", "%s code %q is for product line %s, not %s", k, c, *known.productLine, productLine)
		}
	}
	return nil
}

// findFaultCodes loads the stored codes among the (kind, code) pairs.
func findFaultCodes(ctx context.Context, q querier, kinds, codes []string) (map[string]*knownFaultCode, error) {
	out := map[string]*knownFaultCode{}
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT kind, code, product_line FROM fault_codes
		WHERE (kind, code) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, kinds, codes)
	if err != nil {
		return nil, err
	}
	var kind, code string
	var line *string
	_, err = pgx.ForEachRow(rows, []any{&kind, &code, &line}, func() error {
		k := &knownFaultCode{}
		if line != nil { // the scan target is reused: copy the value out
			l := *line
			k.productLine = &l
		}
		out[faultKey(kind, code)] = k
		return nil
	})
	return out, err
}

// faultImportChunk bounds the rows of one bulk statement.
const faultImportChunk = 5000

// ImportFaultCodes implements core.CatalogService. Stored codes, parents
// and product lines are looked up in two queries; rows are then placed in
// memory, parents first (a code whose parent comes later in the file, or
// whose parent is another row of it, is fine), and inserted in that order.
func (s *Store) ImportFaultCodes(ctx context.Context, rows []core.FaultCodeImportRow) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	var valid []core.FaultCodeImportRow
	for _, r := range rows {
		if err := r.Code.Validate(); err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		valid = append(valid, r)
	}
	valid = core.DedupeRows(valid, func(r core.FaultCodeImportRow) string { return faultKey(r.Code.Kind, r.Code.Code) },
		func(r core.FaultCodeImportRow) int { return r.Row }, "code", rep)
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	var kinds, codes []string
	var lines []*string
	for _, r := range valid {
		kinds, codes, lines = append(kinds, r.Code.Kind), append(codes, r.Code.Code), append(lines, r.Code.ProductLine)
		if r.Code.ParentCode != nil {
			kinds, codes = append(kinds, r.Code.Kind), append(codes, *r.Code.ParentCode)
		}
	}
	stored, err := findFaultCodes(ctx, q, kinds, codes)
	if err != nil {
		return nil, err
	}
	for _, k := range stored {
		lines = append(lines, k.productLine)
	}
	existingLines, err := existingProductLines(ctx, q, lines)
	if err != nil {
		return nil, err
	}
	p := faultPlacer{stored: stored, lines: existingLines, rows: map[string]*core.FaultCodeImportRow{},
		state: map[string]int{}, rep: rep}
	for i := range valid {
		p.rows[faultKey(valid[i].Code.Kind, valid[i].Code.Code)] = &valid[i]
	}
	for i := range valid {
		p.place(&valid[i])
	}
	for start := 0; start < len(p.order); start += faultImportChunk {
		if err := insertFaultCodes(ctx, q, tenantOf(ctx), p.order[start:min(start+faultImportChunk, len(p.order))]); err != nil {
			return nil, err
		}
	}
	rep.Created = len(p.order)
	rep.Finish()
	return rep, nil
}

// faultPlacer orders imported codes parents first, depth first.
type faultPlacer struct {
	stored map[string]*knownFaultCode
	lines  map[string]bool
	rows   map[string]*core.FaultCodeImportRow
	state  map[string]int // 1: being placed, 2: placed, 3: failed
	order  []*core.FaultCode
	rep    *core.ImportReport
}

// place places the row after its parent; it reports whether it could.
func (p *faultPlacer) place(r *core.FaultCodeImportRow) bool {
	f := &r.Code
	key := faultKey(f.Kind, f.Code)
	switch p.state[key] {
	case 1:
		p.fail(r, core.FieldError("parent_code", "%s codes %s and its parents form a loop", f.Kind, f.Code))
		return false
	case 2:
		return true
	case 3:
		return false
	}
	if p.stored[key] != nil {
		p.fail(r, core.FieldError("code", "%s code %s already exists", f.Kind, f.Code))
		return false
	}
	p.state[key] = 1
	var parent *knownFaultCode
	if f.ParentCode != nil {
		pk := faultKey(f.Kind, *f.ParentCode)
		if pr, inFile := p.rows[pk]; inFile && p.stored[pk] == nil {
			if !p.place(pr) {
				if p.state[key] == 1 {
					p.fail(r, core.FieldError("parent_code", "parent %s (row %d) was not imported", *f.ParentCode, pr.Row))
				}
				return false
			}
			parent = &knownFaultCode{productLine: pr.Code.ProductLine}
		} else {
			parent = p.stored[pk]
		}
	}
	if err := placeFaultCode(f, parent, func(l string) bool { return p.lines[l] }); err != nil {
		p.fail(r, err)
		return false
	}
	p.state[key] = 2
	p.order = append(p.order, f)
	return true
}

func (p *faultPlacer) fail(r *core.FaultCodeImportRow, err error) {
	p.state[faultKey(r.Code.Kind, r.Code.Code)] = 3
	p.rep.Fail(r.Row, err)
}

// insertFaultCodes inserts codes in the given order, parents first.
func insertFaultCodes(ctx context.Context, q querier, tenant uuid.UUID, codes []*core.FaultCode) error {
	n := len(codes)
	kinds, cs, zh, en := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	parents, lines := make([]*string, n), make([]*string, n)
	for i, f := range codes {
		kinds[i], cs[i], parents[i], lines[i], zh[i], en[i] = f.Kind, f.Code, f.ParentCode, f.ProductLine, f.NameZh, f.NameEn
	}
	_, err := q.Exec(ctx, `INSERT INTO fault_codes (tenant_id, `+faultCodeColumns+`)
		SELECT $1, kind, code, parent, line, zh, en
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
			AS x(kind, code, parent, line, zh, en, n)
		ORDER BY n`, tenant, kinds, cs, parents, lines, zh, en)
	return translate(err, "fault code")
}
