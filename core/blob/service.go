package blob

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Service runs the attachment use cases. Methods with a unit of work
// read and write through it and leave it open: their caller commits (see
// core.UnitOfWork). Objects are written before the row (so a row never
// points to nothing) and deleted after the row's commit (so a rollback
// keeps what the row points to); what a failure between the two leaves is
// an object without a row, which SweepOrphans removes.
type Service struct {
	objects Store
	repos   Repositories
	owners  *Registry
	limits  Limits
	clock   core.Clock
}

// Config is what a Service is built from.
type Config struct {
	Objects Store
	Repos   Repositories
	Owners  *Registry // nil: an empty registry
	Limits  Limits
	Clock   core.Clock // nil: the system clock
}

// New returns the attachment use cases.
func New(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Owners == nil {
		c.Owners = NewRegistry()
	}
	return &Service{objects: c.Objects, repos: c.Repos, owners: c.Owners, limits: c.Limits.withDefaults(), clock: c.Clock}
}

// Objects is the object store (other areas' files, e.g. report exports).
func (s *Service) Objects() Store { return s.objects }

// Owners is the registry the service asks; areas register their kinds.
func (s *Service) Owners() *Registry { return s.owners }

// Limits are the limits the service applies.
func (s *Service) Limits() Limits { return s.limits }

// Attach stores body as a new attachment of n's owner. EINVALID for bad
// fields or an unknown owner kind; what the owner kind's Authorize
// returns; ETOOLARGE when the declared size or the content exceeds the
// limit; EUNSUPPORTED when the sniffed type is not accepted; ECONFLICT
// when the owner has MaxPerOwner attachments already, or n.ID is another
// owner's attachment. When n.ID is an attachment of the same owner
// already, that attachment is returned and body is not read: a replayed
// upload is stored once.
func (s *Service) Attach(ctx context.Context, u core.UnitOfWork, n NewAttachment, body io.Reader) (*Attachment, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	kind, err := s.owners.Kind(n.OwnerKind)
	if err != nil {
		return nil, err
	}
	if err := kind.Authorize(ctx, u, n.OwnerID, Attach, nil); err != nil {
		return nil, err
	}
	if n.Size > s.limits.MaxSize {
		return nil, s.limits.TooLarge()
	}
	repo := s.repos.Attachments(u)
	if n.ID != uuid.Nil {
		if prev, err := repo.FindAttachmentByID(ctx, n.ID); err == nil {
			if prev.OwnerKind != n.OwnerKind || prev.OwnerID != n.OwnerID {
				return nil, core.Errorf(core.ECONFLICT, "attachment %s exists with another owner", n.ID)
			}
			return prev, nil // a replay: stored once
		} else if core.ErrorCode(err) != core.ENOTFOUND {
			return nil, err
		}
	}
	count, err := repo.CountAttachments(ctx, n.OwnerKind, n.OwnerID)
	if err != nil {
		return nil, err
	}
	if count >= MaxPerOwner {
		return nil, core.Errorf(core.ECONFLICT, "the owner has %d attachments, the most it may have", MaxPerOwner)
	}
	br := bufio.NewReaderSize(body, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, core.FieldError("file", "could not be read")
	}
	if len(head) == 0 {
		return nil, core.FieldError("file", "is empty")
	}
	ctype := Sniff(head)
	if !accepted(s.limits.Types, ctype) {
		return nil, s.limits.unsupported(ctype)
	}
	limit, _ := s.limits.ForType(ctype)
	if n.Size > limit {
		return nil, s.limits.tooLarge(ctype)
	}
	if n.ID == uuid.Nil {
		n.ID = uuid.New()
	}
	a := &Attachment{ID: n.ID, OwnerKind: n.OwnerKind, OwnerID: n.OwnerID, Label: n.Label, FileName: n.FileName,
		ContentType: ctype, CreatedBy: core.ActorOf(ctx).ID, CreatedAt: s.clock.Now().Truncate(time.Microsecond)}
	cr := &countingReader{r: br, max: limit, h: sha256.New()}
	key := ObjectKey(u.TenantID(), a.ID)
	if err := s.objects.Put(ctx, key, cr, n.Size, ctype); err != nil {
		_ = s.objects.Delete(context.WithoutCancel(ctx), key)
		if errors.Is(err, errTooLarge) {
			return nil, s.limits.tooLarge(ctype)
		}
		return nil, err
	}
	a.Size, a.SHA256 = cr.n, hex.EncodeToString(cr.h.Sum(nil))
	repo.InsertAttachment(a)
	return a, nil
}

func accepted(types []string, t string) bool {
	for _, a := range types {
		if a == t {
			return true
		}
	}
	return false
}

var errTooLarge = errors.New("blob: content exceeds the size limit")

// countingReader counts and hashes what passes and fails past max bytes.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
	h   hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	if c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}

// FindAttachments lists an owner's attachments, oldest first, when the
// caller may read them (see OwnerKind.Authorize).
func (s *Service) FindAttachments(ctx context.Context, u core.UnitOfWork, ownerKind string, ownerID uuid.UUID) ([]*Attachment, error) {
	kind, err := s.owners.Kind(ownerKind)
	if err != nil {
		return nil, err
	}
	if err := kind.Authorize(ctx, u, ownerID, Read, nil); err != nil {
		return nil, err
	}
	return s.repos.Attachments(u).FindAttachments(ctx, ownerKind, ownerID)
}

// FindAttachmentByID reads an attachment the caller may read; ENOTFOUND
// when it is absent or its owner is hidden from them.
func (s *Service) FindAttachmentByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Attachment, error) {
	a, err := s.repos.Attachments(u).FindAttachmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	kind, err := s.owners.Kind(a.OwnerKind)
	if err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	if err := kind.Authorize(ctx, u, a.OwnerID, Read, nil); err != nil {
		if core.ErrorCode(err) == core.EFORBIDDEN {
			return nil, core.Errorf(core.ENOTFOUND, "attachment not found")
		}
		return nil, err
	}
	return a, nil
}

// OpenAttachment is FindAttachmentByID with the content, which the
// caller closes.
func (s *Service) OpenAttachment(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Attachment, io.ReadCloser, error) {
	a, err := s.FindAttachmentByID(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.objects.Open(ctx, ObjectKey(u.TenantID(), a.ID))
	if err != nil {
		return nil, nil, err
	}
	return a, rc, nil
}

// DeleteAttachment deletes an attachment the caller may delete (see
// OwnerKind.Authorize), and its object once u commits. ENOTFOUND.
func (s *Service) DeleteAttachment(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	a, err := s.FindAttachmentByID(ctx, u, id)
	if err != nil {
		return err
	}
	kind, _ := s.owners.Kind(a.OwnerKind)
	if err := kind.Authorize(ctx, u, a.OwnerID, Delete, a); err != nil {
		return err
	}
	if err := s.repos.Attachments(u).DeleteAttachment(ctx, id); err != nil {
		return err
	}
	key, objects := ObjectKey(u.TenantID(), id), s.objects
	u.AfterCommit(func() {
		// A failure leaves an orphan, which SweepOrphans removes.
		_ = objects.Delete(context.WithoutCancel(ctx), key)
	})
	return nil
}
