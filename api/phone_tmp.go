package api

import "strings"

// normalizePhone keeps the digits of a phone number; a Chinese mobile
// number without a country code gets 86. (Replaced by core.NormalizePhone
// once customers land.)
func normalizePhone(raw string) string {
	var b strings.Builder
	for _, r := range raw {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := strings.TrimPrefix(b.String(), "00")
	if len(d) == 11 && d[0] == '1' {
		d = "86" + d
	}
	if len(d) < 5 || len(d) > 15 {
		return ""
	}
	return d
}
