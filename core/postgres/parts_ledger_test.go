package postgres_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// assertLedgerReplays replays the whole ledger and checks that it gives
// every stored balance, and that no balance is negative where its
// warehouse does not allow it.
func assertLedgerReplays(t testing.TB, b stockBundle) map[parts.BalanceKey]*parts.Balance {
	t.Helper()
	ctx := context.Background()
	var ms []parts.Movement
	var rows []*parts.StockRow
	require.NoError(t, b.in(t, func(u core.UnitOfWork) error {
		var after int64
		for {
			page, next, err := b.svc.FindMovements(ctx, u, parts.MovementFilter{Within: b.all, After: after, Limit: 1000})
			if err != nil {
				return err
			}
			for _, m := range page {
				ms = append(ms, *m)
			}
			if next == 0 {
				break
			}
			after = next
		}
		cursor := ""
		for {
			page, next, err := b.svc.FindBalances(ctx, u, parts.BalanceFilter{Within: b.all, After: cursor, Limit: 500})
			if err != nil {
				return err
			}
			rows = append(rows, page...)
			if next == "" {
				return nil
			}
			cursor = next
		}
	}))
	want := parts.Replay(ms)
	got := map[parts.BalanceKey]bool{}
	for _, r := range rows {
		k := parts.BalanceKey{WarehouseID: r.WarehouseID, PartID: r.PartID}
		got[k] = true
		w := want[k]
		if w == nil {
			w = &parts.Balance{WarehouseID: r.WarehouseID, PartID: r.PartID}
		}
		require.Equal(t, *w, r.Balance, "the stored balance of %v is what the ledger sums to", k)
	}
	for k, w := range want {
		if !got[k] {
			require.Equal(t, parts.Balance{WarehouseID: k.WarehouseID, PartID: k.PartID}, *w, "a balance the ledger has is stored")
		}
	}
	return want
}

