package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
)

// attachmentRepo implements blob.Repository on a unit of work.
type attachmentRepo struct{ u *unit }

// Attachments implements blob.Repositories.
func (s *Store) Attachments(u core.UnitOfWork) blob.Repository { return attachmentRepo{unitOf(u)} }

const attachmentColumns = `id, owner_kind, owner_id, label, file_name, content_type, size, sha256, created_by, created_at`

func (r attachmentRepo) InsertAttachment(a *blob.Attachment) {
	r.u.write(`INSERT INTO attachments (tenant_id, `+attachmentColumns+`)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		a.ID, a.OwnerKind, a.OwnerID, a.Label, a.FileName, a.ContentType, a.Size, a.SHA256, a.CreatedBy, a.CreatedAt)
}

func (r attachmentRepo) FindAttachmentByID(ctx context.Context, id uuid.UUID) (*blob.Attachment, error) {
	var a *blob.Attachment
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { a, err = scanAttachment(row); return err },
		`SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id)
	return a, translate(err, "attachment")
}

func (r attachmentRepo) FindAttachments(ctx context.Context, ownerKind string, ownerID uuid.UUID) ([]*blob.Attachment, error) {
	return queryAll(ctx, r.u, scanAttachment, `SELECT `+attachmentColumns+` FROM attachments
		WHERE tenant_id = app_current_tenant() AND owner_kind = $1 AND owner_id = $2 ORDER BY created_at, id LIMIT $3`,
		ownerKind, ownerID, blob.MaxPerOwner)
}

func (r attachmentRepo) CountAttachments(ctx context.Context, ownerKind string, ownerID uuid.UUID) (int, error) {
	var n int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) }, `SELECT count(*) FROM attachments
		WHERE tenant_id = app_current_tenant() AND owner_kind = $1 AND owner_id = $2`, ownerKind, ownerID)
	return n, err
}

func (r attachmentRepo) DeleteAttachment(ctx context.Context, id uuid.UUID) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM attachments WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	return nil
}

func scanAttachment(row pgx.Row) (*blob.Attachment, error) {
	a := &blob.Attachment{}
	err := row.Scan(&a.ID, &a.OwnerKind, &a.OwnerID, &a.Label, &a.FileName, &a.ContentType, &a.Size, &a.SHA256,
		&a.CreatedBy, &a.CreatedAt)
	return a, err
}
