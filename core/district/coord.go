package district

import (
	"errors"
	"math"
)

// CoordSystem is the datum a coordinate was given in. Chinese map providers
// publish positions in GCJ-02 (AutoNavi/Amap, Tencent, Google in China) or
// BD-09 (Baidu); the platform stores WGS-84.
type CoordSystem string

const (
	WGS84 CoordSystem = "wgs84"
	GCJ02 CoordSystem = "gcj02"
	BD09  CoordSystem = "bd09"
)

// ErrOutsideChina is returned when a GCJ-02 or BD-09 coordinate lies outside
// China: those systems exist only there, so such a coordinate is a mistake.
var ErrOutsideChina = errors.New("coordinate outside China for a system that exists only there")

// ErrUnknownSystem is returned for a coordinate system other than the three.
var ErrUnknownSystem = errors.New("unknown coordinate system (want wgs84, gcj02 or bd09)")

// ParseCoordSystem maps "", "wgs84", "gcj02", "bd09" (case-insensitive,
// dashes allowed) to a CoordSystem; "" is WGS-84.
func ParseCoordSystem(s string) (CoordSystem, error) {
	switch normaliseSystem(s) {
	case "", "wgs84":
		return WGS84, nil
	case "gcj02":
		return GCJ02, nil
	case "bd09":
		return BD09, nil
	}
	return "", ErrUnknownSystem
}

func normaliseSystem(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == ' ':
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// InChina is the rough bounding box within which GCJ-02 applies (the one
// the public implementations of the transform use).
func InChina(lat, lon float64) bool {
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

// ToWGS84 converts a coordinate given in sys to WGS-84. A GCJ-02 or BD-09
// coordinate outside China is ErrOutsideChina; a NaN or out-of-range value
// is returned unchanged for the caller's own range check.
func ToWGS84(sys CoordSystem, lat, lon float64) (float64, float64, error) {
	switch sys {
	case WGS84, "":
		return lat, lon, nil
	case GCJ02:
		if !InChina(lat, lon) {
			return 0, 0, ErrOutsideChina
		}
		wlat, wlon := GCJ02ToWGS84(lat, lon)
		return wlat, wlon, nil
	case BD09:
		if !InChina(lat, lon) {
			return 0, 0, ErrOutsideChina
		}
		glat, glon := BD09ToGCJ02(lat, lon)
		wlat, wlon := GCJ02ToWGS84(glat, glon)
		return wlat, wlon, nil
	}
	return 0, 0, ErrUnknownSystem
}

const (
	krasovskyA  = 6378245.0              // semi-major axis of the Krasovsky 1940 ellipsoid GCJ-02 uses
	krasovskyEE = 0.00669342162296594323 // its first eccentricity squared
	bdXPi       = math.Pi * 3000.0 / 180.0
)

// WGS84ToGCJ02 applies the published GCJ-02 obfuscation.
func WGS84ToGCJ02(lat, lon float64) (float64, float64) {
	dLat, dLon := gcjDelta(lat, lon)
	return lat + dLat, lon + dLon
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration, to well under
// a centimetre.
func GCJ02ToWGS84(lat, lon float64) (float64, float64) {
	wLat, wLon := lat, lon
	for range 30 {
		gLat, gLon := WGS84ToGCJ02(wLat, wLon)
		eLat, eLon := gLat-lat, gLon-lon
		wLat, wLon = wLat-eLat, wLon-eLon
		if math.Abs(eLat) < 1e-10 && math.Abs(eLon) < 1e-10 {
			break
		}
	}
	return wLat, wLon
}

// GCJ02ToBD09 applies Baidu's offset on top of GCJ-02.
func GCJ02ToBD09(lat, lon float64) (float64, float64) {
	z := math.Sqrt(lon*lon+lat*lat) + 0.00002*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	return z*math.Sin(theta) + 0.006, z*math.Cos(theta) + 0.0065
}

// BD09ToGCJ02 removes Baidu's offset.
func BD09ToGCJ02(lat, lon float64) (float64, float64) {
	x, y := lon-0.0065, lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return z * math.Sin(theta), z * math.Cos(theta)
}

func gcjDelta(lat, lon float64) (float64, float64) {
	x, y := lon-105.0, lat-35.0
	dLat := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dLat += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	dLat += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	dLon := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLon += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dLon += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	dLon += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasovskyEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (krasovskyA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLat, dLon
}
