package core

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPasswordHashSlotsFromBudget: the hashes that may run at once are
// what the memory budget holds (19 MiB each), at most one per processor,
// at least one.
func TestPasswordHashSlotsFromBudget(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	require.Equal(t, procs, PasswordHashSlots(0), "no budget: one per processor")
	require.Equal(t, 1, PasswordHashSlots(1), "a budget below one hash still lets one run")
	require.Equal(t, 1, PasswordHashSlots(argonBytes), "one hash's memory: one")
	require.Equal(t, min(procs, 3), PasswordHashSlots(3*argonBytes+argonBytes/2))
	require.Equal(t, procs, PasswordHashSlots(1<<40), "a large budget: the processors bound it")
}

// TestPasswordHashingStaysWithinItsMemory: however many hashes and checks
// are asked for at once, no more run at once than the budget holds (so
// their memory, 19 MiB each, never exceeds it).
func TestPasswordHashingStaysWithinItsMemory(t *testing.T) {
	defer SetPasswordHashMemory(0)
	for _, budget := range []int64{argonBytes, 2 * argonBytes} {
		slots := SetPasswordHashMemory(budget)
		require.Equal(t, PasswordHashSlots(budget), slots)
		argonPeak.Store(0)
		hash := HashPassword("correct horse")
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					_ = HashPassword("battery staple")
				} else {
					if !CheckPassword(hash, "correct horse") {
						t.Error("the password does not check")
					}
				}
			}()
		}
		wg.Wait()
		peak := argonPeak.Load()
		require.GreaterOrEqual(t, peak, int64(1))
		require.LessOrEqual(t, peak, int64(slots), "budget %d bytes: at most %d hashes at once", budget, slots)
		require.LessOrEqual(t, peak*argonBytes, budget, "the hashes' memory within the budget")
	}
}
