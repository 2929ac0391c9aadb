package security

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP parameters (RFC 6238 defaults, which every authenticator app supports).
const (
	Period     = 30 // seconds per step
	Digits     = 6
	SecretSize = 20 // bytes, as RFC 4226 recommends for SHA-1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh 20-byte secret from crypto/rand, base32 without padding.
func NewSecret() string {
	b := make([]byte, SecretSize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return b32.EncodeToString(b)
}

// Step is the TOTP time step t falls in.
func Step(t time.Time) int64 { return t.Unix() / Period }

// Code is the 6-digit SHA-1 code of secret (base32) for a time step.
func Code(secret string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// Match reports which step code belongs to, among the current step and the one
// before it (a code typed just as it rolled over); later steps are never accepted.
// The comparison is constant-time.
func Match(secret, code string, now time.Time) (int64, bool) {
	code = normalizeCode(code)
	if len(code) != Digits {
		return 0, false
	}
	t := Step(now)
	found, match := int64(0), 0
	for _, step := range []int64{t, t - 1} {
		want, err := Code(secret, step)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && match == 0 {
			found, match = step, 1
		}
	}
	return found, match == 1
}

func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

// OTPAuthURL is the otpauth:// URI an authenticator app reads from the QR code.
func OTPAuthURL(secret, issuer, account string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// QRDataURL renders uri as a QR code PNG, as a data: URL an <img> can show.
func QRDataURL(uri string) (string, error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", err
	}
	img, err := k.Image(256, 256)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
