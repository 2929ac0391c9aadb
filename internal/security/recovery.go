package security

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// RecoveryCodeCount is how many single-use recovery codes an enrolment hands out.
const RecoveryCodeCount = 10

// recoveryAlphabet has 31 characters without look-alikes (0/o, 1/l/i); 12 of them
// carry 59 bits, out of reach of an offline search of the salted hashes.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// recoverySet is what users.recoveryCodes holds: a per-user salt and the SHA-256 of
// each unused code. The codes themselves are shown once and never stored.
type recoverySet struct {
	Salt   string   `json:"salt"`
	Hashes []string `json:"hashes"`
}

// newRecoveryCodes returns fresh codes (xxxx-xxxx-xxxx) and the JSON to store.
func newRecoveryCodes() ([]string, string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, "", err
	}
	set := recoverySet{Salt: hex.EncodeToString(salt)}
	codes := make([]string, RecoveryCodeCount)
	max := big.NewInt(int64(len(recoveryAlphabet)))
	for i := range codes {
		var b strings.Builder
		for j := 0; j < 12; j++ {
			if j > 0 && j%4 == 0 {
				b.WriteByte('-')
			}
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				return nil, "", err
			}
			b.WriteByte(recoveryAlphabet[n.Int64()])
		}
		codes[i] = b.String()
		set.Hashes = append(set.Hashes, set.hash(codes[i]))
	}
	raw, err := json.Marshal(set)
	return codes, string(raw), err
}

func (s recoverySet) hash(code string) string {
	h := sha256.Sum256([]byte(s.Salt + ":" + normalizeRecovery(code)))
	return hex.EncodeToString(h[:])
}

func normalizeRecovery(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
}

// useRecoveryCode spends one of the user's recovery codes. It is a compare-and-swap
// on the stored set, so two requests with the same code cannot both succeed.
func useRecoveryCode(app core.App, userID, code string) (bool, error) {
	if normalizeRecovery(code) == "" {
		return false, nil
	}
	for range 5 { // another code spent at the same moment: read again
		var raw string
		err := app.DB().NewQuery("SELECT COALESCE(recoveryCodes, '') FROM users WHERE id = {:id}").
			Bind(dbx.Params{"id": userID}).Row(&raw)
		if err != nil {
			return false, err
		}
		var set recoverySet
		if raw == "" || json.Unmarshal([]byte(raw), &set) != nil {
			return false, nil
		}
		want := set.hash(code)
		idx := -1
		for i, h := range set.Hashes {
			if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
				idx = i
			}
		}
		if idx < 0 {
			return false, nil
		}
		set.Hashes = append(set.Hashes[:idx:idx], set.Hashes[idx+1:]...)
		next, err := json.Marshal(set)
		if err != nil {
			return false, err
		}
		res, err := app.DB().NewQuery("UPDATE users SET recoveryCodes = {:next} WHERE id = {:id} AND recoveryCodes = {:raw}").
			Bind(dbx.Params{"next": string(next), "id": userID, "raw": raw}).Execute()
		if err != nil {
			return false, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, nil
		}
	}
	return false, nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func RecoveryCodesLeft(user *core.Record) int {
	var set recoverySet
	if json.Unmarshal([]byte(user.GetString("recoveryCodes")), &set) != nil {
		return 0
	}
	return len(set.Hashes)
}
