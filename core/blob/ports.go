package blob

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Repositories gives the attachment use cases their repository within a
// unit of work. The PostgreSQL adapter implements it; so does the
// in-memory fake of core/coretest.
type Repositories interface {
	Attachments(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's attachment rows within a unit
// of work. InsertAttachment queues its write: it reaches the database
// with the unit's next read or its commit, and its error, if any, is
// returned there.
type Repository interface {
	InsertAttachment(a *Attachment)
	// FindAttachmentByID: ENOTFOUND.
	FindAttachmentByID(ctx context.Context, id uuid.UUID) (*Attachment, error)
	// FindAttachments lists an owner's attachments, oldest first (at most
	// MaxPerOwner).
	FindAttachments(ctx context.Context, ownerKind string, ownerID uuid.UUID) ([]*Attachment, error)
	// CountAttachments counts an owner's attachments.
	CountAttachments(ctx context.Context, ownerKind string, ownerID uuid.UUID) (int, error)
	// DeleteAttachment deletes the row; ENOTFOUND.
	DeleteAttachment(ctx context.Context, id uuid.UUID) error
}

// MaxPerOwner is how many attachments one owner may have.
const MaxPerOwner = 200

// Access is what a caller wants to do with an owner's attachments.
type Access string

const (
	// Read: list and download.
	Read Access = "read"
	// Attach: upload a new one.
	Attach Access = "attach"
	// Delete: delete one (the attachment is given to the owner kind).
	Delete Access = "delete"
)

// OwnerKind is one kind of thing attachments belong to. Each kind says,
// through Authorize, who may read, attach and delete; the use cases ask
// it before every act.
type OwnerKind interface {
	// Authorize returns nil when the caller (ctx carries who it is: the
	// API puts the principal there) may do acc on the attachments of the
	// owner ownerID in u's tenant. It returns ENOTFOUND when the owner does
	// not exist or the caller may not see it (so that another tenant's or
	// scope's owner looks absent), EFORBIDDEN when they see it but may not
	// do acc (EUNPROCESSABLE/ECONFLICT when the owner's state forbids it).
	// For Delete, a is the attachment; nil otherwise.
	Authorize(ctx context.Context, u core.UnitOfWork, ownerID uuid.UUID, acc Access, a *Attachment) error
}

// OwnerKindFunc makes a function an OwnerKind.
type OwnerKindFunc func(ctx context.Context, u core.UnitOfWork, ownerID uuid.UUID, acc Access, a *Attachment) error

// Authorize implements OwnerKind.
func (f OwnerKindFunc) Authorize(ctx context.Context, u core.UnitOfWork, ownerID uuid.UUID, acc Access, a *Attachment) error {
	return f(ctx, u, ownerID, acc, a)
}

// Registry holds the owner kinds by name. Areas register theirs while
// the command wires the process (work_order, kb_article…); the use cases
// refuse any kind not registered.
type Registry struct {
	mu    sync.RWMutex
	kinds map[string]OwnerKind
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]OwnerKind{}} }

// Register adds (or replaces) the owner kind name; name must be a label
// (lowercase letters, digits, _).
func (r *Registry) Register(name string, k OwnerKind) {
	if !labelPattern.MatchString(name) {
		panic("blob: owner kind " + name + " is not a lowercase name")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds[name] = k
}

// Kind returns the owner kind name; EINVALID naming owner_kind when it
// is not registered.
func (r *Registry) Kind(name string) (OwnerKind, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if k, ok := r.kinds[name]; ok {
		return k, nil
	}
	return nil, core.FieldError("owner_kind", "%q is not a kind of owner of attachments", name)
}
