package parts

import (
	"bytes"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Buckets of a warehouse's stock of a part. On hand is available plus
// reserved; in transit is stock shipped to the warehouse not yet received.
const (
	BucketAvailable = "available"
	BucketReserved  = "reserved"
	BucketInTransit = "in_transit"
)

// External accounts: where stock comes from and goes to outside the
// tenant's warehouses. A movement between two of them is never posted.
const (
	ExternalSupplier    = "supplier"    // receipts
	ExternalConsumption = "consumption" // issues and consumed reservations
	ExternalAdjustment  = "adjustment"  // adjustments, both ways
	ExternalField       = "field"       // returns from the field
)

// Account is one side of a movement: a bucket of a warehouse, or an
// external account (Warehouse nil).
type Account struct {
	Warehouse *uuid.UUID `json:"warehouse_id" nullable:"true"`
	Bucket    string     `json:"bucket" enum:"available,reserved,in_transit,supplier,consumption,adjustment,field"`
}

func internal(w uuid.UUID, bucket string) Account { return Account{Warehouse: &w, Bucket: bucket} }

func external(name string) Account { return Account{Bucket: name} }

// Movement is one double-entry record of the ledger: Quantity units of a
// part leave From and enter To.
type Movement struct {
	Seq          int64     `json:"seq" doc:"The ledger's order."`
	PartID       uuid.UUID `json:"part_id"`
	Quantity     int64     `json:"quantity" doc:"Always positive."`
	From         Account   `json:"from"`
	To           Account   `json:"to"`
	Reason       string    `json:"reason"`
	DocumentKind string    `json:"document_kind" enum:"receipt,issue,transfer,adjustment,return,reservation"`
	DocumentID   uuid.UUID `json:"document_id"`
	Actor        string    `json:"actor"`
	At           time.Time `json:"at"`
	// field is the input field a refusal names.
	field string
	// hold marks a reservation: it sets aside stock that is there, so it
	// never overdraws available stock, even where the warehouse allows
	// negative stock.
	hold bool
}

// BalanceKey names one balance row.
type BalanceKey struct {
	WarehouseID, PartID uuid.UUID
}

func (k BalanceKey) less(o BalanceKey) bool {
	if c := bytes.Compare(k.WarehouseID[:], o.WarehouseID[:]); c != 0 {
		return c < 0
	}
	return bytes.Compare(k.PartID[:], o.PartID[:]) < 0
}

// Balance is the stock of a part in a warehouse, as the ledger sums it.
type Balance struct {
	WarehouseID uuid.UUID `json:"warehouse_id"`
	PartID      uuid.UUID `json:"part_id"`
	OnHand      int64     `json:"on_hand" doc:"Available plus reserved."`
	Reserved    int64     `json:"reserved"`
	InTransit   int64     `json:"in_transit" doc:"Shipped to this warehouse, not yet received."`
	Available   int64     `json:"available" doc:"On hand minus reserved."`
}

// LockedBalance is a balance read under its row lock, with what the
// decision needs of its warehouse.
type LockedBalance struct {
	Balance
	AllowNegative bool
}

func (b *Balance) bucket(name string) *int64 {
	switch name {
	case BucketAvailable:
		return &b.Available
	case BucketReserved:
		return &b.Reserved
	case BucketInTransit:
		return &b.InTransit
	}
	return nil
}

// Replay sums movements into balances: the ledger's truth, which the
// stored balances must equal.
func Replay(ms []Movement) map[BalanceKey]*Balance {
	out := map[BalanceKey]*Balance{}
	get := func(a Account, part uuid.UUID) *int64 {
		if a.Warehouse == nil {
			return nil
		}
		k := BalanceKey{*a.Warehouse, part}
		b := out[k]
		if b == nil {
			b = &Balance{WarehouseID: k.WarehouseID, PartID: part}
			out[k] = b
		}
		return b.bucket(a.Bucket)
	}
	for _, m := range ms {
		if p := get(m.From, m.PartID); p != nil {
			*p -= m.Quantity
		}
		if p := get(m.To, m.PartID); p != nil {
			*p += m.Quantity
		}
	}
	for _, b := range out {
		b.OnHand = b.Available + b.Reserved
	}
	return out
}

// apply posts movements to the locked balances in order and refuses the
// first that would drive a bucket below zero (available stock may go
// negative where the warehouse allows it, but not by a reservation). It returns the changed
// balances.
func apply(locked map[BalanceKey]*LockedBalance, ms []Movement) ([]Balance, error) {
	changed := map[BalanceKey]bool{}
	for _, m := range ms {
		if m.Quantity <= 0 {
			return nil, core.FieldError(m.field, "must be positive")
		}
		if m.From.Warehouse != nil {
			k := BalanceKey{*m.From.Warehouse, m.PartID}
			b := locked[k]
			p := b.bucket(m.From.Bucket)
			if *p-m.Quantity < 0 && (m.From.Bucket != BucketAvailable || !b.AllowNegative || m.hold) {
				return nil, &core.Error{Code: core.EINVALID, Message: m.field + ": not enough stock",
					Fields: map[string]string{m.field: "not enough stock: " + strconv.FormatInt(*p, 10) + " " + m.From.Bucket}}
			}
			*p -= m.Quantity
			changed[k] = true
		}
		if m.To.Warehouse != nil {
			k := BalanceKey{*m.To.Warehouse, m.PartID}
			*locked[k].bucket(m.To.Bucket) += m.Quantity
			changed[k] = true
		}
	}
	out := make([]Balance, 0, len(changed))
	for k := range changed {
		b := locked[k].Balance
		b.OnHand = b.Available + b.Reserved
		out = append(out, b)
	}
	return out, nil
}

// keysOf lists the balances movements touch, sorted so that every unit
// locks rows in one order (no deadlock between two documents).
func keysOf(ms []Movement) []BalanceKey {
	seen := map[BalanceKey]bool{}
	var keys []BalanceKey
	for _, m := range ms {
		for _, a := range []Account{m.From, m.To} {
			if a.Warehouse == nil {
				continue
			}
			k := BalanceKey{*a.Warehouse, m.PartID}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	return keys
}
