package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/invites"
	"roster/internal/members"
	"roster/internal/security"
	"roster/internal/testapp"
)

func signInApp(t *testing.T) (*tests.TestApp, *testapp.Client, *testapp.Org) {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false // these tests sign in dozens of times
	return app, testapp.Serve(t, app), testapp.CreateOrg(t, app, "Acme", "")
}

func TestPasswordLockout(t *testing.T) {
	app, c, org := signInApp(t)
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	wrong := func() (testapp.Response, time.Duration) {
		start := time.Now()
		_, r := c.SignIn(m.Email, "not the password")
		return r, time.Since(start)
	}
	r, _ := wrong()
	if r.Status != 400 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	generic := r.Raw
	failures := func() int {
		u, _ := app.FindRecordById("users", m.User.Id)
		return u.GetInt("failedLogins")
	}

	t.Run("an unknown identity gets the same answer", func(t *testing.T) {
		if _, r := c.SignIn("nobody@example.com", "whatever pass"); r.Raw != generic {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("a success resets the count", func(t *testing.T) {
		for range 7 {
			wrong()
		}
		if failures() != 8 {
			t.Fatalf("%d failures", failures())
		}
		if tok, r := c.SignIn(m.Email, m.Password); tok == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if failures() != 0 {
			t.Fatalf("%d failures after a success", failures())
		}
	})
	t.Run("ten failures lock the account with the same message and timing", func(t *testing.T) {
		var wrongTime time.Duration = time.Hour
		for range 10 {
			_, d := wrong()
			wrongTime = min(wrongTime, d)
		}
		u, _ := app.FindRecordById("users", m.User.Id)
		if !security.Locked(u, time.Now()) || security.Locked(u, time.Now().Add(16*time.Minute)) {
			t.Fatalf("lockedUntil %v", u.GetDateTime("lockedUntil"))
		}
		var lockedTime time.Duration = time.Hour
		for range 3 {
			start := time.Now()
			_, r := c.SignIn(m.Email, m.Password)
			lockedTime = min(lockedTime, time.Since(start))
			if r.Raw != generic {
				t.Fatalf("the right password on a locked account: %d %s", r.Status, r.Raw)
			}
		}
		// Both compare a bcrypt hash; a locked account must not answer visibly faster.
		if lockedTime < wrongTime/3 {
			t.Fatalf("locked answers in %v, a wrong password in %v", lockedTime, wrongTime)
		}
	})
	t.Run("the lock lifts once lockedUntil passes", func(t *testing.T) {
		past := types.NowDateTime().Add(-time.Second).String()
		if _, err := app.DB().Update("users", dbx.Params{"lockedUntil": past}, dbx.HashExp{"id": m.User.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		if tok, r := c.SignIn(m.Email, m.Password); tok == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("wrong second-step codes count as failures too", func(t *testing.T) {
		o, _ := app.FindRecordById("organizations", org.ID)
		o.Set("mfaEnabled", true)
		if err := app.Save(o); err != nil {
			t.Fatal(err)
		}
		session, _ := members.SessionOf(app, m.User)
		a := session.Actor
		enr, err := security.Setup(app, a)
		if err != nil {
			t.Fatal(err)
		}
		now, _ := security.Code(enr.Secret, security.Step(time.Now()))
		if _, err := security.Enable(app, a, now); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			_, r := c.SignIn(m.Email, m.Password)
			id, _ := r.JSON["data"].(map[string]any)["mfaId"].(string)
			for range 5 {
				c.Do("POST", "/api/auth/totp", "", map[string]string{"mfaId": id, "code": "000000"})
			}
		}
		if _, r := c.SignIn(m.Email, m.Password); r.Raw != generic {
			t.Fatalf("after ten wrong codes: %d %s", r.Status, r.Raw)
		}
	})
}

func TestForgotPassword(t *testing.T) {
	app, c, org := signInApp(t)
	app.Settings().SMTP.Enabled = true
	app.Settings().Meta.AppURL = "https://roster.example"
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	m.User.Set("language", "fr")
	m.User.Set("mustChangePassword", true)
	if err := app.Save(m.User); err != nil {
		t.Fatal(err)
	}
	oldToken := m.Token(t)
	waitMail := func(n int) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for app.TestMailer.TotalSend() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		if app.TestMailer.TotalSend() != n {
			t.Fatalf("%d mails, want %d", app.TestMailer.TotalSend(), n)
		}
	}

	var tok string
	t.Run("the reset mail is Roster's, in the member's language, linking to the web app", func(t *testing.T) {
		r := c.Do("POST", "/api/collections/users/request-password-reset", "", map[string]string{"email": m.Email})
		if r.Status != 204 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		waitMail(1)
		msg := app.TestMailer.LastMessage()
		found := regexp.MustCompile(`https://roster\.example/reset-password/([A-Za-z0-9._-]+)`).FindStringSubmatch(msg.HTML)
		if found == nil || !strings.HasPrefix(msg.Subject, "Réinitialisez") || msg.To[0].Address != m.Email {
			t.Fatalf("%s\n%s", msg.Subject, msg.HTML)
		}
		tok = found[1]
		rows, _ := app.FindAllRecords("mailOutbox", dbx.HashExp{"template": "password_reset"})
		if len(rows) != 1 {
			t.Fatalf("%d outbox rows", len(rows))
		}
		if raw, _ := json.Marshal(rows[0]); strings.Contains(string(raw), tok) {
			t.Fatal("the outbox holds the reset token")
		}
	})
	t.Run("unknown addresses and SSO accounts get the same answer and no mail", func(t *testing.T) {
		sso := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		sso.User.Set("authSource", "sso")
		if err := app.Save(sso.User); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"nobody@example.com", sso.Email} {
			if r := c.Do("POST", "/api/collections/users/request-password-reset", "", map[string]string{"email": email}); r.Status != 204 {
				t.Fatalf("%s: %d %s", email, r.Status, r.Raw)
			}
		}
		waitMail(1)
	})
	t.Run("confirming sets the password, ends the sessions and lifts a temporary password", func(t *testing.T) {
		r := c.Do("POST", "/api/collections/users/confirm-password-reset", "",
			map[string]string{"token": tok, "password": "chosen again 7", "passwordConfirm": "chosen again 7"})
		if r.Status != 204 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := c.Do("GET", "/api/me", oldToken, nil); r.Status != 401 {
			t.Fatalf("old session: %d", r.Status)
		}
		if tok, r := c.SignIn(m.Email, "chosen again 7"); tok == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		u, _ := app.FindRecordById("users", m.User.Id)
		if u.GetBool("mustChangePassword") {
			t.Fatal("the temporary password's restriction stayed")
		}
		waitMail(2)
		if s := app.TestMailer.LastMessage().Subject; !strings.Contains(s, "a été modifié") {
			t.Fatalf("notice: %s", s)
		}
	})
}

// fakeIdP is an OpenID Connect provider on httptest: it signs in whoever email says.
type fakeIdP struct {
	*httptest.Server
	mu    sync.Mutex
	email string
}

func newFakeIdP(t *testing.T) *fakeIdP {
	p := &fakeIdP{}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": p.URL, "authorization_endpoint": p.URL + "/auth",
			"token_endpoint": p.URL + "/token", "userinfo_endpoint": p.URL + "/userinfo"})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + r.FormValue("code"), "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"sub": "sub-" + p.email, "email": p.email, "email_verified": true, "name": "Via SSO"})
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *fakeIdP) as(email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.email = email
}

// withIdP configures the operator's OIDC provider, the fake one, on app.
func withIdP(t *testing.T, app core.App) *fakeIdP {
	t.Helper()
	idp := newFakeIdP(t)
	t.Setenv("ROSTER_OIDC_CLIENT_ID", "roster")
	t.Setenv("ROSTER_OIDC_CLIENT_SECRET", "s3cret")
	t.Setenv("ROSTER_OIDC_ISSUER", idp.URL)
	t.Setenv("ROSTER_OIDC_NAME", "Acme SSO")
	if err := security.ConfigureOIDC(app); err != nil {
		t.Fatal(err)
	}
	return idp
}

// enableSSO lets org's members sign in through the operator's provider.
func enableSSO(t *testing.T, app core.App, org *testapp.Org) {
	t.Helper()
	o, err := app.FindRecordById("organizations", org.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.Set("ssoEnabled", true)
	if err := app.Save(o); err != nil {
		t.Fatal(err)
	}
}

// oauth signs in through the fake provider (whoever it was told to be), with an
// optional session token and createData.
func oauth(c *testapp.Client, token string, createData map[string]any) testapp.Response {
	body := map[string]any{"provider": "oidc", "code": "xyz", "codeVerifier": "verifier", "redirectURL": "https://roster.example/sso"}
	if createData != nil {
		body["createData"] = createData
	}
	return c.Do("POST", "/api/collections/users/auth-with-oauth2", token, body)
}

func TestEnterpriseSignIn(t *testing.T) {
	app, c, org := signInApp(t)
	idp := withIdP(t, app)
	enableSSO(t, app, org)
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	oauth := func() testapp.Response { return oauth(c, "", nil) }

	t.Run("the provider, found through discovery, is offered", func(t *testing.T) {
		r := c.Do("GET", "/api/collections/users/auth-methods", "", nil)
		if r.Status != 200 || !strings.Contains(r.Raw, `"name":"oidc"`) || !strings.Contains(r.Raw, "Acme SSO") || strings.Contains(r.Raw, "s3cret") {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("an address with no account is refused and no account is created", func(t *testing.T) {
		before, _ := app.CountRecords("users")
		idp.as("stranger@example.com")
		r := oauth()
		if r.Status != 403 || r.Code() != "no_account" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if after, _ := app.CountRecords("users"); after != before {
			t.Fatal("an account was created")
		}
	})
	t.Run("an existing member signs in and becomes an SSO account", func(t *testing.T) {
		idp.as(m.Email)
		r := oauth()
		if tok, _ := r.JSON["token"].(string); r.Status != 200 || tok == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		u, _ := app.FindRecordById("users", m.User.Id)
		if u.GetString("authSource") != "sso" || u.GetDateTime("lastLogin").IsZero() {
			t.Fatalf("authSource %q", u.GetString("authSource"))
		}
		if _, r := c.SignIn(m.Email, m.Password); r.Status != 400 {
			t.Fatalf("an SSO account signed in with a password: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("a member with TOTP still gets the second step", func(t *testing.T) {
		o, _ := app.FindRecordById("organizations", org.ID)
		o.Set("mfaEnabled", true)
		if err := app.Save(o); err != nil {
			t.Fatal(err)
		}
		u, _ := app.FindRecordById("users", m.User.Id)
		session, _ := members.SessionOf(app, u)
		a := session.Actor
		enr, err := security.Setup(app, a)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := security.Code(enr.Secret, security.Step(time.Now())-1)
		if _, err := security.Enable(app, a, code); err != nil {
			t.Fatal(err)
		}
		r := oauth()
		if d, _ := r.JSON["data"].(map[string]any); r.Status != 401 || d["mfaId"] == nil || r.JSON["token"] != nil {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("the provider survives a reload of the collections", func(t *testing.T) {
		col, _ := app.FindCollectionByNameOrId("mailOutbox")
		if err := app.Save(col); err != nil {
			t.Fatal(err)
		}
		if r := c.Do("GET", "/api/collections/users/auth-methods", "", nil); !strings.Contains(r.Raw, `"name":"oidc"`) {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("a client id without endpoints is a configuration error", func(t *testing.T) {
		t.Setenv("ROSTER_OIDC_ISSUER", "")
		if err := security.ConfigureOIDC(app); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestJoiningWithSSO(t *testing.T) {
	app, c, org := signInApp(t)
	idp := withIdP(t, app)
	enableSSO(t, app, org)
	invite := func(email string) (id, token string) {
		t.Helper()
		res, err := invites.InviteAsOperator(app, org.ID, invites.Request{Rows: []invites.Row{{Email: email, Role: "member", UserType: "contributor"}}})
		if err != nil || res.Created != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		inv := res.Results[0].Invitation
		return inv.ID, inv.Link[strings.LastIndex(inv.Link, "/")+1:]
	}
	oauth := func(token string) testapp.Response {
		return oauth(c, "", map[string]any{"inviteToken": token, "language": "en"})
	}
	count := func(col string, where dbx.Expression) int64 {
		n, err := app.CountRecords(col, where)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	type counts struct{ users, members, ledger, audit int64 }
	snapshot := func() counts {
		return counts{count("users", nil), count("memberships", nil), count("seatLedger", nil),
			count("auditLog", dbx.HashExp{"action": "members.join"})}
	}

	t.Run("the preview names the provider", func(t *testing.T) {
		_, token := invite("preview@example.com")
		r := c.Do("GET", "/api/invitations/"+token, "", nil)
		if sso, _ := r.JSON["sso"].(map[string]any); r.Status != 200 || sso["name"] != "Acme SSO" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("another address, or no invitation, creates nothing", func(t *testing.T) {
		id, token := invite("claire@example.com")
		before := snapshot()
		idp.as("someone.else@example.com")
		if r := oauth(token); r.Status != 403 || r.Code() != "email_mismatch" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := oauth("not-a-token"); r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if snapshot() != before {
			t.Fatalf("%+v became %+v", before, snapshot())
		}
		if inv, _ := app.FindRecordById("invitations", id); inv.GetString("status") != "pending" {
			t.Fatalf("status %s", inv.GetString("status"))
		}
	})
	t.Run("the invited address joins, signs in and is an SSO account", func(t *testing.T) {
		id, token := invite("Paul.Durand@example.com")
		before := snapshot()
		idp.as("paul.durand@EXAMPLE.com")
		r := oauth(token)
		if tok, _ := r.JSON["token"].(string); r.Status != 200 || tok == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		after := snapshot()
		if after != (counts{before.users + 1, before.members + 1, before.ledger + 1, before.audit + 1}) {
			t.Fatalf("%+v became %+v", before, after)
		}
		u, err := app.FindAuthRecordByEmail("users", "paul.durand@example.com")
		if err != nil || u.GetString("authSource") != "sso" || !u.Verified() || u.GetString("language") != "en" {
			t.Fatalf("%v %v", err, u)
		}
		m, err := app.FindFirstRecordByFilter("memberships", "user = {:u} && org = {:o}", dbx.Params{"u": u.Id, "o": org.ID})
		if err != nil || m.GetString("role") != "member" || m.GetString("userType") != "contributor" {
			t.Fatalf("%v %v", err, m)
		}
		inv, _ := app.FindRecordById("invitations", id)
		if inv.GetString("status") != "accepted" || inv.GetString("acceptedBy") != m.Id {
			t.Fatalf("invitation %s by %s", inv.GetString("status"), inv.GetString("acceptedBy"))
		}
		if links, _ := app.FindAllExternalAuthsByRecord(u); len(links) != 1 {
			t.Fatalf("%d provider links", len(links))
		}
		// The used link cannot make a second account, and the account signs in without it.
		if r := oauth(token); r.Status != 200 {
			t.Fatalf("signing in again: %d %s", r.Status, r.Raw)
		}
		if snapshot() != after {
			t.Fatalf("%+v became %+v", after, snapshot())
		}
	})
	t.Run("a used or revoked link creates nothing", func(t *testing.T) {
		_, used := invite("used@example.com")
		idp.as("used@example.com")
		if r := oauth(used); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		u, _ := app.FindAuthRecordByEmail("users", "used@example.com")
		if err := app.Delete(u); err != nil { // the account goes; its link must not come back
			t.Fatal(err)
		}
		id, revoked := invite("revoked@example.com")
		if _, err := app.DB().Update("invitations", dbx.Params{"status": "revoked"}, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
		before := snapshot()
		for email, token := range map[string]string{"used@example.com": used, "revoked@example.com": revoked} {
			idp.as(email)
			if r := oauth(token); r.Status != 404 {
				t.Fatalf("%s: %d %s", email, r.Status, r.Raw)
			}
		}
		if snapshot() != before {
			t.Fatalf("%+v became %+v", before, snapshot())
		}
	})
}
