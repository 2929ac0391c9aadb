package security

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// KeyEnv names the environment variable holding the 32-byte secret-encryption key,
// base64 (standard or URL alphabet) or hex. Without it, the key is generated once into
// KeyFile in the data directory.
const KeyEnv = "ROSTER_ENCRYPTION_KEY"

// KeyFile is the generated key's file name in the data directory (mode 0600).
const KeyFile = ".roster_key"

const (
	keyStoreKey  = "roster.security.key"
	sealedPrefix = "v1:"
)

var keyMu sync.Mutex

// key returns app's AES-256 key: ROSTER_ENCRYPTION_KEY, else <dataDir>/.roster_key,
// created on first use. It is read once per app.
func key(app core.App) ([]byte, error) {
	if k, ok := app.Store().Get(keyStoreKey).([]byte); ok {
		return k, nil
	}
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := app.Store().Get(keyStoreKey).([]byte); ok {
		return k, nil
	}
	var k []byte
	var err error
	if raw := strings.TrimSpace(os.Getenv(KeyEnv)); raw != "" {
		k, err = ParseKey(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KeyEnv, err)
		}
	} else {
		k, err = fileKey(filepath.Join(app.DataDir(), KeyFile))
		if err != nil {
			return nil, err
		}
	}
	app.Store().Set(keyStoreKey, k)
	return k, nil
}

// ParseKey reads a 32-byte key written as hex or base64.
func ParseKey(raw string) ([]byte, error) {
	if len(raw) == 64 {
		if k, err := hex.DecodeString(raw); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(raw); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, errors.New("the key must be 32 bytes, written as base64 or hex (openssl rand -base64 32)")
}

// fileKey reads the key file, or creates it (exclusively, 0600) when it is missing.
func fileKey(path string) ([]byte, error) {
	if raw, err := os.ReadFile(path); err == nil {
		return ParseKey(strings.TrimSpace(string(raw)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process won the race: use its key
		return fileKey(path)
	}
	if err != nil {
		return nil, err
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, werr
	}
	return k, nil
}

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
