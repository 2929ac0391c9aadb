package security

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/keyring"
)

// KeyEnv, KeyFile and ParseKey are the instance key's (internal/keyring), named here
// for security's callers: the key that seals secrets at rest.
const (
	KeyEnv  = keyring.Env
	KeyFile = keyring.File
)

const sealedPrefix = "v1:"

// ParseKey reads a 32-byte key written as hex or base64.
func ParseKey(raw string) ([]byte, error) { return keyring.Parse(raw) }

// key returns app's AES-256 key: the instance key itself.
func key(app core.App) ([]byte, error) { return keyring.Instance(app) }

// seal encrypts plaintext with AES-256-GCM, bound to context (the owning record's id),
// so a ciphertext copied to another record does not decrypt.
func seal(app core.App, plaintext, context string) (string, error) {
	gcm, err := aead(app)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := gcm.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return sealedPrefix + base64.StdEncoding.EncodeToString(out), nil
}

// open decrypts what seal produced with the same context.
func open(app core.App, sealed, context string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", errors.New("security: not a sealed value")
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "", err
	}
	gcm, err := aead(app)
	if err != nil {
		return "", err
	}
	if len(data) < gcm.NonceSize() {
		return "", errors.New("security: sealed value too short")
	}
	plain, err := gcm.Open(nil, data[:gcm.NonceSize()], data[gcm.NonceSize():], []byte(context))
	if err != nil {
		return "", errWrongKey
	}
	return string(plain), nil
}

// errWrongKey: a well-formed sealed value fails authentication, which means it was
// sealed under another key (a restore without <data>/.roster_key, or a changed
// ROSTER_ENCRYPTION_KEY).
var errWrongKey = errors.New("security: the secret does not decrypt with this instance's key")

func aead(app core.App) (cipher.AEAD, error) {
	k, err := key(app)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
