package invites_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"roster/internal/fail"
	"roster/internal/invites"
)

func TestPastedAddressesAreSplitOnCommasSemicolonsAndLines(t *testing.T) {
	got := invites.ParseEmails(" a@x.org, b@y.org;\r\nZoë Durand <zoe@x.org>\n\n ,c@z.org ")
	want := []invites.Row{{Email: "a@x.org"}, {Email: "b@y.org"}, {Email: "zoe@x.org", GivenName: "Zoë", FamilyName: "Durand"}, {Email: "c@z.org"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A display name as mail programs copy it: quoted, with a comma, or of three words.
	got = invites.ParseEmails(`"Membre, Marc" <marc@x.org>, Jean Pierre Dupont <jp@x.org>`)
	want = []invites.Row{{Email: "marc@x.org", GivenName: "Marc", FamilyName: "Membre"}, {Email: "jp@x.org", GivenName: "Jean", FamilyName: "Pierre Dupont"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A line that is no address list keeps each comma-separated piece for its own verdict.
	got = invites.ParseEmails("Marc Membre <marc@, b@y.org")
	want = []invites.Row{{Email: "Marc Membre <marc@"}, {Email: "b@y.org"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if len(invites.ParseEmails(" \n , ")) != 0 {
		t.Fatal("blank text gave rows")
	}
}

func TestCSV(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []invites.Row
	}{
		{"comma-separated with the documented header",
			"email,role,userType,givenName,familyName\nzoe@x.org,admin,creator,Zoë,Durand\nluc@x.org,,,,\n",
			[]invites.Row{{Email: "zoe@x.org", Role: "admin", UserType: "creator", GivenName: "Zoë", FamilyName: "Durand"}, {Email: "luc@x.org"}}},
		{"semicolon-separated with a byte-order mark, as a French spreadsheet saves it",
			"\uFEFFPrénom;Nom;Courriel;Rôle\r\nZoë;Durand;zoe@x.org;Administrateur\r\n",
			[]invites.Row{{Email: "zoe@x.org", Role: "Administrateur", GivenName: "Zoë", FamilyName: "Durand"}}},
		{"columns in any order, unknown ones ignored, blank lines skipped",
			"Notes,User type,E-mail\nhello,viewer,a@x.org\n,,\n\nbye,,b@x.org",
			[]invites.Row{{Email: "a@x.org", UserType: "viewer"}, {Email: "b@x.org"}}},
		{"quoted cells may hold the other separator",
			"email;givenName\n\"a@x.org\";\"Durand, Zoë\"\n",
			[]invites.Row{{Email: "a@x.org", GivenName: "Durand, Zoë"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := invites.ParseCSV(strings.NewReader(c.text))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestCSVRefusals(t *testing.T) {
	var many strings.Builder
	many.WriteString("email\n")
	for i := range invites.MaxBatch + 1 {
		fmt.Fprintf(&many, "u%d@x.org\n", i)
	}
	cases := []struct{ name, text, code string }{
		{"an empty file", "", "empty"},
		{"a header and no rows", "email\n\n", "empty"},
		{"no email column", "name,role\nZoë,admin\n", "no_email_column"},
		{"more than 100 rows", many.String(), "too_many"},
		{"not UTF-8 (Latin-1)", "email,givenName\nzoe@x.org,Zo\xeb\n", "not_utf8"},
		{"broken quoting", "email\n\"a@x.org\n", "invalid_csv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := invites.ParseCSV(strings.NewReader(c.text))
			fe, ok := fail.As(err)
			if !ok || fe.Kind != fail.KindInvalid || fe.Field != "file" || fe.Code != c.code {
				t.Fatalf("got %v, want a 400 on file with code %s", err, c.code)
			}
		})
	}
	t.Run("exactly 100 rows are accepted", func(t *testing.T) {
		text := strings.Join(strings.Split(many.String(), "\n")[:invites.MaxBatch+1], "\n")
		rows, err := invites.ParseCSV(strings.NewReader(text))
		if err != nil || len(rows) != invites.MaxBatch {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
	})
}
