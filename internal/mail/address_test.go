package mail_test

import (
	"strings"
	"testing"

	"roster/internal/mail"
)

func TestValidAddress(t *testing.T) {
	for _, a := range []string{"helene@example.com", "h.dupre+roster@sub.example.fr"} {
		if !mail.ValidAddress(a) {
			t.Errorf("%q refused", a)
		}
	}
	for _, a := range []string{"", "helene", "0@0\u2028.a", "hel\u00a0ene@example.com", "a\u200b@example.com",
		"evil\u202e@example.com", "a b@example.com", strings.Repeat("a", 250) + "@example.com"} {
		if mail.ValidAddress(a) {
			t.Errorf("%q accepted", a)
		}
	}
}
