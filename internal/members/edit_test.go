package members

import (
	"strings"
	"testing"

	"roster/internal/fail"
)

func TestChangedFieldsReadAsAList(t *testing.T) {
	cases := []struct {
		name  string
		lang  string
		after map[string]any
		want  string
	}{
		{"one field in French", "fr", map[string]any{"units": "imperial"}, "unités"},
		{"several fields in French, in the form's order", "fr",
			map[string]any{"language": "en", "givenName": "A", "avatar": "x.png"}, "prénom, miniature et langue"},
		{"several fields in English", "en",
			map[string]any{"email": "a@b.c", "familyName": "B", "visibility": "org"}, "family name, email address and profile visibility"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := changedFields(tc.lang, tc.after); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestProfileValidation(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name  string
		p     Profile
		field string // "" = valid
	}{
		{"a plain edit is valid", Profile{GivenName: s("Zoë"), Language: s("fr")}, ""},
		{"an unknown visibility names the field", Profile{Visibility: s("everyone")}, "visibility"},
		{"a too long family name names the field", Profile{FamilyName: s(strings.Repeat("x", 101))}, "familyName"},
		{"an empty email names the field", Profile{Email: s("  ")}, "email"},
		{"a malformed email names the field", Profile{Email: s("zoe@")}, "email"},
		{"an avatar sent as text names the field", Profile{Avatar: s("/tmp/me.png")}, "avatar"},
		{"an empty avatar removes the picture", Profile{Avatar: s("")}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.validate()
			fe, _ := fail.As(err)
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field != "" && (fe == nil || fe.Field != tc.field):
				t.Fatalf("got %v, want a 400 naming %s", err, tc.field)
			}
		})
	}
	p := Profile{Email: s("  Zoe@Example.COM ")}
	if err := p.validate(); err != nil || *p.Email != "zoe@example.com" {
		t.Fatalf("email not normalised: %v %q", err, *p.Email)
	}
}
