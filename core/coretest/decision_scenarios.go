package coretest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// decisionScenarios: the dispatch decision names the sites and
// technicians, keeps the engine's suggestion and says what happened.
func decisionScenarios() []Scenario {
	return []Scenario{
		{"the decision names the suggestion and applies it as the outcome", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			d := w.Decision
			if d == nil || len(d.Ranking) == 0 || len(d.Technicians.Ranking) == 0 {
				t.Fatalf("a decision with rankings: %+v", d)
			}
			equal(t, "suggested site", *d.Suggestion.SiteID, e.Net.Site)
			equal(t, "its name", d.Suggestion.SiteName, NetSiteName)
			equal(t, "suggested technician", *d.Suggestion.TechnicianID, e.Net.Technician)
			equal(t, "their name", d.Suggestion.TechnicianName, NetTechnicianName)
			equal(t, "ranked site's name", d.Ranking[0].SiteName, NetSiteName)
			equal(t, "ranked technician's name", d.Technicians.Ranking[0].TechnicianName, NetTechnicianName)
			equal(t, "technicians' site", d.Technicians.SiteName, NetSiteName)
			o := d.Outcome
			equal(t, "outcome", o.Kind, core.OutcomeEngine)
			equal(t, "outcome site", *o.SiteID, e.Net.Site)
			equal(t, "outcome technician", o.TechnicianName, NetTechnicianName)
			equal(t, "decided by the engine", o.By == nil, true)
			equal(t, "when", !o.At.IsZero() && o.At.Equal(d.DecidedAt), true)
		}},
		{"a dispatcher's override is the outcome and the engine's suggestion stays", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			w, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionReject, Reason: "no parts"})
			must(t, err)
			d := w.Decision
			equal(t, "nothing suggested", d.Suggestion.SiteID == nil, true)
			equal(t, "queued", d.Outcome.Kind, core.OutcomeQueued)
			equal(t, "queue reason", d.Outcome.Reason, w.QueueReason)
			equal(t, "the excluded site is still named", d.Ranking[0].SiteName, NetSiteName)
			equal(t, "and not eligible", d.Ranking[0].Eligible, false)

			user, site := uuid.New(), e.Net.Site
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				w, err = s.Act(context.Background(), u, w.ID, core.ActionInput{Action: core.ActionDispatch, SiteID: &site,
					Reason: "called the site", ActorName: "李调度"}, core.UserSubject(user))
				return err
			}))
			d = w.Decision
			equal(t, "still nothing suggested", d.Suggestion.SiteID == nil, true)
			o := d.Outcome
			equal(t, "override", o.Kind, core.OutcomeOverride)
			equal(t, "to the site", *o.SiteID, site)
			equal(t, "named", o.SiteName, NetSiteName)
			equal(t, "auto-assigned there", o.TechnicianName, NetTechnicianName)
			equal(t, "why", o.Reason, "called the site")
			equal(t, "by", *o.By.UserID, user)
			equal(t, "by name", o.By.Name, "李调度")
			again, err := e.find(t, s, w.ID)
			must(t, err)
			equal(t, "stored", again.Decision.Outcome.Kind, core.OutcomeOverride)
		}},
		{"a decline and a new assignment are the outcome", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			tech := e.Net.Technician
			w, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionDecline, Reason: "sick", TechnicianID: &tech,
				ActorName: NetTechnicianName})
			must(t, err)
			o := w.Decision.Outcome
			equal(t, "decline", o.Kind, core.OutcomeDecline)
			equal(t, "no technician", o.TechnicianID == nil, true)
			equal(t, "site kept", *o.SiteID, e.Net.Site)
			equal(t, "by the technician", o.By.Name, NetTechnicianName)
			equal(t, "suggestion kept", *w.Decision.Suggestion.TechnicianID, tech)

			w, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAssign, TechnicianID: &tech, Reason: "better now",
				ActorName: "站长"})
			must(t, err)
			o = w.Decision.Outcome
			equal(t, "assign", o.Kind, core.OutcomeAssign)
			equal(t, "technician", *o.TechnicianID, tech)
			equal(t, "named", o.TechnicianName, NetTechnicianName)
			equal(t, "by", o.By.Name, "站长")
			equal(t, "why", o.Reason, "better now")
		}},
	}
}
