package postgres

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

// FuzzSecretBoxOpen: arbitrary stored bytes never decrypt and never panic.
func FuzzSecretBoxOpen(f *testing.F) {
	box, err := newSecretBox(make([]byte, 32))
	if err != nil {
		f.Fatal(err)
	}
	a, b := uuid.New(), uuid.New()
	sealed := box.seal(a, b, []byte(`{"k":"v"}`))
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{secretBoxVersion})
	f.Fuzz(func(t *testing.T, raw []byte) {
		plain, err := box.open(a, b, raw)
		if err == nil && string(raw) != string(sealed) {
			t.Fatalf("forged ciphertext decrypted to %q", plain)
		}
	})
}
