package core

import (
	"strconv"
	"strings"
)

// minorExceptions are the ISO 4217 currencies (List One) whose minor unit
// is not 2 decimals: the complete list, so any other code (CNY, USD, EUR,
// IDR, HUF…) has 2. Browsers' Intl follows CLDR, which differs for a few
// (IDR, HUF, IQD, COP…): the portal keeps this same table (web/src/lib/money.ts).
var minorExceptions = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// MinorDigits is the ISO 4217 minor-unit exponent of a currency: how many
// decimals its major unit has in minor units (JPY 0, CNY 2, KWD 3). An
// unknown code has 2. Every amount in the API is in these minor units.
func MinorDigits(currency string) int {
	if d, ok := minorExceptions[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// FormatMinor writes an amount in minor units of currency as a plain
// decimal in major units, without grouping or symbol, for exports:
// 123456 CNY is "1234.56", 1234 JPY is "1234", -5 KWD is "-0.005".
func FormatMinor(amount int64, currency string) string {
	d := MinorDigits(currency)
	neg := amount < 0
	s := strconv.FormatUint(absMinor(amount), 10)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func absMinor(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1 // math.MinInt64 too
	}
	return uint64(v)
}
