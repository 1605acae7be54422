package dispatch

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendFixedMatchesStrconv: the fast formatter of reasons prints what
// strconv does, except within rounding error of a tie.
func TestAppendFixedMatchesStrconv(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	for range 200_000 {
		v := rng.Float64() * math.Pow(10, float64(rng.IntN(7)-2))
		if rng.IntN(10) == 0 {
			v = math.Round(v)
		}
		for _, prec := range []int{-1, 0, 1, 2, 3} {
			got, want := string(appendFixed(nil, v, prec)), strconv.FormatFloat(v, 'f', prec, 64)
			if got == want {
				continue
			}
			scaled := v * math.Pow(10, float64(prec))
			require.InDelta(t, 0.5, scaled-math.Floor(scaled), 1e-6, "v=%v prec=%d: %s, strconv %s", v, prec, got, want)
		}
	}
	require.Equal(t, "NaN", string(appendFixed(nil, math.NaN(), 2)))
	require.Equal(t, "-1.50", string(appendFixed(nil, -1.5, 2)))
}
