package parts

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Store gives the parts use cases their repository within a unit of work.
// The PostgreSQL adapter implements it.
type Store interface {
	Parts(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's catalogue, warehouses and
// stock within a unit of work. Methods without a context queue their
// write: it reaches the database with the unit's next read or its commit.
type Repository interface {
	// InsertPart adds a part; ECONFLICT when its number is taken.
	InsertPart(ctx context.Context, p *Part) error
	// UpdatePart writes p's fields if its stored version is p.Version-1;
	// ENOTFOUND, ECONFLICT (version or number taken).
	UpdatePart(ctx context.Context, p *Part) error
	// DeletePart removes a part no ledger record names; ENOTFOUND,
	// ECONFLICT when it has movements.
	DeletePart(ctx context.Context, id uuid.UUID) error
	// FindPart reads a part; ENOTFOUND.
	FindPart(ctx context.Context, id uuid.UUID) (*Part, error)
	// FindParts lists parts in number order; the cursor is the last number.
	FindParts(ctx context.Context, f PartFilter) ([]*Part, string, error)
	// UnknownModels returns the codes among codes that name no product
	// model of the tenant.
	UnknownModels(ctx context.Context, codes []string) ([]string, error)
	// UnknownParts returns the IDs among ids that name no part.
	UnknownParts(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
	// UnfittingParts reads the code of the unit's model and, among numbers,
	// the part numbers whose catalogue entry lists models and not that one
	// ("" and none when the unit or its model is unknown).
	UnfittingParts(ctx context.Context, unit uuid.UUID, numbers []string) (model string, unfitting []string, err error)

	// InsertWarehouse adds a warehouse; ECONFLICT when its code is taken.
	InsertWarehouse(ctx context.Context, w *Warehouse) error
	// UpdateWarehouse writes w's fields if its stored version is
	// w.Version-1; ENOTFOUND, ECONFLICT.
	UpdateWarehouse(ctx context.Context, w *Warehouse) error
	// FindWarehouse reads a warehouse within reach; ENOTFOUND otherwise.
	FindWarehouse(ctx context.Context, id uuid.UUID, within Reach) (*Warehouse, error)
	FindWarehouses(ctx context.Context, f WarehouseFilter) ([]*Warehouse, string, error)
	// RegionExists and SiteExists check a warehouse's owner.
	RegionExists(ctx context.Context, id uuid.UUID) (bool, error)
	SiteExists(ctx context.Context, id uuid.UUID) (bool, error)
	// WorkOrderExists checks the order a reservation is for.
	WorkOrderExists(ctx context.Context, id uuid.UUID) (bool, error)

	// LockBalances reads the balances of keys (zero where none yet) under
	// row locks held to the end of the unit, taken in the order of keys,
	// and answers refs in the same round trip. A key whose warehouse or
	// part does not exist is left out.
	LockBalances(ctx context.Context, refs Refs, keys []BalanceKey) (*RefFacts, map[BalanceKey]*LockedBalance, error)
	// SaveBalances writes balances read by LockBalances.
	SaveBalances(bs []Balance)
	// AppendMovements appends records to the ledger, in order.
	AppendMovements(ms []Movement)
	// FindMovements lists ledger records in ledger order, cursor the last
	// seq.
	FindMovements(ctx context.Context, f MovementFilter) ([]*Movement, int64, error)
	// FindBalances lists stock rows in warehouse code, part number order.
	FindBalances(ctx context.Context, f BalanceFilter) ([]*StockRow, string, error)

	InsertDocument(d *Document)
	UpdateDocument(d *Document)
	// LockDocument reads a document under a row lock; ENOTFOUND.
	LockDocument(ctx context.Context, id uuid.UUID) (*Document, error)
	FindDocument(ctx context.Context, id uuid.UUID) (*Document, error)
	FindDocuments(ctx context.Context, f DocumentFilter) ([]*Document, string, error)

	// LockReservationByKey serialises the units that use key (to the end
	// of the unit) and reads the reservation made with it; nil when none.
	LockReservationByKey(ctx context.Context, key string) (*Reservation, error)
	// LockReservation reads a reservation under a row lock; ENOTFOUND.
	LockReservation(ctx context.Context, id uuid.UUID) (*Reservation, error)
	InsertReservation(r *Reservation)
	UpdateReservation(r *Reservation)
}

// Refs asks which warehouses and parts a change names exist.
type Refs struct {
	InReach []uuid.UUID // warehouses that must be within Within
	Within  Reach
	Exist   []uuid.UUID // warehouses that need only exist
	Parts   []uuid.UUID
}

// RefFacts answers Refs.
type RefFacts struct {
	Warehouses   map[uuid.UUID]bool // found (within reach where asked)
	UnknownParts []uuid.UUID
}
