// Package keyring owns the instance's secret key: ROSTER_ENCRYPTION_KEY, else
// <data>/.roster_key, generated once (mode 0600). It is never stored in data.db, so
// someone who can only read or rewrite the database does not have it. Secrets at rest
// (internal/security) are sealed with it; any other use takes a key of its own derived
// from it with HKDF-SHA256 under a label naming that use (Derive), so that no two uses
// share key material.
package keyring

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
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

// Env names the environment variable holding the 32-byte key, base64 (standard or URL
// alphabet) or hex. Without it, the key is generated once into File in the data directory.
const Env = "ROSTER_ENCRYPTION_KEY"

// File is the generated key's file name in the data directory (mode 0600).
const File = ".roster_key"

const storeKey = "roster.keyring.key"

var mu sync.Mutex

// Instance returns app's key: ROSTER_ENCRYPTION_KEY, else <dataDir>/.roster_key,
// created on first use. It is read once per app (Forget reads it again).
func Instance(app core.App) ([]byte, error) {
	if k, ok := app.Store().Get(storeKey).([]byte); ok {
		return k, nil
	}
	mu.Lock()
	defer mu.Unlock()
	if k, ok := app.Store().Get(storeKey).([]byte); ok {
		return k, nil
	}
	var k []byte
	var err error
	if raw := strings.TrimSpace(os.Getenv(Env)); raw != "" {
		k, err = Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", Env, err)
		}
	} else {
		k, err = fileKey(filepath.Join(app.DataDir(), File))
		if err != nil {
			return nil, err
		}
	}
	app.Store().Set(storeKey, k)
	return k, nil
}

// Forget drops app's cached key, as a restart does: the next use reads it from
// ROSTER_ENCRYPTION_KEY or <data>/.roster_key again.
func Forget(app core.App) { app.Store().Remove(storeKey) }

// Derive returns the 32-byte key of one use of the instance key: HKDF-SHA256 of it with
// label as the info string (e.g. "roster audit chain v1"). A new label gives an
// unrelated key; changing a label changes every value made with its key.
func Derive(app core.App, label string) ([]byte, error) {
	k, err := Instance(app)
	if err != nil {
		return nil, err
	}
	return hkdf.Key(sha256.New, k, nil, label, 32)
}

// Parse reads a 32-byte key written as hex or base64.
func Parse(raw string) ([]byte, error) {
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
		return Parse(strings.TrimSpace(string(raw)))
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
