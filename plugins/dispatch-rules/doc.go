// Command dispatch-rules is the platform's reference dispatch-rules plugin:
// the rules manufacturers really set, switched on per binding. It speaks
// protocol v2: one Decide call per decision ranks the sites and the
// technicians of the first ones.
//
// # Rules
//
// Filters run first, then re-ranking; every site dropped gets a reason, and
// every rule that changed the ranking says so in the decision's reasons.
//
//   - "sunday_open_only": when the decision falls on a Sunday in the
//     tenant's time zone, only sites open on Sundays stay. Sites whose
//     opening hours are unknown stay too, with a reason saying so, unless
//     "unknown_hours" is "exclude".
//   - "vip_repair_centres_only": a VIP customer's order (the customer is
//     marked VIP, or has one of "vip_tags") goes to repair centres only.
//     When no repair centre is left, the other sites stay if
//     "vip_fallback" is true (with a reason), else none does.
//   - "prefer_selling_dealer": the dealer that sold the unit, when it is
//     still a candidate, is moved first.
//   - "vip_senior_technicians": for a VIP customer's order, technicians
//     with one of "senior_tags" among their tags or skills go first
//     (otherwise the platform's order): tag the seniors "senior" in the
//     platform (a skill of that name counts too).
//
// # Configuration (the binding's JSON)
//
//	{
//	  "rules": ["sunday_open_only", "vip_repair_centres_only", "prefer_selling_dealer", "vip_senior_technicians"],
//	  "vip_tags": ["vip"],          // customer tags that make an order VIP, besides the VIP mark
//	  "vip_fallback": false,
//	  "unknown_hours": "keep",      // or "exclude"
//	  "senior_tags": ["senior"]     // default ["senior"]
//	}
//
// Unknown keys and unknown rule names are refused. The plugin calls
// nothing outside itself, so it answers well within the platform's
// deadline.
package main
