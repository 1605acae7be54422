package api

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

type ReportScheduleBody struct {
	Name    string                 `json:"name" maxLength:"100"`
	Metrics []string               `json:"metrics" maxItems:"40"`
	GroupBy []string               `json:"group_by,omitempty" maxItems:"2" doc:"Up to two dimensions (see query-report)."`
	Filters report.ScheduleFilters `json:"filters,omitempty"`
	Format  string                 `json:"format" doc:"csv or xlsx."`
	Cadence string                 `json:"cadence" doc:"daily, weekly or monthly: each run exports the day, ISO week or month that just ended in the tenant's time zone."`
}

type ReportScheduleInput struct{ Body ReportScheduleBody }

type ReportScheduleOutput struct{ Body *report.Schedule }

type ReportSchedulesOutput struct {
	Body struct {
		Items []report.Schedule `json:"items" nullable:"false"`
	}
}

type ReportScheduleIDInput struct {
	ID string `path:"id" format:"uuid"`
}

type ReportExportDownloadInput struct {
	Tenant    string `path:"tenant" format:"uuid"`
	Schedule  string `path:"schedule" format:"uuid"`
	File      string `path:"file" maxLength:"200"`
	Expires   int64  `query:"expires" doc:"Unix time after which the link no longer works."`
	Signature string `query:"signature" maxLength:"128"`
}

// RenderReport writes a query's totals (one row per group: the metrics
// and their previous values) as CSV or XLSX.
func RenderReport(w io.Writer, format string, q report.Query, res *report.Result) error {
	var rw rowWriter = csvRows{csv.NewWriter(w)}
	if format == "xlsx" {
		x, err := newXLSXRows(w)
		if err != nil {
			return err
		}
		rw = x
	}
	if err := writeTotals(rw, q, res); err != nil {
		return err
	}
	return rw.Close()
}

func writeTotals(rw rowWriter, q report.Query, res *report.Result) error {
	head := append([]string{"from", "to"}, q.GroupBy...)
	for _, m := range q.Metrics {
		head = append(head, m, m+" (previous)")
	}
	if err := rw.Row(head); err != nil {
		return err
	}
	for _, row := range res.Totals {
		cells := []string{res.From, res.To}
		for _, g := range q.GroupBy {
			cells = append(cells, row.Group[g])
		}
		for _, m := range q.Metrics {
			cells = append(cells, fmtValue(row.Values[m]), fmtValue(row.Previous[m]))
		}
		if err := rw.Row(cells); err != nil {
			return err
		}
	}
	return nil
}

func registerReportScheduleRoutes(api huma.API, s *Server, d ReportServices) {
	// Registered always (the spec lists them); a server built without the
	// exports answers 503.
	exports := func() (*report.ExportService, error) {
		if s.deps.ReportExports == nil {
			return nil, huma.Error503ServiceUnavailable("scheduled exports are not configured here")
		}
		return s.deps.ReportExports, nil
	}
	tags := []string{"Reports"}
	read := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResReports, Action: core.ActRead}}
	change := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}}
	register(api, huma.Operation{OperationID: "list-report-schedules", Method: http.MethodGet, Path: "/v1/reports/schedules",
		Summary: "List scheduled exports", Tags: tags},
		read, func(ctx context.Context, _ *struct{}) (*ReportSchedulesOutput, error) {
			ex, err := exports()
			if err != nil {
				return nil, err
			}
			out := &ReportSchedulesOutput{}
			items, err := ex.Store.FindSchedules(ctx, unitOfWork(ctx))
			out.Body.Items = append([]report.Schedule{}, items...)
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-report-schedule", Method: http.MethodPost, Path: "/v1/reports/schedules",
		Summary: "Schedule an export", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "A totals export (as export-report) of the whole tenant, run at each tenant-local day, week (Monday) " +
			"or month boundary for the period that just ended, stored, and announced by the webhook event " +
			"`report_export.ready` with a signed download link that expires (7 days). Bad input: 422 naming the field."},
		change, func(ctx context.Context, in *ReportScheduleInput) (*ReportScheduleOutput, error) {
			ex, err := exports()
			if err != nil {
				return nil, err
			}
			b := in.Body
			sc := &report.Schedule{Name: b.Name, Metrics: b.Metrics, GroupBy: b.GroupBy, Filters: b.Filters, Format: b.Format, Cadence: b.Cadence}
			err = ex.CreateSchedule(ctx, unitOfWork(ctx), sc, principal(ctx).Name)
			return &ReportScheduleOutput{Body: sc}, err
		})
	register(api, huma.Operation{OperationID: "delete-report-schedule", Method: http.MethodDelete, Path: "/v1/reports/schedules/{id}",
		Summary: "Delete a scheduled export", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound}},
		change, func(ctx context.Context, in *ReportScheduleIDInput) (*struct{}, error) {
			ex, err := exports()
			if err != nil {
				return nil, err
			}
			return nil, ex.Store.DeleteSchedule(ctx, unitOfWork(ctx), uuid.MustParse(in.ID))
		})
	register(api, huma.Operation{OperationID: "download-report-export", Method: http.MethodGet,
		Path: "/v1/report-exports/{tenant}/{schedule}/{file}", Summary: "Download a scheduled export", Tags: tags,
		Errors: []int{http.StatusForbidden, http.StatusGone},
		Description: "No login: the link of a `report_export.ready` event, signed (HMAC-SHA256) with its expiry. A changed " +
			"link: 403; after expires: 410 naming the expiry.",
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		access{Who: accessPublic},
		func(ctx context.Context, in *ReportExportDownloadInput) (*huma.StreamResponse, error) {
			ex, err := exports()
			if err != nil {
				return nil, err
			}
			f, err := ex.OpenExport(ctx, uuid.MustParse(in.Tenant), uuid.MustParse(in.Schedule), in.File, in.Expires, in.Signature)
			var expired *report.ExpiredError
			if errors.As(err, &expired) {
				return nil, huma.Error410Gone(expired.Error(), &huma.ErrorDetail{Location: "query.expires", Message: expired.Error()})
			}
			if err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				defer f.Close()
				ct := "text/csv; charset=utf-8"
				if strings.HasSuffix(in.File, ".xlsx") {
					ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				}
				hctx.SetHeader("Content-Type", ct)
				hctx.SetHeader("Content-Disposition", `attachment; filename="`+in.File+`"`)
				hctx.SetStatus(http.StatusOK)
				_, _ = io.Copy(hctx.BodyWriter(), f)
			}}, nil
		})
}

// ReportExportService runs the scheduled exports and checks their links.
type ReportExportService = report.ExportService
