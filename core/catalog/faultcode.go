package catalog

import (
	"context"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateFaultCode: EINVALID for bad fields, an unknown parent (of the same
// kind) or product line, or a product line other than the parent's;
// ECONFLICT for a taken code. A code under a parent with a product line
// takes the parent's line when it names none.
func (s *Service) CreateFaultCode(ctx context.Context, u core.UnitOfWork, f core.FaultCode) (*core.FaultCode, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Catalog(u)
	var parent *storedCode
	if f.ParentCode != nil {
		found, err := repo.FaultCodeLines(ctx, []FaultKey{{f.Kind, *f.ParentCode}})
		if err != nil {
			return nil, err
		}
		if line, ok := found[FaultKey{f.Kind, *f.ParentCode}]; ok {
			parent = &storedCode{productLine: line}
		}
	}
	lines, err := repo.ProductLines(ctx, lineCodes(f.ProductLine, parent.line()))
	if err != nil {
		return nil, err
	}
	if err := placeFaultCode(&f, parent, func(l string) bool { return lines[l] }); err != nil {
		return nil, err
	}
	out, err := repo.InsertFaultCode(ctx, &f)
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResFaultCode, out.Kind+":"+out.Code, nil, out)
	return out, nil
}

// FindFaultCodes lists codes ordered by kind and code; EINVALID for a bad
// cursor.
func (s *Service) FindFaultCodes(ctx context.Context, u core.UnitOfWork, f core.FaultCodeFilter) ([]*core.FaultCode, string, error) {
	return s.store.Catalog(u).FindFaultCodes(ctx, f)
}

// CheckFaultCodes checks the codes (kind → code; empty codes are skipped)
// picked for an order of productLine: EINVALID naming the first unknown
// code, in the order of core.FaultKinds, or one that belongs to another
// product line, or an unknown kind.
func (s *Service) CheckFaultCodes(ctx context.Context, u core.UnitOfWork, productLine string, codes map[string]string) error {
	var keys []FaultKey
	for k, c := range codes {
		if !core.IsFaultKind(k) {
			return core.FieldError("fault_codes", "unknown fault code kind %q", k)
		}
		if c != "" {
			keys = append(keys, FaultKey{k, c})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	found, err := s.store.Catalog(u).FaultCodeLines(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range core.FaultKinds() { // a stable order: the first problem is always the same one
		c := codes[k]
		if c == "" {
			continue
		}
		line, ok := found[FaultKey{k, c}]
		if !ok {
			return core.FieldError(k+"_code", "unknown %s code %q", k, c)
		}
		if !core.FitsLine(line, productLine) {
			return core.FieldError(k+"_code", "%s code %q is for product line %s, not %s", k, c, *line, productLine)
		}
	}
	return nil
}

// storedCode is what placing a code needs of its parent, stored or
// imported with it.
type storedCode struct {
	productLine *string
}

func (c *storedCode) line() *string {
	if c == nil {
		return nil
	}
	return c.productLine
}

// lineCodes lists the product lines named.
func lineCodes(names ...*string) []string {
	var out []string
	for _, n := range names {
		if n != nil {
			out = append(out, *n)
		}
	}
	return out
}

// placeFaultCode checks f against its parent (nil: not found) and the
// product lines that exist, and takes the parent's line when f has none.
func placeFaultCode(f *core.FaultCode, parent *storedCode, lineExists func(string) bool) error {
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
