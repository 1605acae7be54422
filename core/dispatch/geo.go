package dispatch

import "math"

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

const rad = math.Pi / 180

// DistanceKm is the great-circle (haversine) distance between a and b.
func DistanceKm(a, b Point) float64 {
	φ1, φ2 := a.Lat*rad, b.Lat*rad
	sφ := math.Sin((φ2 - φ1) / 2)
	sλ := math.Sin((b.Lon - a.Lon) * rad / 2) // sin² is 360°-periodic: the antimeridian needs no care
	h := sφ*sφ + math.Cos(φ1)*math.Cos(φ2)*sλ*sλ
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}

// bboxMargin widens every bounding box by about a centimetre so that points
// on an area's boundary, which belong to the area, are never cut off by
// rounding in the box arithmetic.
const bboxMargin = 1e-7

// bbox is a latitude/longitude box. Longitudes may run past ±180 (a box
// crossing the antimeridian); fullLon marks a box that wraps the globe (a cap
// over a pole).
type bbox struct {
	latMin, latMax float64
	lonMin, lonMax float64
	fullLon        bool
}

func (b bbox) contains(p Point) bool {
	if p.Lat < b.latMin || p.Lat > b.latMax {
		return false
	}
	if b.fullLon {
		return true
	}
	return (p.Lon >= b.lonMin && p.Lon <= b.lonMax) ||
		(p.Lon+360 >= b.lonMin && p.Lon+360 <= b.lonMax) ||
		(p.Lon-360 >= b.lonMin && p.Lon-360 <= b.lonMax)
}

// capBBox bounds the spherical cap of radius r km around c. The longitude
// half-width asin(sin δ / cos φ) is the cap's exact widest extent; when the
// cap reaches a pole it spans every longitude.
func capBBox(c Point, r float64) bbox {
	δ := r / earthRadiusKm
	dLat := δ / rad
	b := bbox{latMin: c.Lat - dLat - bboxMargin, latMax: c.Lat + dLat + bboxMargin}
	if b.latMax >= 90 || b.latMin <= -90 {
		b.fullLon = true
	} else {
		dLon := math.Asin(math.Sin(δ)/math.Cos(c.Lat*rad)) / rad
		b.lonMin, b.lonMax = c.Lon-dLon-bboxMargin, c.Lon+dLon+bboxMargin
		b.fullLon = b.lonMax-b.lonMin >= 360
	}
	b.latMin, b.latMax = max(b.latMin, -90), min(b.latMax, 90)
	return b
}

// polygon is a polygon area prepared for point tests: the closing vertex
// dropped and, for one crossing the antimeridian, negative longitudes
// shifted by +360 so that its edges are continuous.
type polygon struct {
	pts []Point
	box bbox
}

// newPolygon prepares pts; ok is false when the polygon has fewer than three
// distinct vertices or spans more than 180° of longitude even unwrapped.
func newPolygon(pts []Point) (polygon, bool) {
	if n := len(pts); n > 1 && pts[0] == pts[n-1] {
		pts = pts[:n-1]
	}
	if len(pts) < 3 {
		return polygon{}, false
	}
	p := polygon{pts: append([]Point(nil), pts...)}
	if span(p.pts) > 180 {
		for i := range p.pts {
			if p.pts[i].Lon < 0 {
				p.pts[i].Lon += 360
			}
		}
		if span(p.pts) > 180 {
			return polygon{}, false
		}
	}
	b := bbox{latMin: 90, latMax: -90, lonMin: 540, lonMax: -540}
	for _, q := range p.pts {
		b.latMin, b.latMax = min(b.latMin, q.Lat), max(b.latMax, q.Lat)
		b.lonMin, b.lonMax = min(b.lonMin, q.Lon), max(b.lonMax, q.Lon)
	}
	if b.latMin == b.latMax || b.lonMin == b.lonMax {
		return polygon{}, false // all vertices on one line: no area
	}
	b.latMin, b.latMax = max(b.latMin-bboxMargin, -90), min(b.latMax+bboxMargin, 90)
	b.lonMin, b.lonMax = b.lonMin-bboxMargin, b.lonMax+bboxMargin
	p.box = b
	return p, true
}

