package catalog

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the catalogue use cases their repository within a unit of
// work, and the audit log their admins' changes are recorded in. The
// PostgreSQL adapter implements it; so does the in-memory fake of
// core/coretest.
type Store interface {
	Catalog(u core.UnitOfWork) Repository
	audit.Store
}

// Repository reads and writes one tenant's catalogues within a unit of
// work. Methods without a context queue their write: it reaches the
// database with the unit's next read or its commit, and its error, if
// any, is returned there. Lists are one page of at most limit (clamped to
// 1-500; 0: 50) after the cursor, and return the next cursor ("" on the
// last page).
type Repository interface {
	// InsertProductLine stores a line; ECONFLICT when the code is taken.
	InsertProductLine(ctx context.Context, l *core.ProductLine) error
	// FindProductLines lists lines ordered by code, after the code
	// f.After, of f.Status unless "".
	FindProductLines(ctx context.Context, f core.ProductLineFilter) ([]*core.ProductLine, string, error)
	// FindProductLine: ENOTFOUND when the tenant has no line code.
	FindProductLine(ctx context.Context, code string) (*core.ProductLine, error)
	// UpdateProductLine writes l's names and status if the stored line is
	// still at l.Version, bumps the version and returns it as stored;
	// ENOTFOUND when it is absent or at another version.
	UpdateProductLine(ctx context.Context, l *core.ProductLine) (*core.ProductLine, error)
	// ProductLines tells which of codes are the tenant's product lines.
	ProductLines(ctx context.Context, codes []string) (map[string]bool, error)
	// InsertProductModel stores a model and returns it as stored;
	// ECONFLICT when the code is taken.
	InsertProductModel(ctx context.Context, m *core.ProductModel) (*core.ProductModel, error)
	// FindProductModels lists models ordered by code, after the code
	// f.After, of f.ProductLine unless "", of f.Status unless "".
	FindProductModels(ctx context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error)
	// FindProductModelByID: ENOTFOUND when absent from the tenant.
	FindProductModelByID(ctx context.Context, id uuid.UUID) (*core.ProductModel, error)
	// UpdateProductModel writes m's code, name, warranty months, labour
	// hours and status if the stored model is still at m.Version, bumps
	// the version and returns it as stored; ENOTFOUND when it is absent or
	// at another version, ECONFLICT when the code is taken.
	UpdateProductModel(ctx context.Context, m *core.ProductModel) (*core.ProductModel, error)

	// FindServiceType: ENOTFOUND when the tenant has no type code.
	FindServiceType(ctx context.Context, code string) (*core.ServiceType, error)
	// PutServiceType creates or replaces a service type and tells which.
	PutServiceType(ctx context.Context, t *core.ServiceType) (created bool, err error)
	// AddServiceTypes adds those of types whose code the tenant does not
	// have; the others are left as they are.
	AddServiceTypes(types []core.ServiceType)
	// FindServiceTypes lists service types ordered by code, after the code
	// after.
	FindServiceTypes(ctx context.Context, after string, limit int) ([]*core.ServiceType, string, error)

	// FaultCodeLines reads the product line (nil: any line) of each of
	// keys that is a stored fault code; keys not stored are absent.
	FaultCodeLines(ctx context.Context, keys []FaultKey) (map[FaultKey]*string, error)
	// InsertFaultCode stores a code and returns it as stored; ECONFLICT
	// when the kind's code is taken.
	InsertFaultCode(ctx context.Context, f *core.FaultCode) (*core.FaultCode, error)
	// InsertFaultCodes stores codes in the order given (parents first).
	InsertFaultCodes(codes []*core.FaultCode)
	// FindFaultCodes lists codes ordered by kind and code, after the
	// cursor f.After ("kind:code"; EINVALID otherwise), of f.Kind unless
	// "", usable on f.ProductLine (its own and those without a line)
	// unless "", children of f.Parent unless "", roots only if
	// f.RootsOnly.
	FindFaultCodes(ctx context.Context, f core.FaultCodeFilter) ([]*core.FaultCode, string, error)
}

// FaultKey names a fault code within a tenant: codes are unique per kind.
type FaultKey struct {
	Kind, Code string
}
