package catalog

import (
	"context"

	"github.com/aftersales/aftersales/core"
)

// ImportFaultCodes creates the valid rows, parents before children
// whatever their order in the file, and reports the others (a code that
// exists already is a failed row, and so is a repeat of a code in the
// file); the report's Total is len(rows). Stored codes and product lines
// are read in two reads; rows are then placed in memory, parents first,
// depth first, and stored in that order.
func (s *Service) ImportFaultCodes(ctx context.Context, u core.UnitOfWork, rows []core.FaultCodeImportRow) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	var valid []core.FaultCodeImportRow
	for _, r := range rows {
		if err := r.Code.Validate(); err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		valid = append(valid, r)
	}
	valid = core.DedupeRows(valid, func(r core.FaultCodeImportRow) string { return faultKey(r.Code.Kind, r.Code.Code).cursor() },
		func(r core.FaultCodeImportRow) int { return r.Row }, "code", rep)
	repo := s.store.Catalog(u)
	var keys []FaultKey
	var lines []*string
	for _, r := range valid {
		keys, lines = append(keys, faultKey(r.Code.Kind, r.Code.Code)), append(lines, r.Code.ProductLine)
		if r.Code.ParentCode != nil {
			keys = append(keys, faultKey(r.Code.Kind, *r.Code.ParentCode))
		}
	}
	stored := map[FaultKey]*string{}
	if len(keys) > 0 {
		var err error
		if stored, err = repo.FaultCodeLines(ctx, keys); err != nil {
			return nil, err
		}
	}
	for _, l := range stored {
		lines = append(lines, l)
	}
	existingLines := map[string]bool{}
	if names := lineCodes(lines...); len(names) > 0 {
		var err error
		if existingLines, err = repo.ProductLines(ctx, names); err != nil {
			return nil, err
		}
	}
	p := faultPlacer{stored: stored, lines: existingLines, rows: map[FaultKey]*core.FaultCodeImportRow{},
		state: map[FaultKey]int{}, rep: rep}
	for i := range valid {
		p.rows[faultKey(valid[i].Code.Kind, valid[i].Code.Code)] = &valid[i]
	}
	for i := range valid {
		p.place(&valid[i])
	}
	if len(p.order) > 0 {
		repo.InsertFaultCodes(p.order)
	}
	rep.Created = len(p.order)
	rep.Finish()
	return rep, nil
}

func faultKey(kind, code string) FaultKey { return FaultKey{Kind: kind, Code: code} }

// cursor is the key as written in a list's cursor and in the import's
// duplicate check.
func (k FaultKey) cursor() string { return k.Kind + ":" + k.Code }

// Placing states of an imported code.
const (
	placing = iota + 1
	placed
	failed
)

// faultPlacer orders imported codes parents first, depth first.
type faultPlacer struct {
	stored map[FaultKey]*string // stored codes' product lines
	lines  map[string]bool
	rows   map[FaultKey]*core.FaultCodeImportRow
	state  map[FaultKey]int
	order  []*core.FaultCode
	rep    *core.ImportReport
}

// place places the row after its parent; it reports whether it could.
func (p *faultPlacer) place(r *core.FaultCodeImportRow) bool {
	f := &r.Code
	key := faultKey(f.Kind, f.Code)
	switch p.state[key] {
	case placing:
		p.fail(r, core.FieldError("parent_code", "%s codes %s and its parents form a loop", f.Kind, f.Code))
		return false
	case placed:
		return true
	case failed:
		return false
	}
	if _, ok := p.stored[key]; ok {
		p.fail(r, core.FieldError("code", "%s code %s already exists", f.Kind, f.Code))
		return false
	}
	p.state[key] = placing
	var parent *storedCode
	if f.ParentCode != nil {
		pk := faultKey(f.Kind, *f.ParentCode)
		_, isStored := p.stored[pk]
		if pr, inFile := p.rows[pk]; inFile && !isStored {
			if !p.place(pr) {
				if p.state[key] == placing {
					p.fail(r, core.FieldError("parent_code", "parent %s (row %d) was not imported", *f.ParentCode, pr.Row))
				}
				return false
			}
			parent = &storedCode{productLine: pr.Code.ProductLine}
		} else if isStored {
			parent = &storedCode{productLine: p.stored[pk]}
		}
	}
	if err := placeFaultCode(f, parent, func(l string) bool { return p.lines[l] }); err != nil {
		p.fail(r, err)
		return false
	}
	p.state[key] = placed
	p.order = append(p.order, f)
	return true
}

func (p *faultPlacer) fail(r *core.FaultCodeImportRow, err error) {
	p.state[faultKey(r.Code.Kind, r.Code.Code)] = failed
	p.rep.Fail(r.Row, err)
}
