package coretest

import (
	"bytes"
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
)

// Objects is the in-memory fake of blob.Store; objects are stamped by its
// clock.
type Objects struct {
	Clock core.Clock
	mu    sync.Mutex
	objs  map[string]storedObject
}

type storedObject struct {
	data []byte
	info blob.Info
}

// NewObjects returns an empty store stamped by clock (nil: the system clock).
func NewObjects(clock core.Clock) *Objects {
	if clock == nil {
		clock = core.SystemClock{}
	}
	return &Objects{Clock: clock, objs: map[string]storedObject{}}
}

// Put implements blob.Store.
func (o *Objects) Put(_ context.Context, key string, r io.Reader, _ int64, contentType string) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.objs[key] = storedObject{data: data, info: blob.Info{Key: key, Size: int64(len(data)), ContentType: contentType,
		ModTime: o.Clock.Now()}}
	return nil
}

// Open implements blob.Store.
func (o *Objects) Open(_ context.Context, key string) (io.ReadCloser, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.objs[key]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "object not found")
	}
	return io.NopCloser(bytes.NewReader(s.data)), nil
}

// Stat implements blob.Store.
func (o *Objects) Stat(_ context.Context, key string) (blob.Info, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.objs[key]
	if !ok {
		return blob.Info{}, core.Errorf(core.ENOTFOUND, "object not found")
	}
	return s.info, nil
}

// Delete implements blob.Store.
func (o *Objects) Delete(_ context.Context, key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.objs, key)
	return nil
}

// List implements blob.Store.
func (o *Objects) List(_ context.Context, prefix string, fn func(blob.Info) error) error {
	o.mu.Lock()
	var infos []blob.Info
	for k, s := range o.objs {
		if strings.HasPrefix(k, prefix) {
			infos = append(infos, s.info)
		}
	}
	o.mu.Unlock()
	for _, i := range infos {
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

// Attachments is the in-memory fake of blob.Repositories (and of the
// units it needs): attachment rows by tenant.
type Attachments struct {
	*Memory[AttachmentTenants]
}

// AttachmentTenants are the fake's attachment rows by tenant and ID.
type AttachmentTenants map[uuid.UUID]map[uuid.UUID]blob.Attachment

// NewAttachments returns a fake with the given tenants and no rows.
func NewAttachments(tenants ...uuid.UUID) *Attachments {
	ts := AttachmentTenants{}
	for _, t := range tenants {
		ts[t] = map[uuid.UUID]blob.Attachment{}
	}
	return &Attachments{Memory: NewMemory(ts, func(ts AttachmentTenants) AttachmentTenants {
		out := make(AttachmentTenants, len(ts))
		for t, rows := range ts {
			out[t] = maps.Clone(rows)
		}
		return out
	})}
}

// Attachments implements blob.Repositories.
func (f *Attachments) Attachments(u core.UnitOfWork) blob.Repository {
	return attachmentRepo{u: UnitOf[AttachmentTenants](u)}
}

type attachmentRepo struct{ u *Unit[AttachmentTenants] }

func (r attachmentRepo) rows() map[uuid.UUID]blob.Attachment {
	rows, ok := r.u.State()[r.u.TenantID()]
	if !ok { // row-level security shows an unknown tenant nothing
		return map[uuid.UUID]blob.Attachment{}
	}
	return rows
}

func (r attachmentRepo) InsertAttachment(a *blob.Attachment) { r.rows()[a.ID] = *a }

func (r attachmentRepo) FindAttachmentByID(_ context.Context, id uuid.UUID) (*blob.Attachment, error) {
	a, ok := r.rows()[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	return &a, nil
}

func (r attachmentRepo) FindAttachments(_ context.Context, kind string, owner uuid.UUID) ([]*blob.Attachment, error) {
	out := []*blob.Attachment{}
	for _, a := range r.rows() {
		if a.OwnerKind == kind && a.OwnerID == owner {
			out = append(out, &a)
		}
	}
	slices.SortFunc(out, func(a, b *blob.Attachment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out[:min(len(out), blob.MaxPerOwner)], nil
}

func (r attachmentRepo) CountAttachments(ctx context.Context, kind string, owner uuid.UUID) (int, error) {
	n := 0
	for _, a := range r.rows() {
		if a.OwnerKind == kind && a.OwnerID == owner {
			n++
		}
	}
	return n, nil
}

func (r attachmentRepo) DeleteAttachment(_ context.Context, id uuid.UUID) error {
	rows := r.rows()
	if _, ok := rows[id]; !ok {
		return core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	delete(rows, id)
	return nil
}
