package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// ArticleFields are an article as an editor writes it.
type ArticleFields struct {
	CategoryID   *uuid.UUID  `json:"category_id,omitempty"`
	Audience     string      `json:"audience" enum:"internal,sites,technicians,public"`
	Title        string      `json:"title" minLength:"1" maxLength:"200" example:"空调不制冷的处理方法"`
	Body         string      `json:"body,omitempty" maxLength:"200000" doc:"Markdown; rendered to sanitised HTML (scripts, event handlers and javascript: links are removed)."`
	Tags         []string    `json:"tags,omitempty" maxItems:"50"`
	ProductLines []string    `json:"product_lines,omitempty" maxItems:"50"`
	Models       []string    `json:"models,omitempty" maxItems:"50" doc:"Product model codes."`
	FaultCodes   []string    `json:"fault_codes,omitempty" maxItems:"50"`
	Regions      []uuid.UUID `json:"regions,omitempty" maxItems:"50" doc:"Only readers whose scope covers one of these regions see it."`
	ReviewBy     *time.Time  `json:"review_by,omitempty" doc:"After this date the article is flagged stale."`
}

func (f ArticleFields) fields() kb.Fields {
	return kb.Fields{CategoryID: f.CategoryID, Audience: f.Audience, Title: f.Title, Body: f.Body, Tags: f.Tags,
		ProductLines: f.ProductLines, Models: f.Models, FaultCodes: f.FaultCodes, Regions: f.Regions, ReviewBy: f.ReviewBy}
}

type CreateArticleInput struct{ Body ArticleFields }

type UpdateArticleInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		ArticleFields
		Version int    `json:"version" minimum:"1" doc:"The version you edited; 409 when someone changed it since."`
		Note    string `json:"note,omitempty" maxLength:"500" doc:"What changed, kept with the version."`
	}
}

type ArticleOutput struct{ Body *kb.Article }

type ArticleIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ArticleStepInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version int    `json:"version" minimum:"1" doc:"The version acted on; 409 when it changed since."`
		Comment string `json:"comment,omitempty" maxLength:"4000"`
	}
}

type ListArticlesInput struct {
	ListParams
	Q           string   `query:"q" maxLength:"200" doc:"Search text: Chinese (空调不制冷), full pinyin (kongtiao), initials (ktbzl, kt bzl), or mixed. With it, the best 50 matches at most, by relevance."`
	Status      string   `query:"status" enum:"draft,in_review,published,archived,"`
	Audience    string   `query:"audience" enum:"internal,sites,technicians,public,"`
	CategoryID  string   `query:"category_id" format:"uuid" doc:"This category and those under it."`
	ProductLine string   `query:"product_line" maxLength:"32"`
	Model       string   `query:"model" maxLength:"64"`
	FaultCodes  []string `query:"fault_code" maxItems:"20" doc:"Articles linked to any of these fault codes."`
	Stale       bool     `query:"stale" doc:"Only articles past their review date."`
	Pending     bool     `query:"pending" doc:"Only published articles with a new version in draft or review (for editors and reviewers, each item's pending says which)."`
}

type ListArticlesOutput struct {
	Body struct {
		Items []*kb.Hit `json:"items"`
		Page
	}
}

func (in *ListArticlesInput) criteria() (kb.Criteria, error) {
	c := kb.Criteria{Text: in.Q, Status: in.Status, Audience: in.Audience, ProductLine: in.ProductLine, Model: in.Model,
		FaultCodes: in.FaultCodes, StaleOnly: in.Stale, PendingOnly: in.Pending, After: in.Cursor, Limit: in.Limit}
	if in.CategoryID != "" {
		id, err := uuid.Parse(in.CategoryID)
		if err != nil {
			return c, core.FieldError("category_id", "is not a UUID")
		}
		c.Category = &id
	}
	return c, nil
}

// kbViewer is the caller as the knowledge base's visibility rules see
// them: editorial with kb:update, else reading by their roles' audiences
// and their scope's regions.
func (s *Server) kbViewer(ctx context.Context) (kb.Viewer, error) {
	p := principal(ctx)
	roles, err := s.deps.Authz.RolesOf(ctx, p.TenantID, p.Subject())
	if err != nil {
		return kb.Viewer{}, err
	}
	sc, err := s.callerScope(ctx)
	if err != nil {
		return kb.Viewer{}, err
	}
	editorial := s.authorize(ctx, core.Permission{Resource: core.ResKB, Action: core.ActUpdate}, core.Target{}) == nil
	return kb.ViewerOf(roles, editorial, sc), nil
}

