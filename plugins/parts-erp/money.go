package main

import (
	"fmt"
	"math"
	"strings"
)

// minorUnits converts an ERP decimal amount ("89.5", "1200.00", "-3.10")
// to minor units (fen) exactly: at most two decimals, no exponent, no
// floats.
func minorUnits(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("amount %q is not a decimal with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var v int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("amount %q is not a decimal with at most two decimals", s)
		}
		if v > (math.MaxInt64-9)/10 {
			return 0, fmt.Errorf("amount %q is too large", s)
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}
