package postgres

import (
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
)

// identityRepo implements identity.Repository on a unit of work: users,
// sessions, login attempts, API keys and access rules.
type identityRepo struct{ u *unit }

// Identity implements identity.Store.
func (s *Store) Identity(u core.UnitOfWork) identity.Repository { return identityRepo{unitOf(u)} }