func registerKBRoutes(api huma.API, s *Server, svc *kb.Service) {
	tags := []string{"Knowledge base"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResKB, Action: a} }
	register(api, huma.Operation{OperationID: "list-kb-articles", Method: http.MethodGet, Path: "/v1/kb/articles",
		Summary: "List or search knowledge-base articles", Tags: tags,
		Description: "The articles the caller sees: editors and reviewers every article; others the published ones written " +
			"for their audience (agents: internal, site managers: sites and technicians, technicians: technicians; " +
			"everyone: public) and, for articles limited to regions, their regions. With `q`, ranked by relevance " +
			"(title over body, recent over old) with a snippet where the matches are marked (`<mark>`, the text escaped); " +
			"Latin words no article contains are corrected to the nearest known ones; the tenant's synonyms count as the word."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListArticlesInput) (*ListArticlesOutput, error) {
			v, err := s.kbViewer(ctx)
			if err != nil {
				return nil, err
			}
			c, err := in.criteria()
			if err != nil {
				return nil, err
			}
			hits, next, err := svc.Search(ctx, unitOfWork(ctx), v, c)
			if err != nil {
				return nil, err
			}
			out := &ListArticlesOutput{}
			out.Body.Items, out.Body.Next = nonNil(hits), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "create-kb-article", Method: http.MethodPost, Path: "/v1/kb/articles",
		Summary: "Write a new article", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The article starts as a draft at version 1; it is published only after another person approves it."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateArticleInput) (*ArticleOutput, error) {
			a, err := svc.Create(ctx, unitOfWork(ctx), in.Body.fields())
			return &ArticleOutput{Body: a}, err
		})
	register(api, huma.Operation{OperationID: "get-kb-article", Method: http.MethodGet, Path: "/v1/kb/articles/{id}",
		Summary: "Read an article", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "404 for an article the caller does not see."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ArticleIDInput) (*ArticleOutput, error) {
			v, err := s.kbViewer(ctx)
			if err != nil {
				return nil, err
			}
			a, err := svc.Get(ctx, unitOfWork(ctx), v, in.ID)
			return &ArticleOutput{Body: a}, err
		})
	register(api, huma.Operation{OperationID: "update-kb-article", Method: http.MethodPut, Path: "/v1/kb/articles/{id}",
		Summary: "Write a new version of an article", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "The new version is a draft again and needs a review to be published. Of a published article, the " +
			"new version is pending: readers keep seeing the published version (`live_version` in editors' view) until " +
			"a reviewer approves the new one. 409 while the article is in review, or when `version` is not the current one."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateArticleInput) (*ArticleOutput, error) {
			a, err := svc.Update(ctx, unitOfWork(ctx), in.ID, in.Body.Version, in.Body.fields(), in.Body.Note)
			return &ArticleOutput{Body: a}, err
		})
	step := func(id, path, summary, desc, action string, fn func(context.Context, core.UnitOfWork, uuid.UUID, int, string) (*kb.Article, error)) {
		register(api, huma.Operation{OperationID: id, Method: http.MethodPost, Path: "/v1/kb/articles/{id}/" + path,
			Summary: summary, Description: desc, Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict}},
			access{Who: accessTenant, Perm: perm(action)},
			func(ctx context.Context, in *ArticleStepInput) (*ArticleOutput, error) {
				a, err := fn(ctx, unitOfWork(ctx), in.ID, in.Body.Version, in.Body.Comment)
				return &ArticleOutput{Body: a}, err
			})
	}
	step("submit-kb-article", "submit", "Send a draft for review", "409 unless the article is a draft.", core.ActUpdate, svc.Submit)
	step("approve-kb-article", "approve", "Approve and publish an article in review",
		"403 when the caller wrote the version under review: someone else must approve it. 409 for a draft (publishing "+
			"needs a review: submit it first).", core.ActApprove, svc.Approve)
	step("send-back-kb-article", "send-back", "Send an article in review back to draft",
		"`comment` is required: what to change.", core.ActApprove, svc.SendBack)
	step("archive-kb-article", "archive", "Archive a published article", "Readers no longer see it.", core.ActUpdate,
		func(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int, _ string) (*kb.Article, error) {
			return svc.Archive(ctx, u, id, version)
		})
	registerKBHistoryRoutes(api, s, svc)
	registerKBAdminRoutes(api, s, svc)
	registerKBMoreRoutes(api, s, svc)
}
