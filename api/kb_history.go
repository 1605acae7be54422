package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

type ListVersionsOutput struct {
	Body struct {
		Items []*kb.Version `json:"items"`
	}
}

type DiffVersionsInput struct {
	ID   uuid.UUID `path:"id"`
	From int       `query:"from" minimum:"1" required:"true"`
	To   int       `query:"to" minimum:"1" required:"true"`
}

type DiffVersionsOutput struct {
	Body struct {
		Diff string `json:"diff" doc:"A unified diff of the two versions' titles and bodies."`
	}
}

type RestoreVersionInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version int `json:"version" minimum:"1" doc:"The version whose content becomes the article's again."`
	}
}

type ListCommentsOutput struct {
	Body struct {
		Items []*kb.Comment `json:"items"`
	}
}

type AddCommentInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Body string `json:"body" minLength:"1" maxLength:"4000"`
	}
}

type CommentOutput struct{ Body *kb.Comment }

type FeedbackInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		View    bool  `json:"view,omitempty" doc:"Count a view."`
		Helpful *bool `json:"helpful,omitempty" doc:"The reader found it helpful (true) or not (false)."`
	}
}

type PreviewInput struct {
	Body struct {
		Body string `json:"body" maxLength:"200000" doc:"Markdown."`
	}
}

type PreviewOutput struct {
	Body struct {
		HTML string `json:"html" doc:"The Markdown rendered and sanitised, as the article will show it."`
	}
}

func registerKBHistoryRoutes(api huma.API, s *Server, svc *kb.Service) {
	tags := []string{"Knowledge base"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResKB, Action: a} }
	register(api, huma.Operation{OperationID: "preview-kb-markdown", Method: http.MethodPost, Path: "/v1/kb/preview",
		Summary: "Render Markdown as an article would show it", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActCreate)},
		func(ctx context.Context, in *PreviewInput) (*PreviewOutput, error) {
			out := &PreviewOutput{}
			out.Body.HTML, _ = kb.Render(in.Body.Body)
			return out, nil
		})
	register(api, huma.Operation{OperationID: "list-kb-versions", Method: http.MethodGet, Path: "/v1/kb/articles/{id}/versions",
		Summary: "List an article's versions", Tags: tags, Errors: []int{http.StatusNotFound}, Description: "Newest first."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *ArticleIDInput) (*ListVersionsOutput, error) {
			vs, err := svc.Versions(ctx, unitOfWork(ctx), in.ID)
			out := &ListVersionsOutput{}
			out.Body.Items = nonNil(vs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "diff-kb-versions", Method: http.MethodGet, Path: "/v1/kb/articles/{id}/diff",
		Summary: "Compare two versions of an article", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *DiffVersionsInput) (*DiffVersionsOutput, error) {
			d, err := svc.Diff(ctx, unitOfWork(ctx), in.ID, in.From, in.To)
			out := &DiffVersionsOutput{}
			out.Body.Diff = d
			return out, err
		})
	register(api, huma.Operation{OperationID: "restore-kb-version", Method: http.MethodPost, Path: "/v1/kb/articles/{id}/restore",
		Summary: "Restore an earlier version", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Writes the version's content as a new draft version; it needs a review to be published."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *RestoreVersionInput) (*ArticleOutput, error) {
			a, err := svc.Restore(ctx, unitOfWork(ctx), in.ID, in.Body.Version)
			return &ArticleOutput{Body: a}, err
		})
	register(api, huma.Operation{OperationID: "list-kb-comments", Method: http.MethodGet, Path: "/v1/kb/articles/{id}/comments",
		Summary: "List the review comments of an article", Tags: tags, Description: "Oldest first."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *ArticleIDInput) (*ListCommentsOutput, error) {
			cs, err := svc.Comments(ctx, unitOfWork(ctx), in.ID)
			out := &ListCommentsOutput{}
			out.Body.Items = nonNil(cs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "add-kb-comment", Method: http.MethodPost, Path: "/v1/kb/articles/{id}/comments",
		Summary: "Comment on an article", Tags: tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *AddCommentInput) (*CommentOutput, error) {
			c, err := svc.Comment(ctx, unitOfWork(ctx), in.ID, in.Body.Body)
			return &CommentOutput{Body: c}, err
		})
	register(api, huma.Operation{OperationID: "kb-article-feedback", Method: http.MethodPost, Path: "/v1/kb/articles/{id}/feedback",
		Summary: "Count a view or a reader's feedback", Tags: tags, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound}, Description: "Views and helpful / not helpful answers are counted on the article for reports."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *FeedbackInput) (*struct{}, error) {
			v, err := s.kbViewer(ctx)
			if err != nil {
				return nil, err
			}
			return nil, svc.Count(ctx, unitOfWork(ctx), v, in.ID, in.Body.View, in.Body.Helpful)
		})
}
