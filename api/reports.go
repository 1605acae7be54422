package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// ReportServices serve the reports.
type ReportServices struct {
	Service *report.Service
	Drill   ReportDriller
	// Reputation serves the site reputations; nil: not here.
	Reputation *report.ReputationService
}

type ReportMetricsOutput struct {
	Body struct {
		Items      []report.Metric `json:"items"`
		Dimensions []string        `json:"dimensions"`
	}
}

// ReportFilterParams are a report's period and dimension filters.
type ReportFilterParams struct {
	From        string `query:"from" required:"true" format:"date" doc:"First day (YYYY-MM-DD, tenant time zone)."`
	To          string `query:"to" required:"true" format:"date" doc:"Last day, inclusive; the period [from, to] spans at most the tenant's max_period_days (GET /v1/settings/reports; default 366)."`
	RegionID    string `query:"region_id" format:"uuid" doc:"Only the sites in this region's subtree."`
	SiteID      string `query:"site_id" format:"uuid"`
	Technician  string `query:"technician_id" format:"uuid"`
	ProductLine string `query:"product_line" maxLength:"64"`
	ServiceType string `query:"service_type" maxLength:"64"`
	Channel     string `query:"channel" maxLength:"32"`
	ModelID     string `query:"model_id" format:"uuid" doc:"Only the orders of units of this product model (and complaints about them)."`
}

type ReportQueryInput struct {
	ReportFilterParams
	Metrics     string `query:"metrics" required:"true" maxLength:"2000" doc:"Metric IDs, comma-separated (see list-report-metrics)."`
	Granularity string `query:"granularity" doc:"day, week (ISO, from Monday) or month: adds a series; empty: totals only."`
	GroupBy     string `query:"group_by" maxLength:"100" doc:"Up to two dimensions, comma-separated: region, site, technician, product_line, service_type, channel, model."`
}

type ReportQueryOutput struct{ Body *report.Result }

type ReportRebuildInput struct {
	Body struct {
		From string `json:"from" format:"date"`
		To   string `json:"to" format:"date"`
	}
}

type ReportRebuildOutput struct {
	Body struct {
		Days int `json:"days" doc:"Days marked for recomputation; the report job recomputes them within a minute."`
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseDay(field, s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, core.FieldError(field, "is not a date (YYYY-MM-DD)")
	}
	return t, nil
}

// query builds the report query of the filter parameters.
func (p ReportFilterParams) query() (report.Query, error) {
	var q report.Query
	var err error
	if q.From, err = parseDay("from", p.From); err != nil {
		return q, err
	}
	if q.To, err = parseDay("to", p.To); err != nil {
		return q, err
	}
	for _, f := range []struct {
		name, v string
		dst     **uuid.UUID
	}{{"region_id", p.RegionID, &q.Filter.Region}, {"site_id", p.SiteID, &q.Filter.Site}, {"technician_id", p.Technician, &q.Filter.Technician},
		{"model_id", p.ModelID, &q.Filter.Model}} {
		if f.v == "" {
			continue
		}
		id, err := uuid.Parse(f.v)
		if err != nil {
			return q, core.FieldError(f.name, "is not a UUID")
		}
		*f.dst = &id
	}
	q.Filter.ProductLine, q.Filter.ServiceType, q.Filter.Channel = p.ProductLine, p.ServiceType, p.Channel
	return q, nil
}

func (in *ReportQueryInput) query() (report.Query, error) {
	q, err := in.ReportFilterParams.query()
	q.Metrics, q.Granularity, q.GroupBy = splitList(in.Metrics), in.Granularity, splitList(in.GroupBy)
	return q, err
}

func registerReportRoutes(api huma.API, s *Server, d ReportServices) {
	tags := []string{"Reports"}
	read := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResReports, Action: core.ActRead}}
	register(api, huma.Operation{OperationID: "list-report-metrics", Method: http.MethodGet, Path: "/v1/reports/metrics",
		Summary: "The metric catalogue", Tags: tags,
		Description: "Every metric with its names, formula, unit, the dimensions it supports and whether it exists yet " +
			"(`available`; otherwise `reason` says what is missing)."},
		read, func(ctx context.Context, _ *struct{}) (*ReportMetricsOutput, error) {
			out := &ReportMetricsOutput{}
			out.Body.Items, out.Body.Dimensions = report.Catalogue(), report.AllDimensions
			return out, nil
		})
	register(api, huma.Operation{OperationID: "query-report", Method: http.MethodGet, Path: "/v1/reports/query",
		Summary: "Query metrics", Tags: tags, Errors: []int{http.StatusForbidden},
		Description: "Metrics over tenant-local days [from, to] with the previous period, per group " +
			"(`totals`). The previous period (`previous_from`…`previous_to`) is, when [from, to] is whole calendar months " +
			"(from the 1st of a month to the last day of a month), as many calendar months right before (March 1–31 " +
			"compares with February 1–28/29, Q2 with Q1); otherwise as many days right before. Values come per group and, with a granularity, per day, week or month (`series`). A value is null where it has no " +
			"denominator. The caller's scope holds: a region manager's numbers cover their subtree's sites, a site's " +
			"staff their sites. An unknown metric or dimension, a period longer than the tenant's limit (max_period_days of " +
			"/v1/settings/reports, default 366 days; the 422 names to and the limit), a filter on a dimension the " +
			"metric lacks: 422 naming it; a region, site or technician filter outside the caller's scope: 403 naming it. Numbers come from daily aggregates kept within " +
			"about a minute of the facts."},
		read, func(ctx context.Context, in *ReportQueryInput) (*ReportQueryOutput, error) {
			q, err := in.query()
			if err != nil {
				return nil, err
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			res, err := d.Service.Run(ctx, unitOfWork(ctx), report.ReachOf(v), q)
			return &ReportQueryOutput{Body: res}, err
		})
	register(api, huma.Operation{OperationID: "rebuild-reports", Method: http.MethodPost, Path: "/v1/reports/rebuild",
		Summary: "Rebuild the aggregates of a period", Tags: tags, DefaultStatus: http.StatusAccepted,
		Description: "Marks the tenant's days [from, to] (at most the tenant's max_period_days, default 366) for recomputation from the raw records, e.g. after " +
			"the response target or the time zone changed; the report job recomputes them while writes go on. The 202 " +
			"means marked, not done: a small day is recomputed whole within a run of the job (every 15 s); a larger " +
			"day's records are queued and recomputed in batches of 2,000 over the following runs (about a minute per " +
			"100,000 records on a small server), its numbers moving meanwhile (each record's new contribution " +
			"replacing its old). Other tenants' reports keep refreshing meanwhile."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResReports, Action: core.ActUpdate}},
		func(ctx context.Context, in *ReportRebuildInput) (*ReportRebuildOutput, error) {
			from, err := parseDay("from", in.Body.From)
			if err != nil {
				return nil, err
			}
			to, err := parseDay("to", in.Body.To)
			if err != nil {
				return nil, err
			}
			out := &ReportRebuildOutput{}
			out.Body.Days, err = d.Service.Rebuild(ctx, unitOfWork(ctx), from, to)
			return out, err
		})
	registerReportDrillRoutes(api, s, d, read)
	registerReputationRoutes(api, s, d)
	registerReportScheduleRoutes(api, s, d)
}
