package parts

import (
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestApplyAgreesWithReplay is a property test of the pure ledger: random
// movements posted one by one through apply (refusals skipped, as a
// rolled-back unit would) leave balances equal to replaying the accepted
// movements, and never a negative bucket where it is not allowed.
func TestApplyAgreesWithReplay(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		ws := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
		ps := []uuid.UUID{uuid.New(), uuid.New()}
		negOK := map[uuid.UUID]bool{ws[2]: true}
		stored := map[BalanceKey]*LockedBalance{}
		var accepted []Movement
		for range 300 {
			w, p := ws[rng.IntN(3)], ps[rng.IntN(2)]
			to := ws[rng.IntN(3)]
			q := int64(rng.IntN(5) + 1)
			var m Movement
			switch rng.IntN(6) {
			case 0, 1:
				m = Movement{From: external(ExternalSupplier), To: internal(w, BucketAvailable)}
			case 2:
				m = Movement{From: internal(w, BucketAvailable), To: external(ExternalConsumption)}
			case 3:
				m = Movement{From: internal(w, BucketAvailable), To: internal(to, BucketInTransit)}
			case 4:
				m = Movement{From: internal(w, BucketInTransit), To: internal(w, BucketAvailable)}
			case 5:
				m = Movement{From: internal(w, BucketAvailable), To: internal(w, BucketReserved)}
			}
			m.PartID, m.Quantity, m.field = p, q, "quantity"
			// A unit locks copies; only a commit makes them the stored rows.
			locked := map[BalanceKey]*LockedBalance{}
			for _, k := range keysOf([]Movement{m}) {
				b := stored[k]
				if b == nil {
					b = &LockedBalance{Balance: Balance{WarehouseID: k.WarehouseID, PartID: k.PartID}, AllowNegative: negOK[k.WarehouseID]}
				}
				c := *b
				locked[k] = &c
			}
			changed, err := apply(locked, []Movement{m})
			if err != nil {
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
				continue
			}
			for _, b := range changed {
				k := BalanceKey{b.WarehouseID, b.PartID}
				stored[k] = &LockedBalance{Balance: b, AllowNegative: negOK[k.WarehouseID]}
			}
			accepted = append(accepted, m)
		}
		want := Replay(accepted)
		require.Len(t, stored, len(want))
		for k, b := range stored {
			require.Equal(t, *want[k], b.Balance, "seed %d", seed)
			require.GreaterOrEqual(t, b.Reserved, int64(0))
			require.GreaterOrEqual(t, b.InTransit, int64(0))
			if !b.AllowNegative {
				require.GreaterOrEqual(t, b.Available, int64(0))
			}
		}
	}
}

func TestKeysAreLockedInOneOrder(t *testing.T) {
	a, b := uuid.MustParse("00000000-0000-0000-0000-000000000002"), uuid.MustParse("00000000-0000-0000-0000-000000000001")
	p := uuid.New()
	ab := keysOf([]Movement{{PartID: p, From: internal(a, BucketAvailable), To: internal(b, BucketInTransit)}})
	ba := keysOf([]Movement{{PartID: p, From: internal(b, BucketAvailable), To: internal(a, BucketInTransit)}})
	require.Equal(t, ab, ba, "a transfer either way locks the same rows in the same order")
	require.Equal(t, b, ab[0].WarehouseID)
}

func TestDocumentInputValidation(t *testing.T) {
	w, p := uuid.New(), uuid.New()
	line := []LineInput{{PartID: p, Quantity: 1}}
	for _, tc := range []struct {
		name  string
		in    DocumentInput
		field string
	}{
		{"no kind", DocumentInput{WarehouseID: &w, Lines: line}, "kind"},
		{"receipt without warehouse", DocumentInput{Kind: DocReceipt, Lines: line}, "warehouse_id"},
		{"transfer without source", DocumentInput{Kind: DocTransfer, ToWarehouseID: &w, Lines: line}, "from_warehouse_id"},
		{"transfer to itself", DocumentInput{Kind: DocTransfer, FromWarehouseID: &w, ToWarehouseID: &w, Lines: line}, "to_warehouse_id"},
		{"no lines", DocumentInput{Kind: DocReceipt, WarehouseID: &w}, "lines"},
		{"zero quantity", DocumentInput{Kind: DocReceipt, WarehouseID: &w, Lines: []LineInput{{PartID: p}}}, "lines[0].quantity"},
		{"negative receipt", DocumentInput{Kind: DocReceipt, WarehouseID: &w, Lines: []LineInput{{PartID: p, Quantity: -1}}}, "lines[0].quantity"},
		{"zero adjustment", DocumentInput{Kind: DocAdjustment, WarehouseID: &w, Reason: "x", Lines: []LineInput{{PartID: p}}}, "lines[0].quantity"},
		{"adjustment without reason", DocumentInput{Kind: DocAdjustment, WarehouseID: &w, Lines: line}, "reason"},
		{"part twice", DocumentInput{Kind: DocReceipt, WarehouseID: &w, Lines: append(line, line...)}, "lines[1].part_id"},
		{"no part", DocumentInput{Kind: DocReceipt, WarehouseID: &w, Lines: []LineInput{{Quantity: 1}}}, "lines[0].part_id"},
	} {
		err := tc.in.Validate()
		var ce *core.Error
		require.ErrorAs(t, err, &ce, tc.name)
		require.Contains(t, ce.Fields, tc.field, tc.name)
	}
	ok := DocumentInput{Kind: DocAdjustment, WarehouseID: &w, Reason: "count", Lines: []LineInput{{PartID: p, Quantity: -3}}}
	require.NoError(t, ok.Validate())
	d := &Document{Kind: DocAdjustment, FromWarehouseID: ok.FromWarehouseID, Lines: []Line{{PartID: p, Quantity: -3}}}
	ms := d.movements("x", d.CreatedAt)
	require.Equal(t, int64(3), ms[0].Quantity, "a negative adjustment takes out a positive quantity")
	require.Equal(t, ExternalAdjustment, ms[0].To.Bucket)
}
