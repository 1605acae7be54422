package coretest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
)

// AttachmentEnv is what the attachment scenarios run on: rows
// (blob.Repositories) and objects (blob.Store) of two tenants, and the
// clock of the use cases.
type AttachmentEnv struct {
	Units         core.UnitsOfWork
	Repos         blob.Repositories
	Objects       blob.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
}

// NewMemoryAttachmentEnv is an AttachmentEnv on the fakes.
func NewMemoryAttachmentEnv() AttachmentEnv {
	clock := &Clock{}
	e := AttachmentEnv{Clock: clock, Objects: NewObjects(nil), Tenant: uuid.New(), Other: uuid.New()}
	f := NewAttachments(e.Tenant, e.Other)
	e.Units, e.Repos = f, f
	return e
}

// AttachmentScenario is one scenario of the attachment use cases.
type AttachmentScenario struct {
	Name string
	Run  func(t *testing.T, e AttachmentEnv)
}

// Sample files of each accepted type, as their first bytes make them.
var (
	SamplePNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 600)...)
	SampleJPEG = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{2}, 600)...)
	SampleWebP = append([]byte("RIFF\x00\x10\x00\x00WEBPVP8 "), bytes.Repeat([]byte{3}, 600)...)
	SampleHEIC = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), bytes.Repeat([]byte{4}, 600)...)
	SamplePDF  = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0 0 obj\n"), 80)...)
)

// thingKind is the owner kind the scenarios register: owners in readable
// may be read; in attachable also attached to and deleted from.
type thingKind struct{ readable, attachable map[uuid.UUID]bool }

func (k thingKind) Authorize(_ context.Context, _ core.UnitOfWork, owner uuid.UUID, acc blob.Access, _ *blob.Attachment) error {
	switch {
	case !k.readable[owner] && !k.attachable[owner]:
		return core.Errorf(core.ENOTFOUND, "thing not found")
	case acc != blob.Read && !k.attachable[owner]:
		return core.Errorf(core.EFORBIDDEN, "you may not attach to this thing")
	}
	return nil
}

type attachmentFixture struct {
	AttachmentEnv
	svc                   *blob.Service
	mine, seen, forbidden uuid.UUID
}

func (e AttachmentEnv) fixture(limits blob.Limits) attachmentFixture {
	f := attachmentFixture{AttachmentEnv: e, mine: uuid.New(), seen: uuid.New(), forbidden: uuid.New()}
	reg := blob.NewRegistry()
	reg.Register("thing", thingKind{readable: map[uuid.UUID]bool{f.seen: true}, attachable: map[uuid.UUID]bool{f.mine: true}})
	f.svc = blob.New(blob.Config{Objects: e.Objects, Repos: e.Repos, Owners: reg, Limits: limits, Clock: e.Clock})
	return f
}

func (f attachmentFixture) attach(tenant, owner uuid.UUID, name string, content []byte, size int64) (*blob.Attachment, error) {
	var out *blob.Attachment
	ctx := core.WithActor(context.Background(), core.Actor{Kind: core.PrincipalUser, ID: f.mine})
	err := core.InUnitOfWork(ctx, f.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, err = f.svc.Attach(ctx, u, blob.NewAttachment{OwnerKind: "thing", OwnerID: owner, Label: "photo", FileName: name,
			Size: size}, bytes.NewReader(content))
		return err
	})
	return out, err
}

func (f attachmentFixture) open(tenant, id uuid.UUID) ([]byte, *blob.Attachment, error) {
	var data []byte
	var a *blob.Attachment
	err := core.InUnitOfWork(context.Background(), f.Units, tenant, func(u core.UnitOfWork) error {
		var rc io.ReadCloser
		var err error
		a, rc, err = f.svc.OpenAttachment(context.Background(), u, id)
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err = io.ReadAll(rc)
		return err
	})
	return data, a, err
}

func (f attachmentFixture) list(tenant, owner uuid.UUID) ([]*blob.Attachment, error) {
	var out []*blob.Attachment
	err := core.InUnitOfWork(context.Background(), f.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, err = f.svc.FindAttachments(context.Background(), u, "thing", owner)
		return err
	})
	return out, err
}

