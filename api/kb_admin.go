package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

type CategoryFields struct {
	ParentID *uuid.UUID `json:"parent_id,omitempty"`
	NameZh   string     `json:"name_zh" minLength:"1" maxLength:"100" example:"空调"`
	NameEn   string     `json:"name_en" minLength:"1" maxLength:"100" example:"Air conditioners"`
	Position int        `json:"position,omitempty" minimum:"0" maximum:"10000"`
}

type CreateCategoryInput struct{ Body CategoryFields }

type PutCategoryInput struct {
	ID   uuid.UUID `path:"id"`
	Body CategoryFields
}

type CategoryOutput struct{ Body *kb.Category }

type ListCategoriesOutput struct {
	Body struct {
		Items []*kb.Category `json:"items"`
	}
}

type SynonymsFields struct {
	Words []string `json:"words" minItems:"2" maxItems:"20" example:"[\"冰箱\",\"电冰箱\"]"`
}

type CreateSynonymsInput struct{ Body SynonymsFields }

type PutSynonymsInput struct {
	ID   uuid.UUID `path:"id"`
	Body SynonymsFields
}

type SynonymsOutput struct{ Body *kb.SynonymGroup }

type ListSynonymsOutput struct {
	Body struct {
		Items []*kb.SynonymGroup `json:"items"`
	}
}

type PublicFAQInput struct {
	ListParams
	Tenant string `path:"tenant" maxLength:"64" doc:"The tenant's slug."`
	Q      string `query:"q" maxLength:"200"`
}

type PublicArticleInput struct {
	Tenant string    `path:"tenant" maxLength:"64"`
	ID     uuid.UUID `path:"id"`
}

func registerKBAdminRoutes(api huma.API, s *Server, svc *kb.Service) {
	tags := []string{"Knowledge base"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResKB, Action: a} }
	register(api, huma.Operation{OperationID: "list-kb-categories", Method: http.MethodGet, Path: "/v1/kb/categories",
		Summary: "List the category tree", Tags: tags, Description: "Flat, by parent and position."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ListCategoriesOutput, error) {
			cs, err := svc.Categories(ctx, unitOfWork(ctx))
			out := &ListCategoriesOutput{}
			out.Body.Items = nonNil(cs)
			return out, err
		})
	putCategory := func(ctx context.Context, id uuid.UUID, f CategoryFields) (*CategoryOutput, error) {
		c, err := svc.PutCategory(ctx, unitOfWork(ctx), kb.Category{ID: id, ParentID: f.ParentID, NameZh: f.NameZh,
			NameEn: f.NameEn, Position: f.Position})
		return &CategoryOutput{Body: c}, err
	}
	register(api, huma.Operation{OperationID: "create-kb-category", Method: http.MethodPost, Path: "/v1/kb/categories",
		Summary: "Create a category", Tags: tags, DefaultStatus: http.StatusCreated},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreateCategoryInput) (*CategoryOutput, error) {
			return putCategory(ctx, uuid.Nil, in.Body)
		})
	register(api, huma.Operation{OperationID: "put-kb-category", Method: http.MethodPut, Path: "/v1/kb/categories/{id}",
		Summary: "Rename or move a category", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutCategoryInput) (*CategoryOutput, error) {
			return putCategory(ctx, in.ID, in.Body)
		})
	register(api, huma.Operation{OperationID: "delete-kb-category", Method: http.MethodDelete, Path: "/v1/kb/categories/{id}",
		Summary: "Delete an empty category", Tags: tags, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound, http.StatusConflict}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *ArticleIDInput) (*struct{}, error) {
			return nil, svc.DeleteCategory(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "list-kb-synonyms", Method: http.MethodGet, Path: "/v1/kb/synonyms",
		Summary: "List the search synonyms", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ListSynonymsOutput, error) {
			gs, err := svc.Synonyms(ctx, unitOfWork(ctx))
			out := &ListSynonymsOutput{}
			out.Body.Items = nonNil(gs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-kb-synonyms", Method: http.MethodPost, Path: "/v1/kb/synonyms",
		Summary: "Add a group of synonyms", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Search treats the words of a group as one: 冰箱 finds 电冰箱 and the other way round."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreateSynonymsInput) (*SynonymsOutput, error) {
			g, err := svc.PutSynonyms(ctx, unitOfWork(ctx), kb.SynonymGroup{Words: in.Body.Words})
			return &SynonymsOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "put-kb-synonyms", Method: http.MethodPut, Path: "/v1/kb/synonyms/{id}",
		Summary: "Replace a group of synonyms", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutSynonymsInput) (*SynonymsOutput, error) {
			g, err := svc.PutSynonyms(ctx, unitOfWork(ctx), kb.SynonymGroup{ID: in.ID, Words: in.Body.Words})
			return &SynonymsOutput{Body: g}, err
		})
	register(api, huma.Operation{OperationID: "delete-kb-synonyms", Method: http.MethodDelete, Path: "/v1/kb/synonyms/{id}",
		Summary: "Delete a group of synonyms", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *ArticleIDInput) (*struct{}, error) {
			return nil, svc.DeleteSynonyms(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "public-faq", Method: http.MethodGet, Path: "/v1/public/{tenant}/faq",
		Summary: "Search a tenant's public FAQ", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "No login: the tenant's published articles written for the public, searched like the portal's."},
		access{Who: accessPublic},
		func(ctx context.Context, in *PublicFAQInput) (*ListArticlesOutput, error) {
			hits, next, err := svc.PublicFAQ(ctx, in.Tenant, kb.Criteria{Text: in.Q, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListArticlesOutput{}
			out.Body.Items, out.Body.Next = nonNil(hits), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "public-faq-article", Method: http.MethodGet, Path: "/v1/public/{tenant}/faq/{id}",
		Summary: "Read a public FAQ article", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessPublic},
		func(ctx context.Context, in *PublicArticleInput) (*ArticleOutput, error) {
			a, err := svc.PublicArticle(ctx, in.Tenant, in.ID)
			return &ArticleOutput{Body: a}, err
		})
}
