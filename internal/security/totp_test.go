package security

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B, SHA-1 rows: the 8-digit values mod 10^6.
func TestRFC6238AppendixBVectors(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, v := range []struct {
		unix int64
		want string
	}{
		{59, "287082"},          // 94287082
		{1111111109, "081804"},  // 07081804
		{1111111111, "050471"},  // 14050471
		{1234567890, "005924"},  // 89005924
		{2000000000, "279037"},  // 69279037
		{20000000000, "353130"}, // 65353130
	} {
		got, err := Code(secret, Step(time.Unix(v.unix, 0)))
		if err != nil || got != v.want {
			t.Errorf("T=%d: got %q (%v), want %q", v.unix, got, err, v.want)
		}
		if step, ok := Match(secret, v.want, time.Unix(v.unix, 0)); !ok || step != v.unix/30 {
			t.Errorf("T=%d: the vector's own code did not match", v.unix)
		}
	}
}

// A code made by a device whose clock is off by -90…+90 s passes only if it belongs to
// the server's step T or T-1.
func TestClockSkewAcceptsOnlyTheCurrentAndPreviousStep(t *testing.T) {
	secret := NewSecret()
	now := time.Unix(1_800_000_000/30*30+15, 0) // the middle of a step
	T := Step(now)
	for off := -90; off <= 90; off++ {
		device := now.Add(time.Duration(off) * time.Second)
		code, err := Code(secret, Step(device))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := Match(secret, code, now)
		want := Step(device) == T || Step(device) == T-1
		if ok != want {
			t.Errorf("device clock %+ds (step T%+d): accepted %v, want %v", off, Step(device)-T, ok, want)
		}
		if ok && step != Step(device) {
			t.Errorf("device clock %+ds: matched step %d, want %d", off, step, Step(device))
		}
	}
}

func TestMatchRefusesMalformedCodes(t *testing.T) {
	secret := NewSecret()
	now := time.Now()
	code, _ := Code(secret, Step(now))
	for _, c := range []string{"", "12345", "1234567", "abcdef", code + "0"} {
		if _, ok := Match(secret, c, now); ok {
			t.Errorf("%q accepted", c)
		}
	}
	if _, ok := Match(secret, code[:3]+" "+code[3:], now); !ok {
		t.Error("a code typed with a space in the middle was refused")
	}
}

func TestNewSecretIs20RandomBytes(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	raw, err := b32.DecodeString(a)
	if err != nil || len(raw) != SecretSize {
		t.Fatalf("%q: %d bytes, %v", a, len(raw), err)
	}
	if a == b {
		t.Fatal("two secrets are equal")
	}
}

func TestOTPAuthURLAndQR(t *testing.T) {
	secret := NewSecret()
	uri := OTPAuthURL(secret, "Roster (Équipe Nord)", "zoe@example.com")
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("%s: %v", uri, err)
	}
	q := u.Query()
	if q.Get("secret") != secret || q.Get("issuer") != "Roster (Équipe Nord)" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Fatalf("query %v", q)
	}
	if u.Path != "/Roster (Équipe Nord):zoe@example.com" {
		t.Fatalf("label %q", u.Path)
	}
	qr, err := QRDataURL(uri)
	if err != nil || !strings.HasPrefix(qr, "data:image/png;base64,iVBORw0KGgo") {
		t.Fatalf("qr %.40s… %v", qr, err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, stored, err := newRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || c[4] != '-' || c[9] != '-' || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		if strings.Contains(stored, c) || strings.Contains(stored, strings.ReplaceAll(c, "-", "")) {
			t.Fatal("a recovery code is stored in clear")
		}
	}
	var set recoverySet
	if err := jsonUnmarshal(stored, &set); err != nil || len(set.Hashes) != RecoveryCodeCount || set.Salt == "" {
		t.Fatalf("stored %s: %v", stored, err)
	}
	if set.hash(strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))) != set.Hashes[0] {
		t.Fatal("a code typed in capitals with spaces does not match")
	}
	_, other, _ := newRecoveryCodes()
	var set2 recoverySet
	_ = jsonUnmarshal(other, &set2)
	if set2.Salt == set.Salt {
		t.Fatal("two users share a salt")
	}
}
