package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// WatchAuthz calls invalidate with the tenant of every change to access
// rules or regions, on every replica: PostgreSQL NOTIFY on the channel
// authz_changed, sent by triggers. After a lost connection it reconnects
// and invalidates everything (it may have missed notices). Returns when ctx
// ends.
func (s *Store) WatchAuthz(ctx context.Context, invalidate func(uuid.UUID), invalidateAll func()) {
	for ctx.Err() == nil {
		err := s.listen(ctx, invalidate, invalidateAll)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("authz change listener lost its connection; reconnecting", "err", err)
		invalidateAll()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *Store) listen(ctx context.Context, invalidate func(uuid.UUID), invalidateAll func()) error {
	conn, err := s.sessionPool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN authz_changed"); err != nil {
		return err
	}
	// Anything changed between the last load and LISTEN is caught here.
	invalidateAll()
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if id, err := uuid.Parse(n.Payload); err == nil {
			invalidate(id)
		}
	}
}