// objectCount counts the tenant's stored objects.
func (f attachmentFixture) objectCount(t *testing.T, tenant uuid.UUID) int {
	t.Helper()
	n := 0
	check(t).NoError(f.Objects.List(context.Background(), blob.TenantPrefix(tenant), func(blob.Info) error { n++; return nil }))
	return n
}

// AttachmentScenarios are the scenarios of the attachment use cases.
func AttachmentScenarios() []AttachmentScenario {
	return []AttachmentScenario{
		{"every accepted type is stored under a key of its tenant and ID, sniffed and hashed", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			for want, content := range map[string][]byte{"image/png": SamplePNG, "image/jpeg": SampleJPEG,
				"image/webp": SampleWebP, "image/heic": SampleHEIC, "application/pdf": SamplePDF} {
				a, err := f.attach(e.Tenant, f.mine, `..\..\C:/tmp/../../etc/passwd`, content, int64(len(content)))
				check(t).NoError(err, want)
				sum := sha256.Sum256(content)
				check(t).Equal(want, a.ContentType)
				check(t).Equal(hex.EncodeToString(sum[:]), a.SHA256)
				check(t).Equal(int64(len(content)), a.Size)
				check(t).Equal("passwd", a.FileName)
				check(t).Equal(f.mine, a.CreatedBy)
				info, err := e.Objects.Stat(context.Background(), blob.ObjectKey(e.Tenant, a.ID))
				check(t).NoError(err)
				check(t).Equal(int64(len(content)), info.Size)
				data, got, err := f.open(e.Tenant, a.ID)
				check(t).NoError(err)
				check(t).True(bytes.Equal(content, data), want)
				check(t).Equal(a.SHA256, got.SHA256)
			}
			list, err := f.list(e.Tenant, f.mine)
			check(t).NoError(err)
			check(t).Equal(5, len(list))
		}},
		{"content over the limit is refused naming it, and nothing stays", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{MaxSize: 1 << 10})
			big := append(bytes.Clone(SamplePNG), bytes.Repeat([]byte{0}, 2<<10)...)
			for _, size := range []int64{-1, int64(len(big))} { // undeclared, then declared
				_, err := f.attach(e.Tenant, f.mine, "big.png", big, size)
				check(t).Equal(core.ETOOLARGE, core.ErrorCode(err), size)
				check(t).True(strings.Contains(core.ErrorMessage(err), "1 KiB (1024 bytes)"), core.ErrorMessage(err))
			}
			check(t).Equal(0, f.objectCount(t, e.Tenant))
			list, err := f.list(e.Tenant, f.mine)
			check(t).NoError(err)
			check(t).Equal(0, len(list))
		}},
		{"content of another type is refused naming those accepted, whatever its name says", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			for _, content := range []string{"<html><script>alert(1)</script>", "MZ\x90\x00binary", "GIF89a....", "plain text"} {
				_, err := f.attach(e.Tenant, f.mine, "photo.png", []byte(content), -1)
				check(t).Equal(core.EUNSUPPORTED, core.ErrorCode(err), content)
				check(t).True(strings.Contains(core.ErrorMessage(err), "image/jpeg, image/png"), core.ErrorMessage(err))
			}
			_, err := f.attach(e.Tenant, f.mine, "empty.png", nil, 0)
			check(t).Equal(core.EINVALID, core.ErrorCode(err))
			check(t).Equal(0, f.objectCount(t, e.Tenant))
		}},
		{"the owner kind decides: unknown kinds, hidden and read-only owners", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			_, err := f.attach(e.Tenant, f.seen, "a.png", SamplePNG, -1)
			check(t).Equal(core.EFORBIDDEN, core.ErrorCode(err))
			_, err = f.attach(e.Tenant, f.forbidden, "a.png", SamplePNG, -1)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			_, err = f.list(e.Tenant, f.forbidden)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			err = core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) error {
				_, err := f.svc.Attach(context.Background(), u, blob.NewAttachment{OwnerKind: "nope", OwnerID: f.mine,
					FileName: "a.png"}, bytes.NewReader(SamplePNG))
				return err
			})
			check(t).Equal(core.EINVALID, core.ErrorCode(err))
			check(t).True(strings.Contains(core.ErrorMessage(err), "owner_kind"))
			check(t).Equal(0, f.objectCount(t, e.Tenant))
		}},
		{"another tenant sees nothing", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			a, err := f.attach(e.Tenant, f.mine, "a.png", SamplePNG, -1)
			check(t).NoError(err)
			_, _, err = f.open(e.Other, a.ID)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			list, err := f.list(e.Other, f.mine)
			check(t).NoError(err)
			check(t).Equal(0, len(list))
		}},
		{"deleting deletes the object after commit, and a rollback keeps it", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			a, err := f.attach(e.Tenant, f.mine, "a.png", SamplePNG, -1)
			check(t).NoError(err)
			u := e.Units.Begin(context.Background(), e.Tenant)
			check(t).NoError(f.svc.DeleteAttachment(context.Background(), u, a.ID))
			u.Rollback(context.Background())
			_, _, err = f.open(e.Tenant, a.ID)
			check(t).NoError(err)
			err = core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) error {
				return f.svc.DeleteAttachment(context.Background(), u, a.ID)
			})
			check(t).NoError(err)
			_, _, err = f.open(e.Tenant, a.ID)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			check(t).Equal(0, f.objectCount(t, e.Tenant))
		}},
		{"an upload whose unit rolls back leaves an orphan that the sweep removes after the grace", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			kept, err := f.attach(e.Tenant, f.mine, "kept.png", SamplePNG, -1)
			check(t).NoError(err)
			u := e.Units.Begin(context.Background(), e.Tenant)
			_, err = f.svc.Attach(context.Background(), u, blob.NewAttachment{OwnerKind: "thing", OwnerID: f.mine,
				FileName: "lost.png", Size: -1}, bytes.NewReader(SamplePNG))
			check(t).NoError(err)
			u.Rollback(context.Background())
			check(t).Equal(2, f.objectCount(t, e.Tenant))
			n, err := f.svc.SweepOrphans(context.Background(), e.Units)
			check(t).NoError(err)
			check(t).Equal(0, n, "within the grace")
			e.Clock.Advance(blob.OrphanGrace + time.Minute)
			n, err = f.svc.SweepOrphans(context.Background(), e.Units)
			check(t).NoError(err)
			check(t).Equal(1, n)
			check(t).Equal(1, f.objectCount(t, e.Tenant))
			_, _, err = f.open(e.Tenant, kept.ID)
			check(t).NoError(err)
		}},
		{"an upload replayed with its ID is stored once; another owner's ID conflicts", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			id := uuid.New()
			up := func(owner uuid.UUID, content []byte) (*blob.Attachment, error) {
				var out *blob.Attachment
				err := core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) (err error) {
					out, err = f.svc.Attach(context.Background(), u, blob.NewAttachment{ID: id, OwnerKind: "thing", OwnerID: owner,
						FileName: "a.png", Size: -1}, bytes.NewReader(content))
					return err
				})
				return out, err
			}
			first, err := up(f.mine, SamplePNG)
			check(t).NoError(err)
			check(t).Equal(id, first.ID)
			again, err := up(f.mine, SamplePNG)
			check(t).NoError(err)
			check(t).Equal(first.SHA256, again.SHA256)
			list, err := f.list(e.Tenant, f.mine)
			check(t).NoError(err)
			check(t).Equal(1, len(list))
			f2 := e.fixture(blob.Limits{})
			f.svc = f2.svc // a registry where f2.mine is attachable
			_, err = up(f2.mine, SampleJPEG)
			check(t).Equal(core.ECONFLICT, core.ErrorCode(err))
			check(t).Equal(1, f.objectCount(t, e.Tenant))
		}},
		{"bad fields are refused naming them", func(t *testing.T, e AttachmentEnv) {
			f := e.fixture(blob.Limits{})
			for field, n := range map[string]blob.NewAttachment{
				"label":     {OwnerKind: "thing", OwnerID: f.mine, FileName: "a.png", Label: "Not A Label"},
				"file_name": {OwnerKind: "thing", OwnerID: f.mine, FileName: " / "},
				"owner_id":  {OwnerKind: "thing", FileName: "a.png"},
			} {
				err := core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) error {
					_, err := f.svc.Attach(context.Background(), u, n, bytes.NewReader(SamplePNG))
					return err
				})
				check(t).Equal(core.EINVALID, core.ErrorCode(err), field)
				check(t).True(strings.HasPrefix(core.ErrorMessage(err), field+":"), core.ErrorMessage(err))
			}
		}},
	}
}
