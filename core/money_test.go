package core

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFormatMinor(t *testing.T) {
	for _, c := range []struct {
		name     string
		amount   int64
		currency string
		want     string
	}{
		{"yen has no minor unit", 1234, "JPY", "1234"},
		{"won has no minor unit", -1234, "KRW", "-1234"},
		{"yuan in fen", 1234, "CNY", "12.34"},
		{"cents below one", 5, "USD", "0.05"},
		{"negative euro", -123456, "EUR", "-1234.56"},
		{"dinar in fils", 1234, "KWD", "1.234"},
		{"negative dinar below one", -5, "BHD", "-0.005"},
		{"lower case code", 1234, "jpy", "1234"},
		{"unknown code: 2", 1234, "XYZ", "12.34"},
		{"rupiah: ISO says 2, not the CLDR's 0", 1234, "IDR", "12.34"},
		{"zero", 0, "CNY", "0.00"},
		{"the least int64", -9223372036854775808, "CNY", "-92233720368547758.08"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, FormatMinor(c.amount, c.currency))
		})
	}
}
