package hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/security"
	"roster/internal/testapp"
	"roster/internal/throttle"
)

// usersNames are the ways a request can name the users collection: PocketBase
// resolves collection names case-insensitively and by id (docs/reliability.md §9).
var usersNames = []string{"users", "Users", "USERS", "_pb_users_auth_"}

// PocketBase's email change, both steps, is refused however the request names the
// collection, from a full session and from one that must change its password: the
// address stays, no mail goes, and the answer says where addresses change.
func TestEmailChangeIsClosedUnderEveryName(t *testing.T) {
	app, c, org := signInApp(t)
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	restricted := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	restricted.User.Set("mustChangePassword", true)
	if err := app.Save(restricted.User); err != nil {
		t.Fatal(err)
	}
	mails := app.TestMailer.TotalSend()
	for _, who := range []*testapp.Member{m, restricted} {
		for _, name := range usersNames {
			base := "/api/collections/" + name
			r := c.Do("POST", base+"/request-email-change", who.Token(t), map[string]string{"newEmail": "elsewhere@evil.example"})
			if r.Status != 403 || r.Code() != "use_profile" {
				t.Errorf("%s request-email-change: %d %s", name, r.Status, r.Raw)
			}
			// A valid token (as PocketBase would have mailed it) with the right password:
			// only the hook stands in the way.
			u, err := app.FindRecordById("users", who.User.Id)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := u.NewEmailChangeToken("stolen@evil.example")
			if err != nil {
				t.Fatal(err)
			}
			r = c.Do("POST", base+"/confirm-email-change", "", map[string]string{"token": tok, "password": who.Password})
			if r.Status != 403 || r.Code() != "use_profile" {
				t.Errorf("%s confirm-email-change: %d %s", name, r.Status, r.Raw)
			}
			if u, _ := app.FindRecordById("users", who.User.Id); u.Email() != who.Email {
				t.Fatalf("%s: the address became %s", name, u.Email())
			}
		}
	}
	time.Sleep(50 * time.Millisecond) // PocketBase sends its email-change mail in a goroutine
	if n := app.TestMailer.TotalSend() - mails; n != 0 {
		t.Errorf("%d mails sent", n)
	}
}

