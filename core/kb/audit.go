package kb

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// ResArticle is the audit log's resource type of articles; imports are
// recorded under ResImport.
const (
	ResArticle = "kb_article"
	ResImport  = "kb_import"
)

// Actions recorded besides audit's create, update, delete and import.
const (
	ActSubmit   = "submit"
	ActPublish  = "publish"
	ActSendBack = "send_back"
	ActArchive  = "archive"
	ActRestore  = "restore"
)

var transitionActions = map[string]string{CommentSubmit: ActSubmit, CommentApprove: ActPublish,
	CommentSendBack: ActSendBack, "archive": ActArchive}

// auditView is what the audit log keeps of an article: what identifies
// it and its state, not its body (the versions keep that).
type auditView struct {
	Title        string      `json:"title"`
	Status       string      `json:"status"`
	Version      int         `json:"version"`
	LiveVersion  *int        `json:"live_version,omitempty"`
	Audience     string      `json:"audience"`
	CategoryID   *uuid.UUID  `json:"category_id,omitempty"`
	Tags         []string    `json:"tags"`
	ProductLines []string    `json:"product_lines"`
	Models       []string    `json:"models"`
	FaultCodes   []string    `json:"fault_codes"`
	Regions      []uuid.UUID `json:"regions"`
	ReviewBy     *time.Time  `json:"review_by,omitempty"`
	BodyBytes    int         `json:"body_bytes"`
	ExternalKey  string      `json:"external_key,omitempty"`
}

func viewOf(a *Article) any {
	if a == nil {
		return nil
	}
	return auditView{Title: a.Title, Status: a.Status, Version: a.Version, LiveVersion: a.LiveVersion, Audience: a.Audience,
		CategoryID: a.CategoryID, Tags: a.Tags, ProductLines: a.ProductLines, Models: a.Models, FaultCodes: a.FaultCodes,
		Regions: a.Regions, ReviewBy: a.ReviewBy, BodyBytes: len(a.Body), ExternalKey: a.ExternalKey}
}

// record appends an article's change to the audit log through u.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action string, id uuid.UUID, before, after *Article) {
	var b, a any
	if before != nil {
		b = viewOf(before)
	}
	if after != nil {
		a = viewOf(after)
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: ResArticle, ResourceID: id.String(),
		Before: b, After: a})
}
