package coretest

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
)

// catalogRepo implements catalog.Repository on a tenant of Customers.
type catalogRepo struct{ t *CustomerTenant }

func (r catalogRepo) InsertProductLine(_ context.Context, l *core.ProductLine) error {
	if _, ok := r.t.Lines[l.Code]; ok {
		return core.Errorf(core.ECONFLICT, "product line %s already exists", l.Code)
	}
	r.t.Lines[l.Code] = *l
	return nil
}

func (r catalogRepo) FindProductLines(_ context.Context, f core.ProductLineFilter) ([]*core.ProductLine, string, error) {
	var out []*core.ProductLine
	for _, l := range r.t.Lines {
		if l.Code > f.After && (f.Status == "" || l.Status == f.Status) {
			out = append(out, &l)
		}
	}
	slices.SortFunc(out, func(a, b *core.ProductLine) int { return cmp.Compare(a.Code, b.Code) })
	return cutPage(out, f.Limit, func(l *core.ProductLine) string { return l.Code })
}

func (r catalogRepo) FindProductLine(_ context.Context, code string) (*core.ProductLine, error) {
	l, ok := r.t.Lines[code]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "product line not found")
	}
	return &l, nil
}

func (r catalogRepo) UpdateProductLine(_ context.Context, l *core.ProductLine) (*core.ProductLine, error) {
	cur, ok := r.t.Lines[l.Code]
	if !ok || cur.Version != l.Version {
		return nil, core.Errorf(core.ENOTFOUND, "product line not found")
	}
	next := *l
	next.Version++
	r.t.Lines[l.Code] = next
	return &next, nil
}

func (r catalogRepo) ProductLines(_ context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, c := range codes {
		if _, ok := r.t.Lines[c]; ok {
			out[c] = true
		}
	}
	return out, nil
}

func (r catalogRepo) InsertProductModel(_ context.Context, m *core.ProductModel) (*core.ProductModel, error) {
	for _, o := range r.t.Models {
		if o.Code == m.Code {
			return nil, core.Errorf(core.ECONFLICT, "product model %s already exists", m.Code)
		}
	}
	r.t.Models[m.ID] = *m
	out := *m
	return &out, nil
}

func (r catalogRepo) FindProductModels(_ context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	var out []*core.ProductModel
	for _, m := range r.t.Models {
		if m.Code > f.After && (f.ProductLine == "" || m.ProductLine == f.ProductLine) && (f.Status == "" || m.Status == f.Status) {
			out = append(out, &m)
		}
	}
	slices.SortFunc(out, func(a, b *core.ProductModel) int { return cmp.Compare(a.Code, b.Code) })
	return cutPage(out, f.Limit, func(m *core.ProductModel) string { return m.Code })
}

func (r catalogRepo) FindProductModelByID(_ context.Context, id uuid.UUID) (*core.ProductModel, error) {
	m, ok := r.t.Models[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "product model not found")
	}
	return &m, nil
}

func (r catalogRepo) UpdateProductModel(_ context.Context, m *core.ProductModel) (*core.ProductModel, error) {
	cur, ok := r.t.Models[m.ID]
	if !ok || cur.Version != m.Version {
		return nil, core.Errorf(core.ENOTFOUND, "product model not found")
	}
	for _, o := range r.t.Models {
		if o.Code == m.Code && o.ID != m.ID {
			return nil, core.Errorf(core.ECONFLICT, "product model %s already exists", m.Code)
		}
	}
	next := *m
	next.Version++
	r.t.Models[m.ID] = next
	return &next, nil
}

func (r catalogRepo) FindServiceType(_ context.Context, code string) (*core.ServiceType, error) {
	t, ok := r.t.ServiceTypes[code]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "service type not found")
	}
	return &t, nil
}

func (r catalogRepo) PutServiceType(_ context.Context, t *core.ServiceType) (bool, error) {
	_, exists := r.t.ServiceTypes[t.Code]
	r.t.ServiceTypes[t.Code] = *t
	return !exists, nil
}

func (r catalogRepo) AddServiceTypes(types []core.ServiceType) {
	for _, t := range types {
		if _, ok := r.t.ServiceTypes[t.Code]; !ok {
			r.t.ServiceTypes[t.Code] = t
		}
	}
}

func (r catalogRepo) FindServiceTypes(_ context.Context, after string, limit int) ([]*core.ServiceType, string, error) {
	var out []*core.ServiceType
	for _, t := range r.t.ServiceTypes {
		if t.Code > after {
			out = append(out, &t)
		}
	}
	slices.SortFunc(out, func(a, b *core.ServiceType) int { return cmp.Compare(a.Code, b.Code) })
	return cutPage(out, limit, func(t *core.ServiceType) string { return t.Code })
}

func (r catalogRepo) FaultCodeLines(_ context.Context, keys []catalog.FaultKey) (map[catalog.FaultKey]*string, error) {
	out := map[catalog.FaultKey]*string{}
	for _, k := range keys {
		if f, ok := r.t.FaultCodes[k]; ok {
			out[k] = f.ProductLine
		}
	}
	return out, nil
}

func (r catalogRepo) InsertFaultCode(_ context.Context, f *core.FaultCode) (*core.FaultCode, error) {
	k := catalog.FaultKey{Kind: f.Kind, Code: f.Code}
	if _, ok := r.t.FaultCodes[k]; ok {
		return nil, core.Errorf(core.ECONFLICT, "%s code %s already exists", f.Kind, f.Code)
	}
	r.t.FaultCodes[k] = *f
	out := *f
	return &out, nil
}

func (r catalogRepo) InsertFaultCodes(codes []*core.FaultCode) {
	for _, f := range codes {
		r.t.FaultCodes[catalog.FaultKey{Kind: f.Kind, Code: f.Code}] = *f
	}
}

func (r catalogRepo) FindFaultCodes(_ context.Context, f core.FaultCodeFilter) ([]*core.FaultCode, string, error) {
	var after catalog.FaultKey
	if f.After != "" {
		var ok bool
		if after.Kind, after.Code, ok = strings.Cut(f.After, ":"); !ok {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
	}
	byKey := func(a, b *core.FaultCode) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Code, b.Code))
	}
	var out []*core.FaultCode
	for _, c := range r.t.FaultCodes {
		switch {
		case byKey(&c, &core.FaultCode{Kind: after.Kind, Code: after.Code}) <= 0,
			f.Kind != "" && c.Kind != f.Kind,
			f.ProductLine != "" && c.ProductLine != nil && *c.ProductLine != f.ProductLine,
			f.Parent != "" && (c.ParentCode == nil || *c.ParentCode != f.Parent),
			f.RootsOnly && c.ParentCode != nil:
			continue
		}
		out = append(out, &c)
	}
	slices.SortFunc(out, byKey)
	return cutPage(out, f.Limit, func(c *core.FaultCode) string { return c.Kind + ":" + c.Code })
}

// settingsRepo implements settings.Repository on a tenant of Customers.
type settingsRepo struct{ t *CustomerTenant }

func (r settingsRepo) FindSettings(context.Context) (*core.TenantSettings, error) {
	if r.t.Settings == nil {
		return nil, core.Errorf(core.ENOTFOUND, "settings not found")
	}
	out := *r.t.Settings
	if out.Calendar != nil {
		cal := *out.Calendar
		out.Calendar = &cal
	}
	return &out, nil
}

func (r settingsRepo) TimeZone(context.Context) (string, error) { return r.t.TimeZone, nil }

func (r settingsRepo) SaveSettings(s *core.TenantSettings) {
	c := *s
	r.t.Settings = &c
}
