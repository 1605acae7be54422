package core

import "strings"

// SMSRecipient validates and normalises the phone a text goes to (E.164
// digits without '+', as NormalizePhone). A Chinese number must be a
// mobile: landlines and 400/800 numbers cannot receive texts. EINVALID
// (field "phone") says why; the caller records the message failed with
// that reason and never sends it.
func SMSRecipient(raw string) (string, error) {
	n, err := NormalizePhone(raw, DefaultPhoneCountry)
	if err != nil {
		return "", err
	}
	if nsn, ok := strings.CutPrefix(n, "86"); ok && !cnMobile.MatchString(nsn) {
		return "", FieldError("phone", "%s is not a mobile number and cannot receive text messages", raw)
	}
	return n, nil
}

// SMSNumberPrefixes returns the digits of a received-on number and its
// prefixes of three digits or more, longest first: the candidates of
// FindTenantBySMSNumber. A Chinese country code written internationally
// (+86…, 0086…) is dropped, as tenants' numbers are national. Nil when the
// number has no digits.
func SMSNumberPrefixes(number string) []string {
	var b strings.Builder
	folded := strings.TrimSpace(foldWidth(number))
	for _, r := range folded {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(folded, "+86") {
		d = strings.TrimPrefix(d, "86")
	} else {
		d = strings.TrimPrefix(d, "0086")
	}
	var out []string
	for n := len(d); n >= 3; n-- {
		out = append(out, d[:n])
	}
	return out
}
