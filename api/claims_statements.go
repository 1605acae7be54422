package api

import (
	"context"
	"encoding/csv"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
)

type GenerateStatementsInput struct {
	Body struct {
		Period string `json:"period" pattern:"^[0-9]{4}-[0-9]{2}$" example:"2026-11" doc:"The month, in the tenant's time zone."`
	}
}

type StatementsOutput struct {
	Body struct {
		Items []*claim.ClaimStatement `json:"items"`
	}
}

type ListStatementsInput struct {
	Period string `query:"period" pattern:"^([0-9]{4}-[0-9]{2})?$"`
}

type StatementIDInput struct {
	ID uuid.UUID `path:"id"`
}

type StatementOutput struct{ Body *claim.ClaimStatement }

type StatementExportInput struct {
	ID     uuid.UUID `path:"id"`
	Format string    `query:"format" enum:"csv,xlsx" default:"csv"`
}

func registerClaimStatementRoutes(api huma.API, s *Server, svc *claim.Service) {
	tags := []string{"Claims"}
	register(api, huma.Operation{OperationID: "generate-claim-statements", Method: http.MethodPost,
		Path: "/v1/claim-statements/generate", Summary: "Generate the month's settlement statements", Tags: tags,
		Description: "One statement per site with claims decided (approved or adjusted), charged services or SLA misses in the " +
			"month: the claims' approved totals, plus the charged services the site collected (the warranty charges of the orders " +
			"it completed in the month, in the statement's currency), less the tenant's deductions per SLA miss. Draft " +
			"statements are remade; approved ones stand. The monthly job generates last month's on the 1st." +
			""},
		access{Who: accessTenant, Perm: claimPerm(core.ActApprove)},
		func(ctx context.Context, in *GenerateStatementsInput) (*StatementsOutput, error) {
			if err := requireTenantWide(ctx, s); err != nil {
				return nil, err
			}
			items, err := svc.GenerateStatements(ctx, unitOfWork(ctx), in.Body.Period)
			out := &StatementsOutput{}
			out.Body.Items = items
			if out.Body.Items == nil {
				out.Body.Items = []*claim.ClaimStatement{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "list-claim-statements", Method: http.MethodGet, Path: "/v1/claim-statements",
		Summary: "List settlement statements", Tags: tags,
		Description: "Newest month first. A site sees its own; a region manager those of their subtree."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *ListStatementsInput) (*StatementsOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			items, err := svc.FindStatements(ctx, unitOfWork(ctx), claim.StatementFilter{Period: in.Period, Within: claim.ReachOf(v)})
			out := &StatementsOutput{}
			out.Body.Items = items
			if out.Body.Items == nil {
				out.Body.Items = []*claim.ClaimStatement{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-claim-statement", Method: http.MethodGet, Path: "/v1/claim-statements/{id}",
		Summary: "Get a settlement statement", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *StatementIDInput) (*StatementOutput, error) {
			st, err := findStatementInScope(ctx, s, svc, in.ID)
			return &StatementOutput{Body: st}, err
		})
	register(api, huma.Operation{OperationID: "approve-claim-statement", Method: http.MethodPost,
		Path: "/v1/claim-statements/{id}/approve", Summary: "Approve a settlement statement", Tags: tags,
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
		Description: "By the tenant (claims:approve, tenant-wide). Announced by the webhook event claim_statement.approved."},
		access{Who: accessTenant, Perm: claimPerm(core.ActApprove), Idempotent: true},
		func(ctx context.Context, in *StatementIDInput) (*StatementOutput, error) {
			if err := requireTenantWide(ctx, s); err != nil {
				return nil, err
			}
			st, err := svc.ApproveStatement(ctx, unitOfWork(ctx), in.ID, actorOf(ctx))
			return &StatementOutput{Body: st}, err
		})
	register(api, huma.Operation{OperationID: "export-claim-statement", Method: http.MethodGet,
		Path: "/v1/claim-statements/{id}/export", Summary: "Export a settlement statement (CSV or XLSX)", Tags: tags,
		Errors: []int{http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *StatementExportInput) (*huma.StreamResponse, error) {
			st, err := findStatementInScope(ctx, s, svc, in.ID)
			if err != nil {
				return nil, err
			}
			return statementFile(s, st, in.Format), nil
		})
}

func findStatementInScope(ctx context.Context, s *Server, svc *claim.Service, id uuid.UUID) (*claim.ClaimStatement, error) {
	st, err := svc.FindStatement(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	v, err := s.viewer(ctx)
	if err != nil || v.Technician != nil ||
		s.authorize(ctx, claimPerm(core.ActRead), core.Target{SiteID: &st.SiteID}) != nil {
		return nil, core.Errorf(core.ENOTFOUND, "statement not found")
	}
	return st, nil
}

// statementRows are a statement as a sheet: a header, its lines, the
// totals. Amounts are in major units with the currency's ISO 4217
// decimals (core.FormatMinor: JPY 1234, CNY 12.34).
func statementRows(st *claim.ClaimStatement) [][]string {
	money := func(v int64) string { return core.FormatMinor(v, st.Currency) }
	rows := [][]string{{"site", st.SiteName, "period", st.Period, "state", st.State, "currency", st.Currency},
		{"kind", "reference", "description", "amount"}}
	for _, l := range st.Lines {
		rows = append(rows, []string{l.Kind, l.Reference, l.Description, money(l.Amount)})
	}
	rows = append(rows, []string{"claims_total", "", "", money(st.ClaimsTotal)},
		[]string{"charged_total", "", "", money(st.ChargedTotal)},
		[]string{"deductions_total", "", "", money(-st.DeductionsTotal)},
		[]string{"total", "", "", money(st.Total)})
	for _, n := range st.Notes {
		rows = append(rows, []string{"note", "", n, ""})
	}
	return rows
}

func statementFile(s *Server, st *claim.ClaimStatement, format string) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		name := "statement-" + st.Period + "-" + st.SiteID.String()[:8] + "." + format
		var rw rowWriter
		if format == "xlsx" {
			hctx.SetHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			x, err := newXLSXRows(hctx.BodyWriter())
			if err != nil {
				hctx.SetStatus(http.StatusInternalServerError)
				return
			}
			rw = x
		} else {
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			rw = csvRows{csv.NewWriter(hctx.BodyWriter())}
		}
		hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
		hctx.SetStatus(http.StatusOK)
		for _, r := range statementRows(st) {
			if err := rw.Row(r); err != nil {
				s.deps.Log.Error("statement export failed", "err", err)
				return
			}
		}
		if err := rw.Close(); err != nil {
			s.deps.Log.Error("statement export failed", "err", err)
		}
	}}
}
