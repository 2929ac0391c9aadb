package hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/invites"
	"roster/internal/members"
	"roster/internal/security"
	"roster/internal/testapp"
)

// An account is linked to the identity provider, and switched to SSO, only once its
// whole sign-in has succeeded, and only in an organisation that enabled enterprise
// sign-in (docs/reliability.md §9).
func TestEnterpriseSignInLinksOnlyAfterSuccess(t *testing.T) {
	app, c, org := signInApp(t)
	idp := withIdP(t, app)
	enableSSO(t, app, org)
	other := testapp.CreateOrg(t, app, "Other", "") // never enabled it

	// unchanged fails if m's account was switched to SSO or linked to the provider, or
	// its password no longer signs in.
	unchanged := func(t *testing.T, m *testapp.Member) {
		t.Helper()
		u, _ := app.FindRecordById("users", m.User.Id)
		if u.GetString("authSource") != "password" {
			t.Fatalf("authSource %q", u.GetString("authSource"))
		}
		if links, _ := app.FindAllExternalAuthsByRecord(u); len(links) != 0 {
			t.Fatalf("%d provider links", len(links))
		}
		if _, r := c.SignIn(m.Email, m.Password); r.Status != 200 && r.Status != 401 {
			t.Fatalf("the password no longer signs in: %d %s", r.Status, r.Raw)
		}
	}
	linked := func(t *testing.T, m *testapp.Member) {
		t.Helper()
		u, _ := app.FindRecordById("users", m.User.Id)
		links, _ := app.FindAllExternalAuthsByRecord(u)
		if u.GetString("authSource") != "sso" || len(links) != 1 || links[0].ProviderId() != "sub-"+m.Email {
			t.Fatalf("authSource %q, %d links", u.GetString("authSource"), len(links))
		}
	}

	t.Run("another organisation's owner is refused and not converted", func(t *testing.T) {
		idp.as(other.Owner.Email)
		r := oauth(c, "", nil)
		if r.Status != 403 || r.Code() != "sso_not_enabled" || r.JSON["token"] != nil {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		unchanged(t, other.Owner)
	})
	t.Run("a disabled member is refused and not converted", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		testapp.SetStatus(t, app, m, access.Disabled)
		idp.as(m.Email)
		if r := oauth(c, "", nil); r.Status != 403 || r.Code() != "account_disabled" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		u, _ := app.FindRecordById("users", m.User.Id)
		if links, _ := app.FindAllExternalAuthsByRecord(u); u.GetString("authSource") != "password" || len(links) != 0 {
			t.Fatalf("authSource %q, %d links", u.GetString("authSource"), len(links))
		}
	})
	t.Run("a sign-in stopped at the TOTP step changes nothing; the step completed links", func(t *testing.T) {
		o, _ := app.FindRecordById("organizations", org.ID)
		o.Set("mfaEnabled", true)
		if err := app.Save(o); err != nil {
			t.Fatal(err)
		}
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		session, _ := members.SessionOf(app, m.User)
		a := session.Actor
		enr, err := security.Setup(app, a)
		if err != nil {
			t.Fatal(err)
		}
		step := security.Step(time.Now())
		first, _ := security.Code(enr.Secret, step-1)
		if _, err := security.Enable(app, a, first); err != nil {
			t.Fatal(err)
		}
		idp.as(m.Email)
		r := oauth(c, "", nil)
		d, _ := r.JSON["data"].(map[string]any)
		mfaID, _ := d["mfaId"].(string)
		if r.Status != 401 || mfaID == "" || r.JSON["token"] != nil {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		unchanged(t, m)
		now, _ := security.Code(enr.Secret, step)
		r = c.Do("POST", "/api/auth/totp", "", map[string]string{"mfaId": mfaID, "code": now})
		if r.Status != 200 || r.JSON["token"] == nil {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		linked(t, m)
	})
	t.Run("a full sign-in links, and the linked identity signs in again", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		idp.as(m.Email)
		for range 2 {
			if r := oauth(c, "", nil); r.Status != 200 || r.JSON["token"] == nil {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		}
		linked(t, m)
	})
	t.Run("a signed-in member cannot attach another address's identity", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		idp.as("someone.else@example.com")
		if r := oauth(c, m.Token(t), nil); r.Status != 403 || r.Code() != "email_mismatch" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		unchanged(t, m)
	})
	t.Run("an invitation of an organisation without SSO neither offers nor accepts it", func(t *testing.T) {
		res, err := invites.InviteAsOperator(app, other.ID, invites.Request{Rows: []invites.Row{{Email: "joiner@example.com", Role: "member", UserType: "contributor"}}})
		if err != nil || res.Created != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		link := res.Results[0].Invitation.Link
		token := link[strings.LastIndex(link, "/")+1:]
		if r := c.Do("GET", "/api/invitations/"+token, "", nil); r.Status != 200 || r.JSON["sso"] != nil {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		before, _ := app.CountRecords("users")
		idp.as("joiner@example.com")
		if r := oauth(c, "", map[string]any{"inviteToken": token}); r.Status != 403 || r.Code() != "sso_not_enabled" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if after, _ := app.CountRecords("users"); after != before {
			t.Fatal("an account was created")
		}
		inv, _ := app.FindRecordById("invitations", res.Results[0].Invitation.ID)
		if inv.GetString("status") != "pending" {
			t.Fatalf("invitation %s", inv.GetString("status"))
		}
	})
}

// The owner turns enterprise sign-in on (only with a provider configured) and off;
// off gives the organisation's SSO accounts back to passwords, which the
// forgot-password mail then sets.
func TestOwnerEnablesEnterpriseSignIn(t *testing.T) {
	app, c, org := signInApp(t)
	app.Settings().SMTP.Enabled = true
	settings := "/api/orgs/" + org.ID + "/settings"
	owner := org.Owner.Token(t)

	t.Run("without a provider it cannot be enabled", func(t *testing.T) {
		r := c.Do("GET", settings, owner, nil)
		if r.Status != 200 || r.JSON["sso"] != nil || r.JSON["ssoEnabled"] != false {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := c.Do("PATCH", settings, owner, map[string]any{"ssoEnabled": true}); r.Status != 409 || r.Code() != "sso_not_configured" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	idp := withIdP(t, app)
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	t.Run("with one, the owner enables it and a member signs in through it", func(t *testing.T) {
		idp.as(m.Email)
		if r := oauth(c, "", nil); r.Status != 403 || r.Code() != "sso_not_enabled" {
			t.Fatalf("before: %d %s", r.Status, r.Raw)
		}
		r := c.Do("PATCH", settings, owner, map[string]any{"ssoEnabled": true})
		if sso, _ := r.JSON["sso"].(map[string]any); r.Status != 200 || r.JSON["ssoEnabled"] != true || sso["name"] != "Acme SSO" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := oauth(c, "", nil); r.Status != 200 {
			t.Fatalf("after: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("turned off, its SSO accounts go back to passwords", func(t *testing.T) {
		if r := c.Do("PATCH", settings, owner, map[string]any{"ssoEnabled": false}); r.Status != 200 || r.JSON["ssoEnabled"] != false {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if u, _ := app.FindRecordById("users", m.User.Id); u.GetString("authSource") != "password" {
			t.Fatalf("authSource %q", u.GetString("authSource"))
		}
		n, err := app.CountRecords("auditLog", dbx.HashExp{"action": "org.settings", "org": org.ID},
			dbx.Like("details", `"ssoAccountsToPassword":1`))
		if err != nil || n != 1 {
			t.Fatalf("%v: %d audit rows count the accounts", err, n)
		}
		mails := app.TestMailer.TotalSend()
		if r := c.Do("POST", "/api/collections/users/request-password-reset", "", map[string]string{"email": m.Email}); r.Status != 204 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		until(t, "the reset mail", func() bool { return app.TestMailer.TotalSend() > mails })
		if r := oauth(c, "", nil); r.Status != 403 || r.Code() != "sso_not_enabled" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}
