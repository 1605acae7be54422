package api

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
)

// AttachmentForm is the multipart form of an upload.
type AttachmentForm struct {
	ID        string        `form:"id" required:"false" doc:"A UUID the client chooses, so that an upload sent twice (the phone's offline queue) is stored once; omitted: a new one."`
	OwnerKind string        `form:"owner_kind" doc:"What the file belongs to: work_order (photos and signatures of a service record), kb_article…" example:"work_order"`
	OwnerID   string        `form:"owner_id" doc:"The ID of the owner."`
	Label     string        `form:"label" required:"false" doc:"What it is to its owner, e.g. photo or signature; lowercase, at most 32 characters." example:"photo"`
	File      huma.FormFile `form:"file" doc:"The file: JPEG, PNG, WebP, HEIC or PDF, as its content says (the declared type and name are not trusted)."`
}

type UploadAttachmentInput struct {
	RawBody huma.MultipartFormFiles[AttachmentForm]
}

type AttachmentOutput struct{ Body *blob.Attachment }

type ListAttachmentsInput struct {
	OwnerKind string    `query:"owner_kind" required:"true" maxLength:"32" example:"work_order"`
	OwnerID   uuid.UUID `query:"owner_id" required:"true"`
}

type ListAttachmentsOutput struct {
	Body struct {
		Items []*blob.Attachment `json:"items"`
	}
}

type AttachmentIDInput struct {
	ID uuid.UUID `path:"id"`
}

type AttachmentContentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	ContentSecurity    string `header:"Content-Security-Policy"`
	ETag               string `header:"ETag"`
	Body               []byte
}

// attachmentAccessDocs says once who may do what.
const attachmentAccessDocs = "Access is the owner's: a work order's attachments are read by whoever sees the order " +
	"(see get-work-order; anyone else gets 404, another tenant's attachment too) and attached or deleted by the " +
	"technician holding the order or a user who may update work orders at its site. A knowledge-base article's " +
	"(kb_article) are read by whoever reads the article (its audience, status and regions) and attached or deleted by " +
	"knowledge-base editors (kb:update)."

