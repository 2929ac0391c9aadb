// Package security owns account protection: temporary passwords, TOTP, recovery codes,
// secret encryption, password resets, lockout and step-up checks.
package security

import (
	"crypto/rand"
	"math/big"
)

// temporaryAlphabet leaves out look-alike characters (0/O, 1/l/I).
const temporaryAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// TemporaryPassword returns 16 characters drawn uniformly from a CSPRNG.
func TemporaryPassword() string {
	b := make([]byte, 16)
	max := big.NewInt(int64(len(temporaryAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = temporaryAlphabet[n.Int64()]
	}
	return string(b)
}
