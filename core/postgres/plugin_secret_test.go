package postgres

import (
	"testing"

	"github.com/google/uuid"
)

// FuzzSecretBoxOpen: arbitrary stored bytes never decrypt and never panic.
func FuzzSecretBoxOpen(f *testing.F) {
	box, err := newSecretBox(make([]byte, 32))
	if err != nil {
		f.Fatal(err)
	}
	a, b := uuid.New(), uuid.New()
	sealed := box.seal(a, b, labelPluginSecrets, []byte(`{"k":"v"}`))
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{secretBoxVersion})
	f.Fuzz(func(t *testing.T, raw []byte) {
		plain, err := box.open(a, b, labelPluginSecrets, raw)
		if err == nil && string(raw) != string(sealed) {
			t.Fatalf("forged ciphertext decrypted to %q", plain)
		}
	})
}
