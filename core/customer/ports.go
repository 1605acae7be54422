package customer

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the customer use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
// Changes of units are recorded in the audit log through the same unit.
type Store interface {
	Customers(u core.UnitOfWork) Repository
	audit.Store
}

// Repository reads and writes one tenant's customers, their phones,
// addresses and registered units within a unit of work. Methods without a
// context queue their write: it reaches the database with the unit's next
// read or its commit, and its error, if any, is returned there. Lists are
// one page of at most the filter's Limit (clamped to 1-500; 0: 50) and
// return the next cursor ("" on the last page).
type Repository interface {
	// InsertCustomers stores new customers with their phones and
	// addresses, in one statement per table however many there are.
	InsertCustomers(cs []*core.Customer)
	// FindCustomerByID reads a customer with phones (ordered by phone)
	// and addresses (ordered by ID); ENOTFOUND.
	FindCustomerByID(ctx context.Context, id uuid.UUID) (*core.Customer, error)
	// LockCustomer reads a customer, without phones and addresses, under
	// a row lock held to the end of the unit; ENOTFOUND.
	LockCustomer(ctx context.Context, id uuid.UUID) (*core.Customer, error)
	// UpdateCustomer writes c's kind, name, tags and VIP flag, bumps the
	// version and sets updated_at to c.UpdatedAt.
	UpdateCustomer(c *core.Customer)
	// ReplacePhones and ReplaceAddresses replace a customer's lists.
	ReplacePhones(id uuid.UUID, phones []core.CustomerPhone)
	ReplaceAddresses(id uuid.UUID, addrs []core.CustomerAddress)
	// FindCustomers lists customers in f.Within with phones and
	// addresses ordered by name and ID, after the customer whose ID is
	// f.After (EINVALID for a cursor that is not an ID). f.Phone, when
	// set, is normalised and matches one of the customer's phones
	// exactly; f.Query is part of the name (case-insensitive); f.Tag one
	// of the tags.
	FindCustomers(ctx context.Context, f core.CustomerFilter) ([]*core.Customer, string, error)
	// CustomerInReach reports whether customer id exists and is in r.
	CustomerInReach(ctx context.Context, id uuid.UUID, r core.CustomerReach) (bool, error)
	// PhoneOwners lists who else (not customer except) has one of phones:
	// at most limit pairs, ordered by phone and customer.
	PhoneOwners(ctx context.Context, phones []string, except uuid.UUID, limit int) ([]PhoneOwner, error)
	// FindRegions reads the regions among ids and codes that exist.
	FindRegions(ctx context.Context, ids []uuid.UUID, codes []string) ([]Region, error)
	// RegionsWithin returns those of ids that lie in the subtree of one of
	// roots (a root is in its own subtree), each once, in any order.
	RegionsWithin(ctx context.Context, ids, roots []uuid.UUID) ([]uuid.UUID, error)

	// UnitRefs tells which of what a new unit refers to exist.
	UnitRefs(ctx context.Context, n *core.NewUnit) (UnitRefs, error)
	// InsertUnit stores a unit (its fields other than Model and
	// Warranty); ECONFLICT when the serial is registered already.
	InsertUnit(ctx context.Context, u *core.Unit) error
	// UpdateUnit writes next's model, serial, purchase date, dealer site
	// and updated_at when the stored version is next.Version, bumps the
	// version and returns the unit as FindUnitByID reads it: ENOTFOUND
	// when the unit is gone or its version is no longer next.Version;
	// ECONFLICT when another unit has the serial.
	UpdateUnit(ctx context.Context, next *core.Unit) (*core.Unit, error)
	// FindUnitByID reads a unit with its model and line; ENOTFOUND.
	// Warranty is left zero.
	FindUnitByID(ctx context.Context, id uuid.UUID) (*core.Unit, error)
	// FindUnits lists the units of the customers in f.Within ordered by
	// serial, after the serial f.After; Warranty is left zero.
	FindUnits(ctx context.Context, f core.UnitFilter) ([]*core.Unit, string, error)

	// FindScreenPop reads the customers in customers with a normalised
	// phone, at most core.ScreenPopMaxCustomers ordered by name and ID,
	// each with phones, addresses, units (newest purchase first, at most
	// core.ScreenPopMaxUnits, Warranty zero) and the last
	// core.ScreenPopRecentOrders of its work orders in orders, newest
	// first, and the customer's complaints still being handled that the
	// orders' scope holds (core.ScreenPopMaxComplaints, newest first).
	FindScreenPop(ctx context.Context, phone string, customers core.CustomerReach, orders core.OrderReach) ([]core.ScreenPopCustomer, error)
}

// PhoneOwner is a customer that has a phone.
type PhoneOwner struct {
	Phone      string
	CustomerID uuid.UUID
}

// Region is a region an address may name, by ID or code.
type Region struct {
	ID   uuid.UUID
	Code string
}

// UnitRefs tell which of a new unit's customer, model and dealer site
// exist in the tenant (a nil dealer site counts as existing).
type UnitRefs struct {
	Customer, Model, DealerSite bool
}
