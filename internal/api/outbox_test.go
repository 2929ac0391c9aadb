package api_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// waitMails waits until the test mailer has sent n mails in all.
func (o *office) waitMails(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for o.app.TestMailer.TotalSend() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := o.app.TestMailer.TotalSend(); got < n {
		t.Fatalf("%d mails sent, want %d", got, n)
	}
}

func TestTheOutboxIsForTheOwnerAndAdministrators(t *testing.T) {
	o := newOffice(t)
	o.refusedToAll(t, "GET", o.url("/outbox"), nil, o.admin)
	if r := o.c.Do("GET", o.url("/outbox?perPage=500"), o.owner.Token(t), nil); r.Status != 400 || r.FieldCode("perPage") == "" {
		t.Errorf("perPage 500: %d %s", r.Status, r.Raw)
	}
}

// Every mail that carries a secret to its recipient (an invitation link, a temporary
// password, a reset link) is sent through the real services; the secrets reach the
// mails, and none reaches the outbox, its view or the audit log.
func TestTheOutboxHoldsNoSecret(t *testing.T) {
	o := newOffice(t)
	o.app.Settings().SMTP.Enabled = true
	owner, admin := o.owner.Token(t), o.admin.Token(t)
	var secrets []string
	const sent = 9 // 2 invitations, welcome, reset, profile, 2 email changes, MFA off, forgot password
	must := func(method, path, tok string, body any) map[string]any {
		t.Helper()
		r := o.c.Do(method, path, tok, body)
		if r.Status != 200 && r.Status != 204 {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
		}
		return r.JSON
	}
	// The link of an invitation (resend) or of the first one created (invite).
	linkOf := func(res map[string]any) string {
		if link, ok := res["link"].(string); ok {
			return link
		}
		results, _ := res["results"].([]any)
		first, _ := results[0].(map[string]any)
		inv, _ := first["invitation"].(map[string]any)
		link, _ := inv["link"].(string)
		return link
	}

	// An invitation, then its resend (a new link): two invitation mails.
	res := must("POST", o.url("/invitations"), owner, map[string]any{"emails": []string{"Zoé Zèbre <zoe@example.com>"}, "message": "Bienvenue !"})
	first := linkOf(res)
	inv, err := o.app.FindFirstRecordByData("invitations", "email", "zoe@example.com")
	if err != nil || first == "" {
		t.Fatalf("%v %v", err, res)
	}
	second := linkOf(must("POST", o.url("/invitations/"+inv.Id+"/resend"), admin, nil))
	for _, link := range []string{first, second} {
		_, token, _ := strings.Cut(link, "/join/")
		if len(token) < 40 {
			t.Fatalf("link %q", link)
		}
		secrets = append(secrets, token)
	}
	// Acceptance: the welcome mail (and the invitee's password, which no mail holds).
	_, token, _ := strings.Cut(second, "/join/")
	must("POST", "/api/invitations/"+token+"/accept", "", map[string]any{"givenName": "Zoé", "familyName": "Zèbre",
		"password": "zoé’s own secret 42", "language": "fr"})
	secrets = append(secrets, "zoé’s own secret 42")
	// An administrator resets a member's password: the temporary password goes by mail.
	must("POST", o.url("/members/"+o.member.ID()+"/reset-password"), admin, nil)
	// An administrator changes a member's email: profile_changed and email_changed to both addresses.
	must("PATCH", o.url("/members/"+o.member.ID()), admin, map[string]any{"email": "luc.garcon@example.com", "description": "Cartographe"})
	// An administrator turns off a member's two-factor sign-in (its secret is one too).
	org := o.orgRecord(t)
	org.Set("mfaEnabled", true)
	o.save(t, org)
	o.disabled.User.Set("totpEnabled", true)
	o.disabled.User.Set("totpSecret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	o.save(t, o.disabled.User)
	secrets = append(secrets, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	must("POST", o.url("/members/"+o.disabled.ID()+"/disable-mfa"), owner, nil)
	// A member forgets their password: the reset link goes by mail.
	must("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": o.admin.Email})
	o.waitMails(t, sent)

	// The secrets that went by mail, read back from the mails themselves.
	bodies := ""
	for _, m := range o.app.TestMailer.Messages() {
		bodies += m.Subject + "\n" + m.HTML + "\n" + m.Text + "\n"
	}
	for _, pattern := range []string{`temporary password is:\s+(\S{16})`, `/reset-password/([A-Za-z0-9._-]{20,})`} {
		m := regexp.MustCompile(pattern).FindStringSubmatch(bodies)
		if m == nil {
			t.Fatalf("no %s in the mails", pattern)
		}
		secrets = append(secrets, m[1])
	}
	for _, s := range secrets[:2] {
		if !strings.Contains(bodies, s) {
			t.Errorf("the invitation token %s reached no mail: the test proves nothing", s)
		}
	}

	// With no mail server, a reset answers the temporary password to the administrator.
	o.app.Settings().SMTP.Enabled = false
	temp, _ := must("POST", o.url("/members/"+o.member.ID()+"/reset-password"), admin, nil)["temporaryPassword"].(string)
	if len(temp) != 16 {
		t.Fatalf("temporary password %q", temp)
	}
	secrets = append(secrets, temp)

	// The outbox, as stored: every column of every row.
	var rows []dbx.NullStringMap
	if err := o.app.DB().NewQuery("SELECT * FROM mailOutbox").All(&rows); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rows)
	view := o.c.Do("GET", o.url("/outbox?perPage=200"), admin, nil)
	var auditRows []dbx.NullStringMap
	if err := o.app.DB().NewQuery("SELECT * FROM auditLog").All(&auditRows); err != nil {
		t.Fatal(err)
	}
	auditRaw, _ := json.Marshal(auditRows)
	for _, s := range secrets {
		for where, text := range map[string]string{"the outbox table": string(raw), "the outbox view": view.Raw, "the audit log": string(auditRaw)} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q", where, s)
			}
		}
	}
	for _, bad := range []string{"/join/", "/reset-password/"} {
		if strings.Contains(string(raw), bad) || strings.Contains(view.Raw, bad) {
			t.Errorf("the outbox holds a link (%s)", bad)
		}
	}

	// The view lists every mail of the organisation, newest first, with what it promises.
	if view.Status != 200 || view.JSON["totalItems"] != float64(sent+1) {
		t.Fatalf("%d %s", view.Status, view.Raw)
	}
	var page struct {
		Items []struct{ To, Template, Language, Subject, Status, At string }
	}
	_ = json.Unmarshal([]byte(view.Raw), &page)
	var templates []string
	for i, m := range page.Items {
		templates = append(templates, m.Template)
		if m.To == "" || m.Subject == "" || m.Status == "" || m.At == "" || m.Language == "" {
			t.Errorf("incomplete %+v", m)
		}
		if i > 0 && m.At > page.Items[i-1].At {
			t.Errorf("not newest first: %s after %s", m.At, page.Items[i-1].At)
		}
	}
	if page.Items[0].Template != "password_reset_by_admin" || page.Items[0].Status != "logged" {
		t.Errorf("the newest mail: %+v", page.Items[0])
	}
	sort.Strings(templates)
	want := "email_changed,email_changed,invitation,invitation,mfa_disabled_by_admin,password_reset,password_reset_by_admin,password_reset_by_admin,profile_changed,welcome"
	if strings.Join(templates, ",") != want {
		t.Errorf("templates %v,\nwant %s", templates, want)
	}
}