// TestFiftyConcurrentTakesOfTheLastTen: fifty units race to issue one of
// the last ten units each; exactly ten succeed, the rest are refused
// naming the quantity, and the ledger sums to the on-hand figure.
func TestFiftyConcurrentTakesOfTheLastTen(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	p := b.part(t, "P-LAST")
	w := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	_, err := b.doc(t, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &w.ID, Lines: []parts.LineInput{{PartID: p.ID, Quantity: 10}}})
	require.NoError(t, err)

	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	start := make(chan struct{})
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			var err error
			if i%2 == 0 {
				_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &w.ID, Lines: []parts.LineInput{{PartID: p.ID, Quantity: 1}}})
			} else {
				err = b.in(t, func(u core.UnitOfWork) error {
					_, _, err := b.svc.Reserve(ctx, u, parts.ReservationInput{Key: uuid.NewString(), WarehouseID: w.ID, PartID: p.ID, Quantity: 1}, b.all, "t")
					return err
				})
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			refused++
			var ce *core.Error
			if !(assertAs(err, &ce) && core.ErrorCode(err) == core.EINVALID && (ce.Fields["lines[0].quantity"] != "" || ce.Fields["quantity"] != "")) {
				t.Errorf("take %d: %v", i, err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	require.Equal(t, 10, ok)
	require.Equal(t, 40, refused)
	bal := b.balance(t, w.ID, p.ID)
	require.Equal(t, int64(0), bal.Available)
	want := assertLedgerReplays(t, b)
	require.Equal(t, bal.OnHand, want[parts.BalanceKey{WarehouseID: w.ID, PartID: p.ID}].OnHand)
}

func assertAs(err error, target **core.Error) bool {
	ce, ok := err.(*core.Error)
	if ok {
		*target = ce
	}
	return ok
}

// TestLedgerReplayGivesEveryBalance is a property test: random documents,
// receipts of transfers and reservations (many refused) over a few
// warehouses and parts, run concurrently; replaying the ledger gives
// every stored balance, and no balance is negative where not allowed.
func TestLedgerReplayGivesEveryBalance(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	var ps []uuid.UUID
	for _, n := range []string{"A", "B", "C"} {
		ps = append(ps, b.part(t, "P-"+n).ID)
	}
	ws := []*parts.Warehouse{
		b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "c", Kind: parts.KindCentral}),
		b.warehouse(t, parts.WarehouseInput{Code: "R1", Name: "r", Kind: parts.KindRegional, RegionID: &b.net.Region}),
		b.warehouse(t, parts.WarehouseInput{Code: "S1", Name: "s", Kind: parts.KindSite, SiteID: &b.net.Site, AllowNegative: true}),
	}
	var mu sync.Mutex
	var transfers []uuid.UUID
	var reservations []uuid.UUID
	var wg sync.WaitGroup
	for worker := 0; worker < 4; worker++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			pick := func() (uuid.UUID, uuid.UUID) { return ws[rng.IntN(len(ws))].ID, ps[rng.IntN(len(ps))] }
			for i := 0; i < 60; i++ {
				w, p := pick()
				q := int64(rng.IntN(6) + 1)
				lines := []parts.LineInput{{PartID: p, Quantity: q}}
				switch rng.IntN(8) {
				case 0, 1:
					_, _ = b.doc(t, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &w, Lines: lines})
				case 2:
					_, _ = b.doc(t, parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &w, Lines: lines})
				case 3:
					if rng.IntN(2) == 0 {
						lines[0].Quantity = -q
					}
					_, _ = b.doc(t, parts.DocumentInput{Kind: parts.DocAdjustment, WarehouseID: &w, Reason: "count", Lines: lines})
				case 4:
					to, _ := pick()
					if d, err := b.doc(t, parts.DocumentInput{Kind: parts.DocTransfer, FromWarehouseID: &w, ToWarehouseID: &to, Lines: lines}); err == nil {
						mu.Lock()
						transfers = append(transfers, d.ID)
						mu.Unlock()
					}
				case 5:
					mu.Lock()
					var id uuid.UUID
					if len(transfers) > 0 {
						id = transfers[rng.IntN(len(transfers))]
					}
					mu.Unlock()
					if id != uuid.Nil {
						_ = b.in(t, func(u core.UnitOfWork) error {
							d, err := b.svc.FindDocument(ctx, u, id, b.all)
							if err != nil {
								return err
							}
							l := d.Lines[0]
							_, err = b.svc.ReceiveTransfer(ctx, u, id, []parts.LineInput{{PartID: l.PartID, Quantity: int64(rng.IntN(int(l.Quantity))) + 1}}, b.all, "t")
							return err
						})
					}
				case 6:
					_ = b.in(t, func(u core.UnitOfWork) error {
						r, _, err := b.svc.Reserve(ctx, u, parts.ReservationInput{Key: uuid.NewString(), WarehouseID: w, PartID: p, Quantity: q}, b.all, "t")
						if err == nil {
							mu.Lock()
							reservations = append(reservations, r.ID)
							mu.Unlock()
						}
						return err
					})
				case 7:
					mu.Lock()
					var id uuid.UUID
					if len(reservations) > 0 {
						id = reservations[rng.IntN(len(reservations))]
					}
					mu.Unlock()
					if id != uuid.Nil {
						_ = b.in(t, func(u core.UnitOfWork) error {
							var err error
							if rng.IntN(2) == 0 {
								_, err = b.svc.Consume(ctx, u, id, 1, b.all, "t")
							} else {
								_, err = b.svc.Release(ctx, u, id, 0, b.all, "t")
							}
							return err
						})
					}
				}
			}
		}(uint64(worker + 1))
	}
	wg.Wait()
	want := assertLedgerReplays(t, b)
	require.NotEmpty(t, want)
	for k, bal := range want {
		require.GreaterOrEqual(t, bal.Reserved, int64(0))
		require.GreaterOrEqual(t, bal.InTransit, int64(0))
		if k.WarehouseID != ws[2].ID {
			require.GreaterOrEqual(t, bal.Available, int64(0), "no negative stock where the warehouse does not allow it")
		}
	}
}
