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
	"github.com/aftersales/aftersales/core/kb"
)

// maxKBImportBody bounds an article import's upload.
const maxKBImportBody = 50 << 20

// KBImportForm is the multipart form of an article import.
type KBImportForm struct {
	Files   []huma.FormFile `form:"files" doc:"One or more files: Markdown (.md, .markdown) with front matter, zips of Markdown files, or CSV (.csv) with one article per row."`
	Charset string          `form:"charset" required:"false" enum:"utf-8,gbk,gb18030,gb2312," doc:"The charset of the CSV files: utf-8, or gbk (gb18030, gb2312) as Excel saves CSV in a Chinese locale. A file part's own Content-Type charset overrides it. Omitted: UTF-8 when the file is valid UTF-8, else GBK when it decodes as GBK; anything else is refused naming the file."`
	Publish string          `form:"publish" required:"false" enum:"true,false," doc:"true: publish the imported articles without a separate review (needs kb:approve; the importer is recorded as the reviewer). Otherwise they are drafts."`
}

type DeleteArticleInput struct {
	ID      uuid.UUID `path:"id"`
	Version int       `query:"version" minimum:"1" required:"true" doc:"The version you saw; 409 when it changed since."`
}

type ImportKBArticlesInput struct {
	RawBody huma.MultipartFormFiles[KBImportForm]
}

const kbImportDocs = "Imports articles for a move from another system. Each Markdown file is one article: optional " +
	"front matter between `---` lines with `key`, `title`, `category` (a category's ID, Chinese or English name), " +
	"`tags`, `product_lines`, `models`, `fault_codes` (lists as `[a, b]`, `a, b` or `- a` lines) and `audience` " +
	"(internal, sites, technicians or public; default internal), then the Markdown body. Without `title`, the first " +
	"`# ` heading is the title; without `key`, the file's name (its path in a zip) without `.md`. A CSV has a header " +
	"row naming the columns `key`, `title`, `body` (required), `category`, `tags`, `product_lines`, `models`, " +
	"`fault_codes` (lists separated by `|`) and `audience`, in UTF-8 or GBK (see `charset`).\n\n" +
	"The key makes an import repeatable: an article imported under the same key before is updated (a new version; " +
	"of a published article a pending draft, readers keep the published version) or, when nothing changed, left " +
	"alone (`unchanged`); nothing is duplicated. Imported articles are drafts that go through review, unless " +
	"`publish=true` and the caller holds kb:approve (403 otherwise, nothing written): then they are published with " +
	"the importer recorded as their reviewer. Every row is checked: a bad row (bad field, unknown category, a key " +
	"repeated in the upload, an article in review) is reported with `row` (the CSV line, or the Markdown file's " +
	"position in the upload), `file` and the problem, and nothing of it is written; the other rows are. A file-level " +
	"problem (a file that is not Markdown, zip or CSV, an unreadable zip or CSV header, too many files) is a 422 and " +
	"nothing is written. Needs kb:create and kb:update. The import is recorded in the audit log."

// The import is a multipart upload of binary files (zips): checkBody
// leaves it to the multipart reader.
func init() { uploadOperations["import-kb-articles"] = true }

