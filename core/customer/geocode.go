package customer

import (
	"context"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/district"
)

// Geocoder finds the point of an address for a tenant: the seam through
// which precise geocoding comes in. The platform's own, DistrictGeocoder,
// knows only the divisions' representative points, so its points are
// approximate.
//
// A tenant plugin that geocodes (a map provider's API, the manufacturer's
// own address book) plugs in here: an implementation that calls the
// tenant's plugin through the plugin host (core/plugin, as dispatch rules
// are called through core.PluginHost) and falls back to DistrictGeocoder
// when the tenant has none, the plugin fails or finds nothing, set as
// Config.Geocoder in cmd/wire. It must convert what the provider returns
// to WGS-84 (district.ToWGS84) and must not fail the customer's change
// because the provider is down.
type Geocoder interface {
	// Geocode returns the WGS-84 point of the address; ok is false when it
	// knows none. The Unit of work identifies the tenant.
	Geocode(ctx context.Context, u core.UnitOfWork, q GeocodeQuery) (GeocodeResult, bool, error)
}

// GeocodeQuery is an address to place: its text as typed and the
// division it was parsed to (or the client gave), "" when none is known.
type GeocodeQuery struct {
	Text         string
	DivisionCode string
}

// GeocodeResult is a point found for an address.
type GeocodeResult struct {
	Lat, Lon float64
	// Approximate is true when the point is not the address's own (a
	// division's representative point).
	Approximate bool
}

// DistrictGeocoder is the default Geocoder: the representative point of
// the address's division (core/district), approximate.
type DistrictGeocoder struct{}

// Geocode implements Geocoder.
func (DistrictGeocoder) Geocode(_ context.Context, _ core.UnitOfWork, q GeocodeQuery) (GeocodeResult, bool, error) {
	d, ok := district.Default().Lookup(q.DivisionCode)
	if !ok || !d.HasPoint {
		return GeocodeResult{}, false, nil
	}
	return GeocodeResult{Lat: d.Lat, Lon: d.Lon, Approximate: true}, true, nil
}

// locate fills in the divisions of placed addresses (given in the same
// order): those the client gave (DistrictCode, checked by Normalize), else
// those the text parses to, an ambiguous text leaving them empty with its
// candidates; and, for an address without a coordinate, the point the
// geocoder finds.
func (s *Service) locate(ctx context.Context, u core.UnitOfWork, given []core.NewCustomerAddress, placed []core.CustomerAddress) error {
	t := district.Default()
	for i := range placed {
		a := &placed[i]
		if code := given[i].DistrictCode; code != "" {
			setDivisions(t, a, code)
			a.ParseConfidence = 1
		} else {
			p := t.Parse(a.Address)
			a.ParseConfidence = p.Confidence
			if p.Ambiguous() {
				a.Candidates = make([]core.DivisionCandidate, len(p.Candidates))
				for k, c := range p.Candidates {
					a.Candidates[k] = core.DivisionCandidate{Province: core.DivisionRef(c.Province),
						City: core.DivisionRef(c.City), District: core.DivisionRef(c.District)}
				}
			} else {
				setDivisions(t, a, p.Code())
			}
		}
		if a.Lat != nil {
			continue
		}
		g, ok, err := s.geocoder.Geocode(ctx, u, GeocodeQuery{Text: a.Address, DivisionCode: a.DivisionCode()})
		if err != nil {
			return err
		}
		if ok {
			lat, lon := g.Lat, g.Lon
			a.Lat, a.Lon, a.LocationApproximate = &lat, &lon, g.Approximate
		}
	}
	return nil
}

// setDivisions sets a's province, city and district from a division code
// (a pseudo city, 省直辖县级行政区划, is left out).
func setDivisions(t *district.Table, a *core.CustomerAddress, code string) {
	p, c, d := t.Chain(code)
	a.Province, a.City, a.District = core.DivisionRef{}, core.DivisionRef{}, core.DivisionRef{}
	if p.Code != "" {
		a.Province = core.DivisionRef{Code: p.Code, Name: p.Name}
	}
	if c.Code != "" && !c.Pseudo {
		a.City = core.DivisionRef{Code: c.Code, Name: c.Name}
	}
	if d.Code != "" {
		a.District = core.DivisionRef{Code: d.Code, Name: d.Name}
	}
}

// NameDivisions fills in the names of an address's divisions from their
// stored codes (the adapters store codes only).
func NameDivisions(a *core.CustomerAddress) {
	t := district.Default()
	for _, r := range []*core.DivisionRef{&a.Province, &a.City, &a.District} {
		if d, ok := t.Lookup(r.Code); ok {
			r.Name = d.Name
		} else {
			r.Code = ""
		}
	}
}
