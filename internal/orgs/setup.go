package orgs

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
)

// SetupTTL is how long the first-run setup link stays valid.
const SetupTTL = time.Hour

const setupKey = "roster.setupToken"

type setupToken struct {
	hash    [32]byte
	expires time.Time
}

// Needed reports whether the instance has no organisation yet.
func Needed(app core.App) bool {
	n, err := app.CountRecords("organizations")
	return err == nil && n == 0
}

// StartSetup makes a new one-time setup token, valid SetupTTL, replacing any previous
// one. Only its hash stays in memory; the caller prints the token once.
func StartSetup(app core.App) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	app.Store().Set(setupKey, setupToken{hash: sha256.Sum256([]byte(token)), expires: time.Now().Add(SetupTTL)})
	return token, nil
}

// Setup creates the first organisation and its owner with a valid setup token.
// Errors: 409 already_set_up, 403 setup_token_invalid, and Create's.
func Setup(app core.App, token string, in New, ip string) (*Created, error) {
	if !Needed(app) {
		return nil, fail.Conflict("already_set_up", "This instance is already set up: sign in instead.", nil)
	}
	st, ok := app.Store().Get(setupKey).(setupToken)
	h := sha256.Sum256([]byte(token))
	if !ok || token == "" || time.Now().After(st.expires) || subtle.ConstantTimeCompare(h[:], st.hash[:]) != 1 {
		return nil, fail.Forbidden("setup_token_invalid", "This setup link is invalid or has expired. Restart the server to print a new one.")
	}
	c, err := Create(app, in, "system", ip)
	if err != nil {
		return nil, err
	}
	app.Store().Remove(setupKey)
	return c, nil
}
