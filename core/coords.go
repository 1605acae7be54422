package core

import (
	"errors"

	"github.com/aftersales/aftersales/core/district"
)

// CoordSystems are the coordinate systems an address's lat/lon may be
// given in: WGS-84 (the default, what is stored), GCJ-02 (AutoNavi/Amap,
// Tencent) or BD-09 (Baidu).
var CoordSystems = []string{"wgs84", "gcj02", "bd09"}

// toWGS84 converts *lat, *lon given in system sys to WGS-84 in place. A
// GCJ-02 or BD-09 point outside China, or an unknown system, is EINVALID
// naming field (the coord_system field beside the point).
func toWGS84(field, sys string, lat, lon *float64) error {
	s, err := district.ParseCoordSystem(sys)
	if err != nil {
		return FieldError(field, "must be wgs84, gcj02 or bd09")
	}
	if lat == nil || lon == nil || s == district.WGS84 {
		return nil
	}
	la, lo, err := district.ToWGS84(s, *lat, *lon)
	if errors.Is(err, district.ErrOutsideChina) {
		return FieldError(field, "a %s coordinate must lie in China", s)
	}
	if err != nil {
		return FieldError(field, "%v", err)
	}
	*lat, *lon = la, lo
	return nil
}

// ConvertToWGS84 converts the work order's coordinate from its
// CoordSystem to WGS-84 (in place) and clears CoordSystem.
func (n *NewWorkOrder) ConvertToWGS84() error {
	if err := toWGS84("coord_system", n.CoordSystem, n.Lat, n.Lon); err != nil {
		return err
	}
	n.CoordSystem = ""
	return nil
}
