package blob

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Attachment is a stored file and what owns it.
type Attachment struct {
	ID          uuid.UUID `json:"id"`
	OwnerKind   string    `json:"owner_kind" doc:"What owns it, e.g. work_order, kb_article."`
	OwnerID     uuid.UUID `json:"owner_id"`
	Label       string    `json:"label" doc:"What it is to its owner, e.g. photo or signature on a work order; may be empty."`
	FileName    string    `json:"file_name" doc:"The name the file was uploaded with (for display and downloads only)."`
	ContentType string    `json:"content_type" doc:"The type sniffed from the content, not the one the uploader claimed."`
	Size        int64     `json:"size" doc:"Bytes."`
	SHA256      string    `json:"sha256" doc:"Hex SHA-256 of the content."`
	CreatedBy   uuid.UUID `json:"created_by" doc:"The user or API key that attached it."`
	CreatedAt   time.Time `json:"created_at"`
}

// ObjectKey is where an attachment's content is stored: under its
// tenant, by its ID, so that a user-chosen name never reaches the store
// and one tenant's objects share a prefix (TenantPrefix).
func ObjectKey(tenant, id uuid.UUID) string {
	return TenantPrefix(tenant) + id.String()
}

// TenantPrefix is the key prefix of a tenant's objects.
func TenantPrefix(tenant uuid.UUID) string { return keyRoot + tenant.String() + "/" }

const keyRoot = "tenants/"

// parseObjectKey is ObjectKey's inverse (ok false for any other key).
func parseObjectKey(key string) (tenant, id uuid.UUID, ok bool) {
	rest, found := strings.CutPrefix(key, keyRoot)
	if !found {
		return uuid.Nil, uuid.Nil, false
	}
	t, i, found := strings.Cut(rest, "/")
	if !found {
		return uuid.Nil, uuid.Nil, false
	}
	tenant, err1 := uuid.Parse(t)
	id, err2 := uuid.Parse(i)
	return tenant, id, err1 == nil && err2 == nil && ObjectKey(tenant, id) == key
}

// NewAttachment is what an upload says besides its content.
type NewAttachment struct {
	// ID may be chosen by the client (uuid.Nil: a new one), so that an
	// upload queued offline and sent twice is stored once: the second
	// gets the first's attachment (see Service.Attach).
	ID        uuid.UUID
	OwnerKind string
	OwnerID   uuid.UUID
	Label     string
	FileName  string
	// Size is the declared byte count (-1: unknown); the content is
	// counted anyway.
	Size int64
}

var labelPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Validate checks the fields and cleans the file name (its last path
// element, trimmed).
func (n *NewAttachment) Validate() error {
	if n.OwnerKind == "" {
		return core.FieldError("owner_kind", "is required")
	}
	if n.OwnerID == uuid.Nil {
		return core.FieldError("owner_id", "is required")
	}
	if n.Label != "" && !labelPattern.MatchString(n.Label) {
		return core.FieldError("label", "must be 1-32 lowercase letters, digits or _, starting with a letter")
	}
	name := n.FileName
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "" || name == "." || name == "..":
		return core.FieldError("file_name", "is required")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > 255:
		return core.FieldError("file_name", "must be valid UTF-8 of at most 255 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return core.FieldError("file_name", "must not contain control characters")
	}
	n.FileName = name
	return nil
}

// Limits are what an upload may be.
type Limits struct {
	// MaxSize is the largest upload of any kind in bytes (0: the largest
	// of the kinds' limits); it caps them.
	MaxSize int64
	// ImageMaxSize and PDFMaxSize are the largest image and PDF in bytes
	// (0: DefaultImageMaxSize, DefaultPDFMaxSize).
	ImageMaxSize, PDFMaxSize int64
	// Types are the content types accepted, as Sniff names them (nil:
	// DefaultTypes).
	Types []string
}

// DefaultMaxSize is the upload limit when none is configured: the
// largest of the kinds' defaults.
const DefaultMaxSize = DefaultPDFMaxSize

// DefaultImageMaxSize and DefaultPDFMaxSize are the per-kind limits when
// none are configured: a phone's photo, a scanned manual.
const (
	DefaultImageMaxSize = 10 << 20
	DefaultPDFMaxSize   = 20 << 20
)

// DefaultTypes are the content types accepted when none are configured:
// photos as phones take them, and PDF.
var DefaultTypes = []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}

func (l Limits) withDefaults() Limits {
	if l.ImageMaxSize <= 0 {
		l.ImageMaxSize = DefaultImageMaxSize
	}
	if l.PDFMaxSize <= 0 {
		l.PDFMaxSize = DefaultPDFMaxSize
	}
	if l.MaxSize <= 0 {
		l.MaxSize = max(l.ImageMaxSize, l.PDFMaxSize)
	}
	l.ImageMaxSize, l.PDFMaxSize = min(l.ImageMaxSize, l.MaxSize), min(l.PDFMaxSize, l.MaxSize)
	if l.Types == nil {
		l.Types = DefaultTypes
	}
	return l
}

// WithDefaults returns l with every limit set (see the fields).
func (l Limits) WithDefaults() Limits { return l.withDefaults() }

// ForType returns the largest upload of a content type as Sniff names it
// and what the limit is called: "images", "PDFs", or "" for the overall
// limit.
func (l Limits) ForType(ctype string) (int64, string) {
	switch {
	case strings.HasPrefix(ctype, "image/"):
		return l.ImageMaxSize, "images"
	case ctype == "application/pdf":
		return l.PDFMaxSize, "PDFs"
	}
	return l.MaxSize, ""
}

// TooLarge is the 413 error naming the overall limit.
func (l Limits) TooLarge() error { return l.tooLarge("") }

// tooLarge is the 413 error naming the limit of a content type.
func (l Limits) tooLarge(ctype string) error {
	limit, kind := l.ForType(ctype)
	msg := fmt.Sprintf("is larger than the limit of %s (%d bytes)", humanBytes(limit), limit)
	if kind != "" {
		msg = fmt.Sprintf("is larger than the limit for %s of %s (%d bytes)", kind, humanBytes(limit), limit)
	}
	return &core.Error{Code: core.ETOOLARGE, Message: "file: " + msg, Fields: map[string]string{"file": msg}}
}

// unsupported is the 415 error naming the accepted types.
func (l Limits) unsupported(got string) error {
	msg := fmt.Sprintf("is %s; accepted: %s", got, strings.Join(l.Types, ", "))
	return &core.Error{Code: core.EUNSUPPORTED, Message: "file: " + msg, Fields: map[string]string{"file": msg}}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