func registerAttachmentRoutes(api huma.API, s *Server, svc *blob.Service) {
	tags := []string{"Attachments"}
	notFound := []int{http.StatusNotFound}
	limits := blob.Limits{}.WithDefaults()
	if svc != nil {
		limits = svc.Limits()
		registerWorkOrderOwner(s, svc.Owners())
	}
	register(api, huma.Operation{OperationID: "upload-attachment", Method: http.MethodPost, Path: "/v1/attachments",
		Summary: "Upload an attachment", Tags: tags, DefaultStatus: http.StatusCreated,
		MaxBodyBytes: limits.MaxSize + 64<<10, Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusLengthRequired},
		Description: "A multipart/form-data upload of one file with its owner. The content type is sniffed from the content; " +
			"accepted: " + strings.Join(limits.Types, ", ") + "; anything else is refused with 415. A file over " +
			"its kind's limit (images: BLOB_IMAGE_MAX_SIZE_MB, 10 MiB by default; PDFs: BLOB_PDF_MAX_SIZE_MB, 20 MiB " +
			"by default; any upload: BLOB_MAX_SIZE_MB, 20 MiB by default, which caps both) is refused with 413; both " +
			"problems name the limit. " +
			"The file is stored under the tenant and the attachment's ID, never under its name. " +
			"Sending an `id` already stored for the same owner returns that attachment (an offline queue's replay); " +
			"an Idempotency-Key works too: the same form (its fields and files, whatever the multipart boundary) " +
			"with the same key replays the first response, another form with it is refused with 422. " +
			attachmentAccessDocs},
		access{Who: accessTenant, Idempotent: true},
		func(ctx context.Context, in *UploadAttachmentInput) (*AttachmentOutput, error) {
			f := in.RawBody.Data()
			n := blob.NewAttachment{OwnerKind: f.OwnerKind, Label: f.Label, FileName: f.File.Filename, Size: f.File.Size}
			for _, p := range []struct {
				name, v  string
				dst      *uuid.UUID
				required bool
			}{{"owner_id", f.OwnerID, &n.OwnerID, true}, {"id", f.ID, &n.ID, false}} {
				if p.v == "" && !p.required {
					continue
				}
				id, err := uuid.Parse(p.v)
				if err != nil {
					return nil, core.FieldError(p.name, "is not a UUID")
				}
				*p.dst = id
			}
			if !f.File.IsSet || f.File.File == nil {
				return nil, core.FieldError("file", "is required")
			}
			defer f.File.Close()
			a, err := s.attachments().Attach(ctx, unitOfWork(ctx), n, f.File)
			return &AttachmentOutput{Body: a}, err
		})
	register(api, huma.Operation{OperationID: "list-attachments", Method: http.MethodGet, Path: "/v1/attachments",
		Summary: "List an owner's attachments", Tags: tags, Errors: notFound,
		Description: "Oldest first. " + attachmentAccessDocs},
		access{Who: accessTenant},
		func(ctx context.Context, in *ListAttachmentsInput) (*ListAttachmentsOutput, error) {
			items, err := s.attachments().FindAttachments(ctx, unitOfWork(ctx), in.OwnerKind, in.OwnerID)
			if err != nil {
				return nil, err
			}
			out := &ListAttachmentsOutput{}
			out.Body.Items = nonNil(items)
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-attachment", Method: http.MethodGet, Path: "/v1/attachments/{id}",
		Summary: "Get an attachment's description", Tags: tags, Errors: notFound, Description: attachmentAccessDocs},
		access{Who: accessTenant},
		func(ctx context.Context, in *AttachmentIDInput) (*AttachmentOutput, error) {
			a, err := s.attachments().FindAttachmentByID(ctx, unitOfWork(ctx), in.ID)
			return &AttachmentOutput{Body: a}, err
		})
	register(api, huma.Operation{OperationID: "download-attachment", Method: http.MethodGet, Path: "/v1/attachments/{id}/content",
		Summary: "Download an attachment", Tags: tags, Errors: notFound,
		Description: "The file with its sniffed type, as an attachment download (Content-Disposition with its name), " +
			"X-Content-Type-Options nosniff and a sandboxing Content-Security-Policy. " + attachmentAccessDocs,
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: fileContent()}}},
		access{Who: accessTenant},
		func(ctx context.Context, in *AttachmentIDInput) (*AttachmentContentOutput, error) {
			a, rc, err := s.attachments().OpenAttachment(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			data, err := io.ReadAll(io.LimitReader(rc, a.Size+1))
			if err != nil {
				return nil, err
			}
			return &AttachmentContentOutput{ContentType: a.ContentType, Body: data, ETag: `"` + a.SHA256 + `"`,
				ContentSecurity:    "default-src 'none'; sandbox",
				ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName})}, nil
		})
	register(api, huma.Operation{OperationID: "delete-attachment", Method: http.MethodDelete, Path: "/v1/attachments/{id}",
		Summary: "Delete an attachment", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: notFound,
		Description: "Deletes the attachment and, once that is committed, its file. " + attachmentAccessDocs},
		access{Who: accessTenant},
		func(ctx context.Context, in *AttachmentIDInput) (*struct{}, error) {
			return nil, s.attachments().DeleteAttachment(ctx, unitOfWork(ctx), in.ID)
		})
}

// attachments is the attachment service (the spec-only server has none,
// and serves no request).
func (s *Server) attachments() *blob.Service { return s.deps.Attachments }

// registerWorkOrderOwner registers the work_order owner kind: photos and
// signatures of a service record. Whoever sees the order reads them; the
// technician holding it, or a user who may update orders at its site,
// attaches and deletes.
func registerWorkOrderOwner(s *Server, reg *blob.Registry) {
	wo := s.deps.WorkOrders
	reg.Register("work_order", blob.OwnerKindFunc(func(ctx context.Context, u core.UnitOfWork, id uuid.UUID, acc blob.Access, _ *blob.Attachment) error {
		read := core.Permission{Resource: core.ResWorkOrders, Action: core.ActRead}
		w, tech, err := wo.findWorkOrderInScope(ctx, s, id, read)
		if err != nil || acc == blob.Read {
			return err
		}
		if tech != nil && w.TechnicianID != nil && *w.TechnicianID == *tech {
			return nil
		}
		update := core.Permission{Resource: core.ResWorkOrders, Action: core.ActUpdate}
		if w.SiteID != nil && tech == nil && s.authorize(ctx, update, core.Target{SiteID: w.SiteID}) == nil {
			return nil
		}
		return core.Errorf(core.EFORBIDDEN, "only the technician holding the order or its site's staff may change its attachments")
	}))
}

// fileContent documents a download in each type an attachment may have.
func fileContent() map[string]*huma.MediaType {
	out := map[string]*huma.MediaType{}
	for _, t := range blob.DefaultTypes {
		out[t] = &huma.MediaType{Schema: &huma.Schema{Type: "string", Format: "binary"}}
	}
	return out
}
