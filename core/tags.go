package core

import (
	"fmt"
	"sort"
	"strings"
)

// Limits on the tags of customers, sites and technicians: free labels a
// tenant's staff set, such as "vip-line", "24h" or "gas-certified".
const (
	maxTags      = 20
	maxTagLength = 32 // runes
)

// normalizeTags returns tags in stored form: each trimmed, duplicates
// dropped, sorted; never nil. An empty tag, one longer than maxTagLength
// or holding control characters is an EINVALID error on "field[i]"; more
// than maxTags distinct tags one on field.
func normalizeTags(field string, tags []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for i, t := range tags {
		t = strings.TrimSpace(t)
		if err := validText(fmt.Sprintf("%s[%d]", field, i), t, 1, maxTagLength); err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
		if len(out) > maxTags { // no need to read a huge list to the end
			return nil, FieldError(field, "at most %d tags", maxTags)
		}
	}
	sort.Strings(out)
	return out, nil
}
