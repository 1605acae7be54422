package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/xuri/excelize/v2"

	"github.com/aftersales/aftersales/core/report"
)

// ReportDriller lists the records behind a number.
type ReportDriller = report.Driller

type ReportDrillInput struct {
	ReportFilterParams
	Metric string `query:"metric" required:"true" maxLength:"64" doc:"The metric whose records to list."`
	Cursor string `query:"cursor" maxLength:"200" doc:"Cursor from a previous page's next."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type ReportDrillOutput struct {
	Body struct {
		Items []report.DrillItem `json:"items" nullable:"false"`
		Page
	}
}

type ReportExportInput struct {
	ReportFilterParams
	Format  string `query:"format" required:"true" enum:"csv,xlsx"`
	What    string `query:"what" enum:"totals,drill" default:"totals" doc:"totals: the metrics per group with the previous period; drill: every record behind metric."`
	Metrics string `query:"metrics" maxLength:"2000" doc:"For totals: metric IDs, comma-separated; for drill: the one metric."`
	GroupBy string `query:"group_by" maxLength:"100"`
}

// rowWriter writes an export's rows in CSV or XLSX.
type rowWriter interface {
	Row(cells []string) error
	Close() error
}

type csvRows struct{ w *csv.Writer }

func (c csvRows) Row(cells []string) error { return c.w.Write(cells) }
func (c csvRows) Close() error             { c.w.Flush(); return c.w.Error() }

// xlsxRows streams rows through excelize's StreamWriter, which keeps
// rows past its buffer in a temporary file: memory stays flat.
type xlsxRows struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	n   int
}

func newXLSXRows(out io.Writer) (*xlsxRows, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	return &xlsxRows{f: f, sw: sw, out: out}, nil
}

func (x *xlsxRows) Row(cells []string) error {
	x.n++
	vals := make([]any, len(cells))
	for i, c := range cells {
		if v, err := strconv.ParseFloat(c, 64); err == nil && i > 0 {
			vals[i] = v
		} else {
			vals[i] = c
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.n)
	return x.sw.SetRow(cell, vals)
}

func (x *xlsxRows) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}

func fmtValue(v report.Value) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func registerReportDrillRoutes(api huma.API, s *Server, d ReportServices, read access) {
	tags := []string{"Reports"}
	register(api, huma.Operation{OperationID: "drill-report", Method: http.MethodGet, Path: "/v1/reports/drill",
		Summary: "The records behind a number", Tags: tags, Errors: []int{http.StatusForbidden},
		Description: "The work orders, complaints, callback tasks, calls or warranty claims (the metric's `drill`) a metric counts over the " +
			"period and filters, oldest first, paginated; `counted` marks those in a ratio's numerator. Same scope and " +
			"bad-input rules as query-report."},
		read, func(ctx context.Context, in *ReportDrillInput) (*ReportDrillOutput, error) {
			q, err := in.query()
			if err != nil {
				return nil, err
			}
			m, err := d.Service.ValidateDrill(ctx, unitOfWork(ctx), in.Metric, &q)
			if err != nil {
				return nil, err
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			r := report.ReachOf(v)
			if err := d.Service.CheckScope(ctx, unitOfWork(ctx), r, q.Filter); err != nil {
				return nil, err
			}
			out := &ReportDrillOutput{}
			out.Body.Items = []report.DrillItem{}
			out.Body.Next, err = d.Drill.Drill(ctx, unitOfWork(ctx), r, report.DrillQuery{Metric: m, From: q.From, To: q.To,
				Filter: q.Filter, After: in.Cursor, Limit: in.Limit}, func(it report.DrillItem) error {
				out.Body.Items = append(out.Body.Items, it)
				return nil
			})
			return out, err
		})
	register(api, huma.Operation{OperationID: "export-report", Method: http.MethodGet, Path: "/v1/reports/export",
		Summary: "Export a report (CSV or XLSX)", Tags: tags, Errors: []int{http.StatusForbidden},
		Description: "Streams the totals of query-report (one row per group: the metrics and their previous values) or " +
			"every record behind one metric (drill), as CSV or XLSX, in constant memory. Same scope and bad-input rules " +
			"(the period at most the tenant's max_period_days).",
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		access{Who: accessTenant, Perm: read.Perm, Stream: true},
		func(ctx context.Context, in *ReportExportInput) (*huma.StreamResponse, error) {
			return s.exportReport(ctx, d, in)
		})
}

// exportReport validates everything before the first byte; the export then
// reads in its own read-only transaction.
func (s *Server) exportReport(ctx context.Context, d ReportServices, in *ReportExportInput) (*huma.StreamResponse, error) {
	p := principal(ctx)
	q, err := in.ReportFilterParams.query()
	if err != nil {
		return nil, err
	}
	q.GroupBy = splitList(in.GroupBy)
	u := s.deps.Tx.Begin(ctx, p.TenantID)
	fail := func(err error) (*huma.StreamResponse, error) { u.Rollback(ctx); return nil, err }
	v, err := s.viewerIn(ctx, u, p)
	if err != nil {
		return fail(err)
	}
	r := report.ReachOf(v)
	var write func(rw rowWriter) error
	if in.What == "drill" {
		m, err := d.Service.ValidateDrill(ctx, u, in.Metrics, &q)
		if err != nil {
			return fail(err)
		}
		if err := d.Service.CheckScope(ctx, u, r, q.Filter); err != nil {
			return fail(err)
		}
		write = func(rw rowWriter) error {
			if err := rw.Row([]string{"kind", "id", "number", "work_order_id", "at", "state", "site_id", "technician_id", "counted"}); err != nil {
				return err
			}
			_, err := d.Drill.Drill(ctx, u, r, report.DrillQuery{Metric: m, From: q.From, To: q.To, Filter: q.Filter},
				func(it report.DrillItem) error {
					str := func(id fmt.Stringer, ok bool) string {
						if !ok {
							return ""
						}
						return id.String()
					}
					return rw.Row([]string{it.Kind, it.ID.String(), it.Number, str(it.WorkOrderID, it.WorkOrderID != nil),
						it.At.UTC().Format(time.RFC3339), it.State, str(it.SiteID, it.SiteID != nil),
						str(it.TechnicianID, it.TechnicianID != nil), strconv.FormatBool(it.Counted)})
				})
			return err
		}
	} else {
		q.Metrics = splitList(in.Metrics)
		res, err := d.Service.Run(ctx, u, r, q)
		if err != nil {
			return fail(err)
		}
		write = func(rw rowWriter) error { return writeTotals(rw, q, res) }
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer u.Rollback(ctx)
		name := "report-" + q.From.Format("20060102") + "-" + q.To.Format("20060102") + "." + in.Format
		var rw rowWriter
		if in.Format == "xlsx" {
			hctx.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
			x, err := newXLSXRows(hctx.BodyWriter())
			if err != nil {
				return
			}
			rw = x
		} else {
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
			rw = csvRows{csv.NewWriter(hctx.BodyWriter())}
		}
		hctx.SetStatus(http.StatusOK)
		if err := write(rw); err != nil {
			s.deps.Log.Error("report export failed midway", "err", err)
			return
		}
		if err := rw.Close(); err != nil {
			s.deps.Log.Error("report export failed", "err", err)
		}
	}}, nil
}
