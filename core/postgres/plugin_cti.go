package postgres

import (
	"context"
	"regexp"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

var extensionPattern = regexp.MustCompile(`^[0-9A-Za-z*#+._-]{1,32}$`)

// FindUsersByCTIExtension implements core.CTIExtensionService.
func (s *PluginStore) FindUsersByCTIExtension(ctx context.Context, extension string) ([]uuid.UUID, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE cti_extension = $1 AND status = 'active'`, extension)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// SetCTIExtension implements core.CTIExtensionService.
func (s *PluginStore) SetCTIExtension(ctx context.Context, userID uuid.UUID, extension string) error {
	if extension != "" && !extensionPattern.MatchString(extension) {
		return core.FieldError("extension", "must be 1-32 digits, letters or * # + . _ -")
	}
	q, err := s.s.q(ctx)
	if err != nil {
		return err
	}
	var ext *string
	if extension != "" {
		ext = &extension
	}
	tag, err := q.Exec(ctx, `UPDATE users SET cti_extension = $2 WHERE id = $1`, userID, ext)
	if err != nil {
		if core.ErrorCode(translate(err, "")) == core.ECONFLICT {
			return core.Errorf(core.ECONFLICT, "another user already has extension %s", extension)
		}
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "user not found")
	}
	return nil
}

// FindCTIExtension implements core.CTIExtensionService.
func (s *PluginStore) FindCTIExtension(ctx context.Context, userID uuid.UUID) (string, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return "", err
	}
	var ext *string
	if err := q.QueryRow(ctx, `SELECT cti_extension FROM users WHERE id = $1`, userID).Scan(&ext); err != nil {
		return "", translate(err, "user")
	}
	if ext == nil {
		return "", nil
	}
	return *ext, nil
}
