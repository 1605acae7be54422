package catalog

import (
	"context"

	"github.com/aftersales/aftersales/core"
)

// Store gives the catalogue use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
type Store interface {
	Catalog(u core.UnitOfWork) Repository
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
	// FindProductLines lists lines ordered by code, after the code after.
	FindProductLines(ctx context.Context, after string, limit int) ([]*core.ProductLine, string, error)
	// ProductLines tells which of codes are the tenant's product lines.
	ProductLines(ctx context.Context, codes []string) (map[string]bool, error)
	// InsertProductModel stores a model and returns it as stored;
	// ECONFLICT when the code is taken.
	InsertProductModel(ctx context.Context, m *core.ProductModel) (*core.ProductModel, error)
	// FindProductModels lists models ordered by code, after the code
	// f.After, of f.ProductLine unless "".
	FindProductModels(ctx context.Context, f core.ProductModelFilter) ([]*core.ProductModel, string, error)

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