// Every other auth endpoint of PocketBase's, under every name of the collection, meets
// the same hooks as under "users": the hooks are bound to the collection, not a path.
func TestUsersAuthEndpointsUnderEveryName(t *testing.T) {
	app, c, org := signInApp(t)
	failures := func(m *testapp.Member) int {
		u, _ := app.FindRecordById("users", m.User.Id)
		return u.GetInt("failedLogins")
	}

	t.Run("a password sign-in takes one hash slot and counts toward the lockout", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		for i, name := range usersNames {
			throttle.Passwords.ResetStats()
			r := c.Do("POST", "/api/collections/"+name+"/auth-with-password", "", map[string]string{"identity": m.Email, "password": "not the password"})
			if r.Status != 400 {
				t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
			}
			if n := failures(m); n != i+1 {
				t.Fatalf("%s: %d failures counted, want %d", name, n, i+1)
			}
			if s := throttle.Passwords.Stats(); s.Runs != 1 {
				t.Fatalf("%s: %d password checks in a slot", name, s.Runs)
			}
		}
		later := types.NowDateTime().Add(time.Hour).String()
		if _, err := app.DB().Update("users", dbx.Params{"lockedUntil": later}, dbx.HashExp{"id": m.User.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		for _, name := range usersNames {
			r := c.Do("POST", "/api/collections/"+name+"/auth-with-password", "", map[string]string{"identity": m.Email, "password": m.Password})
			if r.Status != 400 || r.JSON["token"] != nil {
				t.Fatalf("%s: a locked account signed in: %d %s", name, r.Status, r.Raw)
			}
		}
	})
	t.Run("the operator's sign-in takes a hash slot under any name", func(t *testing.T) {
		col := mustCollection(t, app, core.CollectionNameSuperusers)
		su := core.NewRecord(col)
		su.SetEmail("operator@example.com")
		su.SetPassword("operator password 42")
		if err := app.Save(su); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"_superusers", "_SUPERUSERS", col.Id} {
			throttle.Passwords.ResetStats()
			r := c.Do("POST", "/api/collections/"+name+"/auth-with-password", "", map[string]string{"identity": su.Email(), "password": "operator password 42"})
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
			}
			if s := throttle.Passwords.Stats(); s.Runs != 1 {
				t.Fatalf("%s: %d password checks in a slot", name, s.Runs)
			}
		}
	})
	t.Run("a refresh is refused to a disabled member and an expired temporary password", func(t *testing.T) {
		disabled := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		tokDisabled := disabled.Token(t)
		testapp.SetStatus(t, app, disabled, access.Disabled)
		expired := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		expired.User.Set("mustChangePassword", true)
		expired.User.Set("tempPasswordExpires", types.NowDateTime().Add(-time.Minute))
		if err := app.Save(expired.User); err != nil {
			t.Fatal(err)
		}
		for _, name := range usersNames {
			if r := c.Do("POST", "/api/collections/"+name+"/auth-refresh", tokDisabled, nil); r.Status != 403 || r.Code() != "account_disabled" {
				t.Errorf("%s, disabled: %d %s", name, r.Status, r.Raw)
			}
			if r := c.Do("POST", "/api/collections/"+name+"/auth-refresh", expired.Token(t), nil); r.Status != 403 || r.Code() != "temporary_password_expired" {
				t.Errorf("%s, expired: %d %s", name, r.Status, r.Raw)
			}
		}
	})
	t.Run("one-time passwords are off: no code is sent, none signs in", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		mails := app.TestMailer.TotalSend()
		for _, name := range usersNames {
			r := c.Do("POST", "/api/collections/"+name+"/request-otp", "", map[string]string{"email": m.Email})
			if r.Status < 400 || r.JSON["otpId"] != nil {
				t.Errorf("%s request-otp: %d %s", name, r.Status, r.Raw)
			}
			r = c.Do("POST", "/api/collections/"+name+"/auth-with-otp", "", map[string]string{"otpId": "x", "password": "12345678"})
			if r.Status < 400 || r.JSON["token"] != nil {
				t.Errorf("%s auth-with-otp: %d %s", name, r.Status, r.Raw)
			}
		}
		if n, _ := app.CountRecords(core.CollectionNameOTPs); n != 0 {
			t.Errorf("%d one-time passwords stored", n)
		}
		time.Sleep(50 * time.Millisecond)
		if n := app.TestMailer.TotalSend() - mails; n != 0 {
			t.Errorf("%d mails sent", n)
		}
	})
	t.Run("impersonating is the operator's alone", func(t *testing.T) {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		for _, name := range usersNames {
			r := c.Do("POST", "/api/collections/"+name+"/impersonate/"+org.Owner.User.Id, m.Token(t), nil)
			if r.Status != 401 && r.Status != 403 || r.JSON["token"] != nil {
				t.Errorf("%s impersonate: %d %s", name, r.Status, r.Raw)
			}
		}
	})
	t.Run("forgot-password: Roster's mail, none for an SSO account, and the reset lifts a lockout", func(t *testing.T) {
		app.Settings().SMTP.Enabled = true
		app.Settings().Meta.AppURL = "https://roster.example"
		sso := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		sso.User.Set("authSource", "sso")
		if err := app.Save(sso.User); err != nil {
			t.Fatal(err)
		}
		for _, name := range usersNames {
			m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
			later := types.NowDateTime().Add(time.Hour).String()
			_, err := app.DB().Update("users", dbx.Params{"lockedUntil": later, "mustChangePassword": true}, dbx.HashExp{"id": m.User.Id}).Execute()
			if err != nil {
				t.Fatal(err)
			}
			app.TestMailer.Reset()
			for _, email := range []string{m.Email, sso.Email} {
				if r := c.Do("POST", "/api/collections/"+name+"/request-password-reset", "", map[string]string{"email": email}); r.Status != 204 {
					t.Fatalf("%s %s: %d %s", name, email, r.Status, r.Raw)
				}
			}
			until(t, "the reset mail", func() bool { return app.TestMailer.TotalSend() >= 1 })
			time.Sleep(50 * time.Millisecond)
			msgs := app.TestMailer.Messages()
			if len(msgs) != 1 || msgs[0].To[0].Address != m.Email || !strings.Contains(msgs[0].HTML, "https://roster.example/reset-password/") {
				t.Fatalf("%s: %d mails", name, len(msgs))
			}
			u, _ := app.FindRecordById("users", m.User.Id)
			tok, err := u.NewPasswordResetToken()
			if err != nil {
				t.Fatal(err)
			}
			r := c.Do("POST", "/api/collections/"+name+"/confirm-password-reset", "",
				map[string]string{"token": tok, "password": "chosen again 7", "passwordConfirm": "chosen again 7"})
			if r.Status != 204 {
				t.Fatalf("%s confirm: %d %s", name, r.Status, r.Raw)
			}
			u, _ = app.FindRecordById("users", m.User.Id)
			if security.Locked(u, time.Now()) || u.GetBool("mustChangePassword") {
				t.Fatalf("%s: the reset left the lockout or the temporary password's restriction", name)
			}
		}
	})
}
