package postgres

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// secretBoxVersion prefixes every ciphertext so that a later key rotation
// can tell old from new.
const secretBoxVersion = 1

// secretBox encrypts binding secrets with the platform key (AES-256-GCM).
// The associated data is the tenant ID and the binding ID, so a ciphertext
// moved to another row, or another tenant, fails to decrypt.
type secretBox struct{ aead cipher.AEAD }

func newSecretBox(key []byte) (*secretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("plugin secret key: need 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &secretBox{aead: aead}, nil
}

func secretAD(tenant, binding uuid.UUID) []byte {
	return append(tenant[:len(tenant):len(tenant)], binding[:]...)
}

func (b *secretBox) seal(tenant, binding uuid.UUID, plain []byte) []byte {
	out := make([]byte, 1+b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	out[0] = secretBoxVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b.aead.Seal(out, out[1:], plain, secretAD(tenant, binding))
}

var errSecretOpen = errors.New("plugin secrets do not decrypt with this key (was PLUGIN_SECRET_KEY changed?)")

func (b *secretBox) open(tenant, binding uuid.UUID, sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != secretBoxVersion {
		return nil, errSecretOpen
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], secretAD(tenant, binding))
	if err != nil {
		return nil, errSecretOpen
	}
	return plain, nil
}
