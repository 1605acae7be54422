package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, raw, country string
		want               string // "" when invalid
	}{
		{"mobile with spaces", "138 0013 8000", "CN", "8613800138000"},
		{"mobile with +86 and hyphens", "+86 138-0013-8000", "CN", "8613800138000"},
		{"mobile with 0086", "0086 13800138000", "CN", "8613800138000"},
		{"bare mobile", "13800138000", "CN", "8613800138000"},
		{"already normalised", "8613800138000", "CN", "8613800138000"},
		{"mobile with trunk 0", "013800138000", "CN", "8613800138000"},
		{"full-width digits", "１３８００１３８０００", "CN", "8613800138000"},
		{"full-width plus and parentheses", "＋86（138）0013 8000", "CN", "8613800138000"},
		{"Beijing landline", "010-12345678", "CN", "861012345678"},
		{"Shenzhen landline", "0755 8765 4321", "CN", "8675587654321"},
		{"Kunming 7-digit landline", "0871-1234567", "CN", "868711234567"},
		{"landline with +86 and trunk", "+86 (0)10 1234 5678", "CN", "861012345678"},
		{"landline already normalised", "861012345678", "CN", "861012345678"},
		{"400 service number", "400-800-8888", "CN", "864008008888"},
		{"Hong Kong", "+852 2123 4567", "CN", "85221234567"},
		{"UK with (0)", "+44 (0)20 7946 0000", "CN", "442079460000"},
		{"UK with 00", "0044 20 7946 0000", "CN", "442079460000"},
		{"international without plus", "442079460000", "CN", "442079460000"},
		{"no default country, international", "+86 138 0013 8000", "", "8613800138000"},
		{"no default country, digits", "8613800138000", "", "8613800138000"},
		{"US number, no default", "+1 415 555 0100", "", "14155550100"},
		{"lowercase country", "13800138000", "cn", "8613800138000"},

		{"empty", "", "CN", ""},
		{"spaces only", "   ", "CN", ""},
		{"letters", "call me", "CN", ""},
		{"extension", "010-12345678 ext 12", "CN", ""},
		{"plus in the middle", "86+13800138000", "CN", ""},
		{"two pluses", "++8613800138000", "CN", ""},
		{"too short", "12345", "CN", ""},
		{"local landline without area code", "87654321", "CN", ""},
		{"mobile one digit short", "1380013800", "CN", ""},
		{"mobile with bad prefix", "12800138000", "CN", ""},
		{"bare national without default", "13800138000", "", ""},
		{"unknown country code", "+999 1234 5678", "CN", ""},
		{"too long", "+86 138 0013 8000 1234 5678", "CN", ""},
		{"ambiguous US number under CN", "+1 415 555 0100", "CN", ""},
		{"unknown default country", "13800138000", "XX", ""},
		{"overlong input", "1380013800013800138000138000138000138000138000138000138000138000138000", "CN", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := core.NormalizePhone(c.raw, c.country)
			if c.want == "" {
				require.Error(t, err, "got %q", got)
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
				require.Contains(t, err.(*core.Error).Fields, "phone")
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, got)
			again, err := core.NormalizePhone(got, c.country)
			require.NoError(t, err)
			require.Equal(t, got, again, "not idempotent")
		})
	}
}

// FuzzNormalizePhone: never panics; a result is 8-15 digits and normalises
// to itself; a failure is always EINVALID.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"138 0013 8000", "+86 138-0013-8000", "0086 13800138000", "13800138000",
		"010-12345678", "+44 (0)20 7946 0000", "+1 415 555 0100", "４００８００８８８８", "+", "00", "0", "+0", "８６",
		"+39 06 1234 5678", "0039 06 12345678", "700000000000", "8001234567", "+800 1234 5678", "\xff\xfe", "+86 010 1234 5678"} {
		f.Add(s, "CN")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, raw, country string) {
		if country != "" {
			country = "CN" // the supported defaults; others only fail
		}
		out, err := core.NormalizePhone(raw, country)
		if err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		require.GreaterOrEqual(t, len(out), 8)
		require.LessOrEqual(t, len(out), 15)
		for _, r := range out {
			require.True(t, r >= '0' && r <= '9', "non-digit in %q", out)
		}
		again, err := core.NormalizePhone(out, country)
		require.NoError(t, err, "%q → %q does not normalise again", raw, out)
		require.Equal(t, out, again, "%q → %q → %q", raw, out, again)
		plus, err := core.NormalizePhone("+"+out, country)
		require.NoError(t, err)
		require.Equal(t, out, plus, "the E.164 form with '+' reads the same")
	})
}
