package plugin

import (
	"testing"

	"github.com/google/uuid"
)

// FuzzCTIToken: whatever a vendor sends as a token, parsing never panics,
// and a token claims a tenant only when it is one we could have issued.
func FuzzCTIToken(f *testing.F) {
	tenant := uuid.New()
	tok, _ := newCTIToken(tenant)
	for _, s := range []string{tok, "", "ctk_", "ctk_!!", tok[:20], tok + "x", "Bearer " + tok} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ctiTokenTenant(s)
		if s == tok && (!ok || got != tenant) {
			t.Fatalf("issued token not recognised")
		}
		if ok && len(s) != len(tok) {
			t.Fatalf("%q claims tenant %s", s, got)
		}
	})
}