func registerKBMoreRoutes(api huma.API, s *Server, svc *kb.Service) {
	if s.deps.Attachments != nil {
		registerKBArticleOwner(s, svc, s.deps.Attachments.Owners())
	}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResKB, Action: a} }
	register(api, huma.Operation{OperationID: "delete-kb-article", Method: http.MethodDelete, Path: "/v1/kb/articles/{id}",
		Summary: "Delete a draft that was never published", Tags: []string{"Knowledge base"}, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Deletes the article with its versions, comments and attachments. Only a draft that was never " +
			"published may be deleted (409 otherwise: archive a published article). Recorded in the audit log."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *DeleteArticleInput) (*struct{}, error) {
			u := unitOfWork(ctx)
			if s.deps.Attachments != nil {
				files, err := s.attachments().FindAttachments(ctx, u, "kb_article", in.ID)
				if err != nil {
					return nil, err
				}
				for _, f := range files {
					if err := s.attachments().DeleteAttachment(ctx, u, f.ID); err != nil {
						return nil, err
					}
				}
			}
			return nil, svc.Delete(ctx, u, in.ID, in.Version)
		})
	register(api, huma.Operation{OperationID: "import-kb-articles", Method: http.MethodPost, Path: "/v1/kb/articles/import",
		Summary: "Import articles from Markdown files or CSV", Tags: []string{"Knowledge base"},
		MaxBodyBytes: maxKBImportBody, Errors: []int{http.StatusForbidden}, Description: kbImportDocs},
		// Repeatable by the articles' keys, and by an Idempotency-Key (the
		// form is hashed by its fields and files: idempotent_upload.go).
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ImportKBArticlesInput) (*ImportOutput, error) {
			f := in.RawBody.Data()
			if err := s.authorize(ctx, perm(core.ActUpdate), core.Target{}); err != nil {
				return nil, err
			}
			publish := f.Publish == "true"
			if publish {
				if err := s.authorize(ctx, perm(core.ActApprove), core.Target{}); err != nil {
					return nil, core.Errorf(core.EFORBIDDEN, "publish: publishing on import needs kb:approve; import as drafts and have them reviewed")
				}
			}
			if len(f.Files) == 0 {
				return nil, core.FieldError("files", "is required: at least one .md, .zip or .csv file")
			}
			files := make([]kb.ImportFile, 0, len(f.Files))
			for _, ff := range f.Files {
				data, err := io.ReadAll(io.LimitReader(ff, maxKBImportBody+1))
				_ = ff.Close()
				if err != nil {
					return nil, core.FieldError("files", "%s could not be read", ff.Filename)
				}
				cs := f.Charset
				if _, params, err := mime.ParseMediaType(ff.ContentType); err == nil && params["charset"] != "" {
					cs = params["charset"]
				}
				files = append(files, kb.ImportFile{Name: strings.TrimSpace(ff.Filename), Data: data, Charset: cs})
			}
			rows, parsed, err := kb.ParseImport(files)
			if err != nil {
				return nil, err
			}
			rep, err := svc.Import(ctx, unitOfWork(ctx), rows, kb.ImportOptions{Publish: publish})
			if err != nil {
				return nil, err
			}
			rep.Total = parsed.Total
			rep.Finish()
			return &ImportOutput{Body: rep}, nil
		})
}

// registerKBArticleOwner registers the kb_article owner kind: an
// article's images and PDFs. Whoever reads the article (kb:read, and the
// article visible to them: its audience, status and regions, see
// list-kb-articles) reads its attachments; editors (kb:update) attach and
// delete. Anyone else, another tenant included, gets 404.
func registerKBArticleOwner(s *Server, svc *kb.Service, reg *blob.Registry) {
	read := core.Permission{Resource: core.ResKB, Action: core.ActRead}
	update := core.Permission{Resource: core.ResKB, Action: core.ActUpdate}
	reg.Register("kb_article", blob.OwnerKindFunc(func(ctx context.Context, u core.UnitOfWork, id uuid.UUID, acc blob.Access, _ *blob.Attachment) error {
		if s.authorize(ctx, read, core.Target{}) != nil {
			return core.Errorf(core.ENOTFOUND, "article not found")
		}
		v, err := s.kbViewer(ctx)
		if err != nil {
			return err
		}
		if _, err := svc.Get(ctx, u, v, id); err != nil || acc == blob.Read {
			return err
		}
		if s.authorize(ctx, update, core.Target{}) != nil {
			return core.Errorf(core.EFORBIDDEN, "only knowledge-base editors may change an article's attachments")
		}
		return nil
	}))
}
