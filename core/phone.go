package core

import (
	"regexp"
	"strings"
)

// DefaultPhoneCountry is the country assumed for phone numbers written
// without a country code. Every tenant is Chinese for now; a per-tenant
// setting would replace it.
const DefaultPhoneCountry = "CN"

// phoneCountry is how numbers are written nationally in a country.
type phoneCountry struct {
	code  string   // calling code, e.g. "86"
	trunk string   // national trunk prefix, e.g. "0" in 010-12345678
	idd   []string // international prefixes, longest first
	// bare tells whether a national number may be written without the
	// trunk prefix (Chinese mobiles: 13800138000).
	bare func(nsn string) bool
}

// phoneCountries are the supported default countries. Numbers of any other
// country are accepted when written internationally (+44…, 0044…).
var phoneCountries = map[string]phoneCountry{
	"CN": {code: "86", trunk: "0", idd: []string{"00"}, bare: func(n string) bool {
		return cnMobile.MatchString(n) || cnService.MatchString(n)
	}},
}

var (
	cnMobile   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	cnService  = regexp.MustCompile(`^[48]00[0-9]{7}$`)
	cnLandline = regexp.MustCompile(`^(?:(?:10|2[0-9])[0-9]{8}|[3-9][0-9]{9,10})$`)
	nanpNumber = regexp.MustCompile(`^[2-9][0-9]{2}[2-9][0-9]{6}$`)
	hkNumber   = regexp.MustCompile(`^[2-9][0-9]{7}$`)
)

// nationalNumber validates the national significant number (the digits
// after the calling code) for the countries we know; others get a length
// check in validNSN.
var nationalNumber = map[string]func(string) bool{
	"86": func(n string) bool {
		return cnMobile.MatchString(n) || cnLandline.MatchString(n) || cnService.MatchString(n)
	},
	"1":   nanpNumber.MatchString,
	"7":   func(n string) bool { return len(n) == 10 },
	"852": hkNumber.MatchString,
	"853": hkNumber.MatchString,
	"65":  hkNumber.MatchString,
}

// callingCodes are the assigned ITU-T E.164 country calling codes. They
// form a prefix code: no code is the prefix of another.
var callingCodes = func() map[string]bool {
	m := map[string]bool{"1": true, "7": true}
	for _, c := range strings.Fields(`20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58
		60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98
		211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239
		240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265
		266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375
		376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509
		590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686
		687 688 689 690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963
		964 965 966 967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 996 998`) {
		m[c] = true
	}
	return m
}()

// NormalizePhone returns a phone number as E.164 digits without the '+',
// the form customers' phones are stored and looked up in: "138 0013 8000",
// "+86 138-0013-8000", "0086 13800138000" and "13800138000" (default CN)
// all give "8613800138000"; a landline "010-12345678" gives "861012345678".
//
// defaultCountry (ISO 3166 alpha-2, e.g. "CN") says how numbers without a
// country code are read; "" accepts international numbers only. Spaces,
// hyphens, dots, parentheses and full-width digits are accepted; anything
// else, or a number that fits no known plan, is EINVALID (field "phone").
//
// The result normalises to itself. An international number whose digits
// would read as a different national number of the default country (+1
// 415 555 0100 is 14155550100, a Chinese mobile when read without '+') is
// refused as ambiguous rather than stored in a form that changes meaning.
func NormalizePhone(raw, defaultCountry string) (string, error) {
	var country *phoneCountry
	if defaultCountry != "" {
		c, ok := phoneCountries[strings.ToUpper(defaultCountry)]
		if !ok {
			return "", FieldError("phone", "unknown default country %q", defaultCountry)
		}
		country = &c
	}
	digits, plus, err := phoneDigits(raw)
	if err != nil {
		return "", err
	}
	if plus {
		return internationalPhone(digits, country)
	}
	idd := []string{"00"}
	if country != nil {
		idd = country.idd
	}
	for _, p := range idd {
		if rest, ok := strings.CutPrefix(digits, p); ok {
			return internationalPhone(rest, country)
		}
	}
	if n, ok := nationalPhone(digits, country); ok {
		return n, nil
	}
	n, err := internationalPhone(digits, country)
	if err != nil && country != nil && !strings.Contains(err.Error(), "ambiguous") {
		return "", FieldError("phone", "is not a valid phone number: give a mobile number, a landline with its area code, or +country code for a number abroad")
	}
	return n, err
}

// phoneDigits keeps the digits of raw, telling whether it began with '+'.
func phoneDigits(raw string) (digits string, plus bool, err error) {
	if len(raw) > 64 {
		return "", false, FieldError("phone", "must be at most 64 characters")
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width digits, common in Chinese input methods
			b.WriteRune('0' + (r - '０'))
		case r == '+' || r == '＋':
			if plus || b.Len() > 0 {
				return "", false, FieldError("phone", "'+' may only start the number")
			}
			plus = true
		case strings.ContainsRune(" \t-.()/\u00a0\u3000－（）–—", r):
		default:
			return "", false, FieldError("phone", "must contain only digits, spaces, '+', '-', '.', '/' or parentheses, not %q", r)
		}
	}
	if b.Len() == 0 {
		return "", false, FieldError("phone", "is required")
	}
	if b.Len() > 20 {
		return "", false, FieldError("phone", "has too many digits")
	}
	return b.String(), plus, nil
}

// nationalPhone reads digits as a national number of the country.
func nationalPhone(digits string, c *phoneCountry) (string, bool) {
	if c == nil {
		return "", false
	}
	if nsn, ok := strings.CutPrefix(digits, c.trunk); ok && c.trunk != "" {
		if validNSN(c.code, nsn) {
			return c.code + nsn, true
		}
		return "", false
	}
	if c.bare != nil && c.bare(digits) {
		return c.code + digits, true
	}
	return "", false
}

// internationalPhone reads digits as calling code + national number.
func internationalPhone(digits string, c *phoneCountry) (string, error) {
	cc := ""
	for n := 1; n <= 3 && n <= len(digits); n++ {
		if callingCodes[digits[:n]] {
			cc = digits[:n]
			break
		}
	}
	if cc == "" {
		return "", FieldError("phone", "is not a valid phone number: no country code and not a national number")
	}
	nsn := digits[len(cc):]
	// "+86 010 1234 5678", "+44 (0)20…": drop the trunk 0 written after the
	// country code; only Italy keeps it as part of the number.
	if cc != "39" && strings.HasPrefix(nsn, "0") {
		nsn = nsn[1:]
	}
	if !validNSN(cc, nsn) {
		return "", FieldError("phone", "is not a valid phone number for country code +%s", cc)
	}
	out := cc + nsn
	if n, ok := nationalPhone(out, c); ok && n != out {
		return "", FieldError("phone", "+%s is ambiguous: without '+' it reads as the national number %s", out, n)
	}
	return out, nil
}

// validNSN checks a national significant number of calling code cc.
func validNSN(cc, nsn string) bool {
	if nsn == "" || nsn[0] == '0' && cc != "39" {
		return false // a leading 0 is a trunk prefix, not part of the number
	}
	if check, ok := nationalNumber[cc]; ok {
		return check(nsn)
	}
	return len(nsn) >= 7 && len(cc)+len(nsn) <= 15
}
