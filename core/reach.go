package core

import "github.com/google/uuid"

// Viewer is a caller as the visibility rules of work orders, customers and
// units see them: the scope granted to them and, when the caller is a
// field technician, their technician record.
type Viewer struct {
	Scope Scope
	// Technician is the caller's technician record (a user linked to
	// one). A technician sees by it, whatever their scope says.
	Technician *FieldTechnician
}

// FieldTechnician is the technician record a user signs in as.
type FieldTechnician struct {
	ID     uuid.UUID
	SiteID uuid.UUID
}

// TenantWide is a viewer who sees the whole tenant (jobs, tests, callers
// with tenant-wide scope).
var TenantWide = Viewer{Scope: Scope{All: true}}

// SiteReach is a set of a tenant's records held by sites and regions:
// every one (All), or those of the sites in Sites and of the sites (and,
// where the records can be held by a region, the regions) in Regions'
// subtrees. Each area says what its records are and builds its SiteReach
// from a viewer by its own rule (claim.ReachOf, complaint.ReachOf,
// parts.ReachOf). The zero SiteReach holds none.
type SiteReach struct {
	All     bool
	Regions []uuid.UUID
	Sites   []uuid.UUID
}

// OrderReach is the set of a tenant's work orders a viewer may see: the
// union of what its fields select. It is a filter that Viewer.Orders
// builds; adapters express it and decide nothing. The zero OrderReach
// holds no order.
type OrderReach struct {
	// All holds every order.
	All bool
	// Regions and Sites hold the orders of the sites in the subtrees of
	// Regions and of Sites. An order not yet at a site is in neither.
	Regions []uuid.UUID
	Sites   []uuid.UUID
	// Technician holds the orders assigned to this technician.
	Technician *uuid.UUID
	// OfferedAt holds the orders offered to the technicians of this site:
	// dispatched to it, with no technician yet, so that any of them may
	// accept (grab) one.
	OfferedAt *uuid.UUID
}

// Offered reports whether w is offered to the technicians of site.
func Offered(w *WorkOrder, site uuid.UUID) bool {
	return w.TechnicianID == nil && w.State == StateDispatched && w.SiteID != nil && *w.SiteID == site
}

// Holds reports whether the reach holds w. siteInScope tells whether a
// site lies in Regions' subtrees or among Sites; the caller answers it
// from what knows the region tree (the authorizer).
func (r OrderReach) Holds(w *WorkOrder, siteInScope func(site uuid.UUID) bool) bool {
	switch {
	case r.All:
		return true
	case r.Technician != nil && w.TechnicianID != nil && *w.TechnicianID == *r.Technician:
		return true
	case r.OfferedAt != nil && Offered(w, *r.OfferedAt):
		return true
	}
	return w.SiteID != nil && len(r.Regions)+len(r.Sites) > 0 && siteInScope(*w.SiteID)
}

// CustomerReach is the set of a tenant's customers, and so of their
// units, a viewer may see: the union of what its fields select. Built by
// Viewer.Customers; the zero CustomerReach holds no customer.
type CustomerReach struct {
	// All holds every customer.
	All bool
	// AddressRegions holds the customers with an address whose region
	// lies in the subtree of one of these regions.
	AddressRegions []uuid.UUID
	// Orders holds the customers with a work order in this reach.
	Orders OrderReach
}

// Orders is the rule of work orders: a technician sees the orders assigned
// to them and those offered to their site; a caller with tenant-wide scope
// sees every order; any other caller the orders of the sites in their
// scope (a region covers its subtree's sites).
func (v Viewer) Orders() OrderReach {
	if t := v.Technician; t != nil {
		return OrderReach{Technician: &t.ID, OfferedAt: &t.SiteID}
	}
	if v.Scope.All {
		return OrderReach{All: true}
	}
	return OrderReach{Regions: v.Scope.Regions, Sites: v.Scope.Sites}
}

// Customers is the rule of customers and their units: a technician sees
// the customers of the orders assigned to them (not of those merely
// offered); a caller with tenant-wide scope sees every customer; any other
// caller sees a customer when one of the customer's addresses lies in a
// region of their scope (or its subtree), or when the customer has a work
// order the caller may see (Orders). A site grant covers no address: site
// staff see customers through their site's orders.
func (v Viewer) Customers() CustomerReach {
	if t := v.Technician; t != nil {
		return CustomerReach{Orders: OrderReach{Technician: &t.ID}}
	}
	if v.Scope.All {
		return CustomerReach{All: true}
	}
	return CustomerReach{AddressRegions: v.Scope.Regions, Orders: v.Orders()}
}