func span(pts []Point) float64 {
	lo, hi := pts[0].Lon, pts[0].Lon
	for _, q := range pts[1:] {
		lo, hi = min(lo, q.Lon), max(hi, q.Lon)
	}
	return hi - lo
}

// edgeTolerance is how close (in degrees, about 0.1 mm) to an edge a point
// counts as on it, so that a vertex or edge point given with rounding still
// belongs to the area.
const edgeTolerance = 1e-9

// contains reports whether q is inside the polygon or on its boundary. q is
// tried at each of its longitudes (lon, lon±360) that falls in the polygon's
// box, so an unwrapped polygon and the meridian ±180 work.
func (p polygon) contains(q Point) bool {
	if q.Lat < p.box.latMin || q.Lat > p.box.latMax {
		return false
	}
	for _, lon := range [3]float64{q.Lon, q.Lon + 360, q.Lon - 360} {
		if lon >= p.box.lonMin && lon <= p.box.lonMax && p.containsPlanar(Point{q.Lat, lon}) {
			return true
		}
	}
	return false
}

// containsPlanar tests the boundary first, then counts crossings of a ray
// towards +lon with the half-open rule (an edge counts when exactly one end
// lies strictly above q), which counts a ray through a vertex once and
// ignores horizontal edges.
func (p polygon) containsPlanar(q Point) bool {
	in := false
	for i, j := 0, len(p.pts)-1; i < len(p.pts); j, i = i, i+1 {
		a, b := p.pts[j], p.pts[i]
		if onSegment(a, b, q) {
			return true
		}
		if (a.Lat > q.Lat) != (b.Lat > q.Lat) {
			x := a.Lon + (q.Lat-a.Lat)*(b.Lon-a.Lon)/(b.Lat-a.Lat)
			if q.Lon < x {
				in = !in
			}
		}
	}
	return in
}

func onSegment(a, b, q Point) bool {
	if q.Lon < min(a.Lon, b.Lon)-edgeTolerance || q.Lon > max(a.Lon, b.Lon)+edgeTolerance ||
		q.Lat < min(a.Lat, b.Lat)-edgeTolerance || q.Lat > max(a.Lat, b.Lat)+edgeTolerance {
		return false
	}
	dx, dy := b.Lon-a.Lon, b.Lat-a.Lat
	cross := dx*(q.Lat-a.Lat) - dy*(q.Lon-a.Lon)
	return math.Abs(cross) <= edgeTolerance*math.Hypot(dx, dy)
}

// The grid: cellDeg-degree cells, row-major from the south pole and the
// antimeridian. At 0.25° a cell is about 28 × 24 km in China, so a query
// cell holds the sites of one metropolitan area.
const (
	cellDeg  = 0.25
	gridRows = int(180 / cellDeg)
	gridCols = int(360 / cellDeg)
)

func cellRow(lat float64) int {
	return min(max(int(math.Floor((lat+90)/cellDeg)), 0), gridRows-1)
}

// cellCol wraps: lon 180 and -180 share a column, as do unwrapped
// longitudes past ±180.
func cellCol(lon float64) int {
	return wrapCol(int(math.Floor((lon + 180) / cellDeg)))
}

func wrapCol(c int) int { return ((c % gridCols) + gridCols) % gridCols }

func cellKey(row, col int) uint32 { return uint32(row*gridCols + col) }

func pointCell(p Point) uint32 { return cellKey(cellRow(p.Lat), cellCol(p.Lon)) }

// eachCell calls fn with every cell the box touches.
func (b bbox) eachCell(fn func(uint32)) {
	r0, r1 := cellRow(b.latMin), cellRow(b.latMax)
	c0 := int(math.Floor((b.lonMin + 180) / cellDeg))
	c1 := int(math.Floor((b.lonMax + 180) / cellDeg))
	if b.fullLon || c1-c0+1 >= gridCols {
		c0, c1 = 0, gridCols-1
	}
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			fn(cellKey(r, wrapCol(c)))
		}
	}
}
