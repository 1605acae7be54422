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

// secretBox encrypts secrets at rest with the platform key (AES-256-GCM):
// plugin binding secrets and webhook signing secrets. The associated data
// is the tenant ID, the row's ID and what the secret is (its label), so a
// ciphertext moved to another row, another tenant or another use fails to
// decrypt.
type secretBox struct{ aead cipher.AEAD }

// Labels of the secrets a secretBox seals. Plugin binding secrets have
// none: they were sealed before labels existed.
const (
	labelPluginSecrets = ""
	labelWebhookSecret = "webhook-secret"
)

func newSecretBox(key []byte) (*secretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("platform secret key: need 32 bytes, got %d", len(key))
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

func secretAD(tenant, id uuid.UUID, label string) []byte {
	return append(append(tenant[:len(tenant):len(tenant)], id[:]...), label...)
}

func (b *secretBox) seal(tenant, id uuid.UUID, label string, plain []byte) []byte {
	out := make([]byte, 1+b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	out[0] = secretBoxVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b.aead.Seal(out, out[1:], plain, secretAD(tenant, id, label))
}

var errSecretOpen = errors.New("stored secrets do not decrypt with this key (was PLUGIN_SECRET_KEY changed?)")

func (b *secretBox) open(tenant, id uuid.UUID, label string, sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != secretBoxVersion {
		return nil, errSecretOpen
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], secretAD(tenant, id, label))
	if err != nil {
		return nil, errSecretOpen
	}
	return plain, nil
}
