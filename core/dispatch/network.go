package dispatch

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Network is an immutable index of one tenant's sites and technicians: a
// latitude/longitude grid where each site is listed in every cell its area's
// bounding box touches, so the sites that can cover an address are all in
// the address's cell. It is safe for concurrent use; rebuild it (NewNetwork)
// to reflect changes, e.g. on a schedule or when a site's data changes.
type Network struct {
	sites []indexedSite
	boxes []bbox // boxes[i] bounds sites[i]'s area; kept apart for a cache-friendly scan
	byID  map[uuid.UUID]int32
	cells map[uint32][]int32
	techs [][]Technician // per site index, sorted by ID
	// byDivision lists, per division code, the sites covering it by
	// district, in site order.
	byDivision map[string][]int32
}

type indexedSite struct {
	Site
	poly   *polygon
	reach  float64 // km from Location to the farthest point of the area
	noArea bool    // covers by district only
}

// NewNetwork validates and indexes sites and technicians. It copies what it
// keeps, so the caller may reuse its slices. Errors wrap ErrInvalid: a
// coordinate out of range, an area that is neither a radius nor a polygon of
// three or more vertices spanning at most 180° of longitude, a duplicate ID,
// a technician of an unknown site.
func NewNetwork(sites []Site, technicians []Technician) (*Network, error) {
	n := &Network{
		sites:      make([]indexedSite, len(sites)),
		boxes:      make([]bbox, len(sites)),
		byID:       make(map[uuid.UUID]int32, len(sites)),
		cells:      map[uint32][]int32{},
		techs:      make([][]Technician, len(sites)),
		byDivision: map[string][]int32{},
	}
	for i, s := range sites {
		if err := validateSite(i, s); err != nil {
			return nil, err
		}
		if _, dup := n.byID[s.ID]; dup {
			return nil, invalid(fmt.Sprintf("sites[%d].id", i), "duplicate site %s", s.ID)
		}
		n.byID[s.ID] = int32(i)
		is := indexedSite{Site: cloneSite(s)}
		if len(s.Area.Polygon) > 0 {
			p, ok := newPolygon(s.Area.Polygon)
			if !ok {
				return nil, invalid(fmt.Sprintf("sites[%d].area.polygon", i),
					"needs three or more vertices not on one line, spanning at most 180° of longitude")
			}
			is.poly = &p
			n.boxes[i] = p.box
			for _, v := range s.Area.Polygon { // as given: p.pts may be unwrapped past ±180
				is.reach = max(is.reach, DistanceKm(s.Location, v))
			}
		} else {
			n.boxes[i] = capBBox(s.Location, s.Area.RadiusKm)
			is.reach = s.Area.RadiusKm
		}
		for _, d := range s.Districts {
			if l := n.byDivision[d.Code]; len(l) == 0 || l[len(l)-1] != int32(i) {
				n.byDivision[d.Code] = append(l, int32(i))
			}
		}
		if len(s.Area.Polygon) == 0 && s.Area.RadiusKm == 0 {
			is.noArea = true
			n.sites[i] = is
			continue
		}
		n.sites[i] = is
		n.boxes[i].eachCell(func(c uint32) { n.cells[c] = append(n.cells[c], int32(i)) })
	}
	for i, t := range technicians {
		if err := validateTechnician(i, t); err != nil {
			return nil, err
		}
		si, ok := n.byID[t.SiteID]
		if !ok {
			return nil, invalid(fmt.Sprintf("technicians[%d].site_id", i), "unknown site %s", t.SiteID)
		}
		t.Skills = slices.Clone(t.Skills)
		n.techs[si] = append(n.techs[si], t)
	}
	seen := make(map[uuid.UUID]struct{}, len(technicians))
	for _, ts := range n.techs {
		slices.SortFunc(ts, func(a, b Technician) int { return compareIDs(a.ID, b.ID) })
		for _, t := range ts {
			if _, dup := seen[t.ID]; dup {
				return nil, invalid("technicians", "duplicate technician %s", t.ID)
			}
			seen[t.ID] = struct{}{}
		}
	}
	for c, list := range n.cells {
		n.cells[c] = slices.Clip(list)
	}
	return n, nil
}

