package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"89.50", 8950, true}, {"89.5", 8950, true}, {"89", 8900, true}, {"0.07", 7, true}, {"-3.10", -310, true},
		{"", 0, false}, {"12.345", 0, false}, {"1e3", 0, false}, {"12.", 0, false}, {".5", 0, false},
		{"1,000.00", 0, false}, {"+1", 0, false}, {"99999999999999999999", 0, false}, {"--1", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := minorUnits(tc.in)
			if !tc.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// A decimal amount the ERP writes always comes back exactly.
func FuzzMinorUnits(f *testing.F) {
	f.Add("89.50")
	f.Add("-0.01")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := minorUnits(s)
		if err != nil {
			return
		}
		abs := v
		sign := ""
		if v < 0 {
			abs, sign = -v, "-"
		}
		back, err := minorUnits(fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100))
		require.NoError(t, err)
		require.Equal(t, v, back)
	})
}
