package core_test

import (
	"math"
	"testing"

	"github.com/aftersales/aftersales/core"
)

func TestCustomerAddressCoordSystems(t *testing.T) {
	lat, lon := 22.540796131694766, 113.9171764808363 // GCJ-02 of the published Shenzhen reference point
	c := core.NewCustomer{Name: "王芳", Addresses: []core.NewCustomerAddress{{Address: "深圳南山", Lat: &lat, Lon: &lon, CoordSystem: "gcj02"}}}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	a := c.Addresses[0]
	if math.Abs(*a.Lat-22.543847) > 1e-5 || math.Abs(*a.Lon-113.912316) > 1e-5 {
		t.Errorf("stored %v,%v, want the WGS-84 reference 22.543847,113.912316", *a.Lat, *a.Lon)
	}
	plat, plon := 48.8584, 2.2945
	bad := core.NewCustomer{Name: "王芳", Addresses: []core.NewCustomerAddress{{Address: "Paris", Lat: &plat, Lon: &plon, CoordSystem: "bd09"}}}
	err := bad.Normalize()
	e, ok := err.(*core.Error)
	if !ok || e.Code != core.EINVALID || e.Fields["addresses[0].coord_system"] == "" {
		t.Errorf("a BD-09 point in Paris: %v, want EINVALID on addresses[0].coord_system", err)
	}
}