func cloneSite(s Site) Site {
	s.AuthorizedLines = slices.Clone(s.AuthorizedLines)
	s.Skills = slices.Clone(s.Skills)
	s.Area.Polygon = slices.Clone(s.Area.Polygon)
	s.Districts = slices.Clone(s.Districts)
	if s.LateRate != nil {
		r := *s.LateRate
		s.LateRate = &r
	}
	return s
}

// Len is the number of sites in the network.
func (n *Network) Len() int { return len(n.sites) }

// Site returns a copy of the site with the given ID.
func (n *Network) Site(id uuid.UUID) (Site, bool) {
	i, ok := n.byID[id]
	if !ok {
		return Site{}, false
	}
	return cloneSite(n.sites[i].Site), true
}

// SiteName is the name of the site with the given ID; "" when the
// network does not hold it.
func (n *Network) SiteName(id uuid.UUID) string {
	if i, ok := n.byID[id]; ok {
		return n.sites[i].Name
	}
	return ""
}

// TechnicianName is the name of a technician of the site; "" when the
// network does not hold it.
func (n *Network) TechnicianName(site, id uuid.UUID) string {
	si, ok := n.byID[site]
	if !ok {
		return ""
	}
	ts := n.techs[si]
	if j, found := slices.BinarySearchFunc(ts, id, func(t Technician, id uuid.UUID) int { return compareIDs(t.ID, id) }); found {
		return ts[j].Name
	}
	return ""
}

// near returns the indexes of the sites that may cover o: a superset of
// the covering sites, each once. Without a division code it is the grid
// cell's list, shared with the index (read-only); with one, a new list of
// the cell's sites and those covering the division, in site order.
func (n *Network) near(o Order) []int32 {
	cell := n.cells[pointCell(o.Location)]
	if o.DistrictCode == "" || len(n.byDivision) == 0 {
		return cell
	}
	codes := divisionCodes(o.DistrictCode)
	lists := [4][]int32{cell, n.byDivision[codes[0]], n.byDivision[codes[1]], n.byDivision[codes[2]]}
	if len(lists[1])+len(lists[2])+len(lists[3]) == 0 {
		return cell
	}
	var out []int32
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Coverage is how a site covers an address.
type coverage uint8

const (
	coverNone coverage = iota
	coverArea
	coverDistrict
	coverDistrictSecondary
)

// covers reports whether site i covers the order's address, how, and the
// distance from the site to it. Coverage by a primary district wins over
// the area, and the area over a secondary district. fast tests the site's
// bounding box first; the brute-force reference passes false so that it
// does not share the index's geometry.
func (n *Network) covers(i int32, o Order, fast bool) (float64, coverage) {
	s := &n.sites[i]
	by := coverNone
	if o.DistrictCode != "" {
		codes := divisionCodes(o.DistrictCode)
		for _, d := range s.Districts {
			if d.Code == codes[0] || d.Code == codes[1] || d.Code == codes[2] {
				if !d.Secondary {
					by = coverDistrict
					break
				}
				by = coverDistrictSecondary
			}
		}
	}
	if by == coverDistrict {
		return DistanceKm(s.Location, o.Location), by
	}
	if d, ok := n.coversArea(i, o.Location, fast); ok {
		return d, coverArea
	}
	if by != coverNone {
		return DistanceKm(s.Location, o.Location), by
	}
	return 0, coverNone
}

func (n *Network) coversArea(i int32, p Point, fast bool) (float64, bool) {
	s := &n.sites[i]
	if s.noArea {
		return 0, false
	}
	if fast && !n.boxes[i].contains(p) {
		return 0, false
	}
	if s.poly != nil {
		if !s.poly.contains(p) {
			return 0, false
		}
		return DistanceKm(s.Location, p), true
	}
	d := DistanceKm(s.Location, p)
	return d, d <= s.Area.RadiusKm
}

func compareIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
