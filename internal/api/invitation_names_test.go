package api_test

import (
	"strings"
	"testing"
	"time"
)

// The names an inviter writes ("Marc Membre <marc@example.org>", a CSV's columns) stay on
// the invitation: the join page's preview gives them to fill in the form, the list shows
// them, and a resent mail still greets the person.
func TestAnInvitationKeepsTheInviteesNames(t *testing.T) {
	w := newInvWorld(t, "")
	tok := w.owner.Token(t)
	names := func(m map[string]any) string { return m["givenName"].(string) + "|" + m["familyName"].(string) }

	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"a display name, split on its first space", map[string]any{"emails": "Marc Membre <Marc@Example.org>"}, "Marc|Membre"},
		{"a name of three words keeps the rest as the family name", map[string]any{"emails": []string{"Jean Pierre Dupont <jp@example.org>"}}, "Jean|Pierre Dupont"},
		{"the directory form, quoted with its comma", map[string]any{"emails": `"Durand, Zoë" <zoe@example.org>`}, "Zoë|Durand"},
		{"a row's own names win over the display name", map[string]any{"rows": []map[string]string{{"email": "Luc L <luc@example.org>", "givenName": "Luc", "familyName": "Leroy"}}}, "Luc|Leroy"},
		{"a bare address has no name", map[string]any{"emails": "anon@example.org"}, "|"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.invite(tok, c.body)
			if r.Status != 200 || len(invRows(r)) != 1 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			inv := invRows(r)[0]["invitation"].(map[string]any)
			if got := names(inv); got != c.want {
				t.Errorf("the answer names %q, want %q", got, c.want)
			}
			rec := w.record(t, "invitations", inv["id"].(string))
			if got := rec.GetString("givenName") + "|" + rec.GetString("familyName"); got != c.want {
				t.Errorf("the invitation keeps %q, want %q", got, c.want)
			}
			p := preview(w.c, inv["link"].(string))
			if p.Status != 200 || names(p.JSON) != c.want {
				t.Errorf("the join preview gives %d %s, want %q", p.Status, p.Raw, c.want)
			}
		})
	}

	t.Run("the list shows them", func(t *testing.T) {
		r := w.c.Do("GET", w.path("?search=marc"), tok, nil)
		items, _ := r.JSON["items"].([]any)
		if r.Status != 200 || len(items) != 1 || names(items[0].(map[string]any)) != "Marc|Membre" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("a resent invitation still greets the person by name", func(t *testing.T) {
		w.app.Settings().SMTP.Enabled = true
		defer func() { w.app.Settings().SMTP.Enabled = false }()
		var id string
		if err := w.app.DB().NewQuery("SELECT id FROM invitations WHERE email = 'marc@example.org'").Row(&id); err != nil {
			t.Fatal(err)
		}
		sent := w.app.TestMailer.TotalSend()
		wantCode(t, w.c.Do("POST", w.path("/"+id+"/resend"), tok, nil), 200, "")
		deadline := time.Now().Add(2 * time.Second)
		for w.app.TestMailer.TotalSend() == sent && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if m := w.app.TestMailer.LastMessage(); !strings.Contains(m.HTML, "Hello Marc Membre,") {
			t.Errorf("the resent mail reads %q", m.HTML)
		}
	})

	before := w.count(t, "invitations", nil)
	refused := []struct {
		name, code, email string
		body              map[string]any
	}{
		{"a name-bearing address that is not one", "invalid_email", "Marc Membre <marc@",
			map[string]any{"emails": "Marc Membre <marc@"}},
		{"an address whose display name is longer than an account's name may be", "invalid_name", "long@example.org",
			map[string]any{"emails": strings.Repeat("é", 101) + " Membre <long@example.org>"}},
		{"a row whose family name is too long", "invalid_name", "row@example.org",
			map[string]any{"rows": []map[string]string{{"email": "row@example.org", "familyName": strings.Repeat("x", 101)}}}},
	}
	for _, c := range refused {
		t.Run(c.name+" is refused on its row with "+c.code, func(t *testing.T) {
			r := w.invite(tok, c.body)
			wantCode(t, r, 409, c.code)
			rows := invRows(r)
			if len(rows) != 1 || rows[0]["code"] != c.code || rows[0]["email"] != c.email || rows[0]["message"] == "" {
				t.Fatalf("%s", r.Raw)
			}
			if w.count(t, "invitations", nil) != before {
				t.Fatal("an invitation was created")
			}
		})
	}
}
