package postgres

import (
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// The SQL of core.OrderReach and core.CustomerReach: conditions that
// express the reach core built, added to a query's WHERE clause. arg
// appends a parameter and returns its placeholder.

// regionSubtreeSQL is the IDs of the regions in the subtrees of the
// regions in the uuid[] parameter p.
func regionSubtreeSQL(p string) string {
	return `(WITH RECURSIVE sub AS (SELECT id FROM regions WHERE id = ANY(` + p + `)
		UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub)`
}

// ownerReachSQL is the condition for a row whose owner is the site in
// siteCol or the region in regionCol to be in a reach of sites and region
// subtrees: "true" for all, "false" when the reach holds nothing.
func ownerReachSQL(all bool, sites, regions []uuid.UUID, siteCol, regionCol string, arg func(any) string) string {
	if all {
		return "true"
	}
	var or []string
	if len(sites) > 0 {
		or = append(or, siteCol+" = ANY("+arg(nonNilIDs(sites))+")")
	}
	if len(regions) > 0 {
		or = append(or, regionCol+" IN "+regionSubtreeSQL(arg(nonNilIDs(regions))))
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// orderReachSQL is the condition on the work_orders row aliased w for
// being in r: "true" for r.All, "false" when r holds nothing.
func orderReachSQL(w string, r core.OrderReach, arg func(any) string) string {
	if r.All {
		return "true"
	}
	var or []string
	if len(r.Regions)+len(r.Sites) > 0 {
		or = append(or, w+`.site_id IN (SELECT s.id FROM sites s WHERE s.id = ANY(`+arg(nonNilIDs(r.Sites))+`)
			OR s.region_id IN `+regionSubtreeSQL(arg(nonNilIDs(r.Regions)))+`)`)
	}
	if r.Technician != nil {
		or = append(or, w+`.technician_id = `+arg(*r.Technician))
	}
	if r.OfferedAt != nil {
		or = append(or, `(`+w+`.technician_id IS NULL AND `+w+`.state = `+arg(core.StateDispatched)+
			` AND `+w+`.site_id = `+arg(*r.OfferedAt)+`)`)
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// customerReachSQL is the condition on the customer ID column col for the
// customer being in r: "true" for r.All, "false" when r holds nothing.
func customerReachSQL(col string, r core.CustomerReach, arg func(any) string) string {
	if r.All {
		return "true"
	}
	var sets []string
	if len(r.AddressRegions) > 0 {
		sets = append(sets, `SELECT a.customer_id FROM customer_addresses a
			WHERE a.region_id IN `+regionSubtreeSQL(arg(r.AddressRegions)))
	}
	if o := orderReachSQL("o", r.Orders, arg); o != "false" {
		sets = append(sets, `SELECT o.customer_id FROM work_orders o WHERE `+o)
	}
	if len(sets) == 0 {
		return "false"
	}
	return col + ` IN (` + strings.Join(sets, " UNION ") + `)`
}
