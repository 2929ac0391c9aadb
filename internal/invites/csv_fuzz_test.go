package invites

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"unicode"

	"roster/internal/access"
	"roster/internal/fail"
)

// FuzzInvitationCSV feeds arbitrary files to the invitation import: ParseCSV, then the
// verdict each row gets on its own (judgeRow, as Invite applies it). Whatever the
// bytes, nothing panics; a refusal is a 400 on "file"; there are never more rows than
// line breaks (the header takes one line) nor more than MaxBatch; and a row judged
// fine carries one plain, lower-case address that net/mail reads back unchanged, with
// a local part and a domain and only visible characters (no control character for
// header injection, no Unicode space or invisible character).
// Seeds: f.Add below and testdata/fuzz/FuzzInvitationCSV.
func FuzzInvitationCSV(f *testing.F) {
	for _, s := range []string{
		"email,role,userType,givenName,familyName\nzoe@x.org,admin,creator,Zoë,Durand\nluc@x.org,,,,\n",
		"\uFEFFPrénom;Nom;Courriel;Rôle\r\nZoë;Durand;zoe@x.org;Administrateur\r\n",
		"Notes,User type,E-mail\nhello,viewer,a@x.org\n,,\n\nbye,,b@x.org",
		"email;givenName\n\"a@x.org\";\"Durand, Zoë\"\n",
		"Adresse;Type d'utilisateur;Prénom\nZoë Durand <ZOE@X.ORG>;lecteur;\n",
		"email\n\"a@x.org\r\nBcc: victim@y.org\"\n",
		"email\n\"\"\"a b\"\"@x.org\"\n",
		"email\nnot an address\n@x.org\na@\na@@x.org\n",
		"email,email,mail\na@x.org,b@x.org,c@x.org\n",
		"email\n\"a@x.org\n",
		"email,givenName\nzoe@x.org,Zo\xeb\n",
		"email\r\r\na@x.org\r",
		"\uFEFF\uFEFFemail\na@x.org\n",
		";;;,,,\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(bytes.NewReader(data))
		if err != nil {
			fe, ok := fail.As(err)
			if !ok || fe.Kind != fail.KindInvalid || fe.Field != "file" || fe.Code == "" {
				t.Fatalf("a refusal that is not a 400 on file: %#v", err)
			}
			if rows != nil {
				t.Fatalf("rows with an error: %v", rows)
			}
			return
		}
		if len(rows) == 0 || len(rows) > MaxBatch {
			t.Fatalf("%d rows accepted", len(rows))
		}
		if lines := bytes.Count(data, []byte("\n")); len(rows) > lines {
			t.Fatalf("%d rows from %d line breaks", len(rows), lines)
		}
		for _, row := range rows {
			if row == (Row{}) {
				t.Fatal("a blank row was kept")
			}
			c := judgeRow(row, access.RoleMember, access.Creator)
			if c.code != "" {
				continue
			}
			if msg := plainAddress(c.email); msg != "" {
				t.Fatalf("row %+v accepted with address %q: %s", row, c.email, msg)
			}
		}
	})
}

// plainAddress says what is wrong with an accepted address ("" = nothing).
func plainAddress(s string) string {
	if s == "" || s != strings.ToLower(s) {
		return "not lower-case"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsGraphic(r) }) {
		return "a space or an invisible character"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "net/mail does not read it back as a bare address"
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "no local part or domain"
	}
	return ""
}
