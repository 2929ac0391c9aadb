package security_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/access"
	"roster/internal/security"
	"roster/internal/testapp"
)

// TestTOTPUnderAnotherKeyIs409 is the restore without <data>/.roster_key (or a changed
// ROSTER_ENCRYPTION_KEY), through HTTP: every route that checks a TOTP code answers
// 409 totp_key_mismatch in the API's usual shape, with no secret and no key in it,
// without counting a failed sign-in; a recovery code still signs in and turns
// two-factor off, and a setup started under the old key is started again.
func TestTOTPUnderAnotherKeyIs409(t *testing.T) {
	t.Setenv(security.KeyEnv, "") // the key file in the data directory, as by default
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	o, _ := app.FindRecordById("organizations", org.ID)
	o.Set("mfaEnabled", true)
	if err := app.Save(o); err != nil {
		t.Fatal(err)
	}
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	late := testapp.AddMember(t, app, org, access.RoleMember, access.Creator) // set up, not yet enabled
	c := testapp.Serve(t, app)

	memberSecret, recovery := enrol(t, c, member.Token(t))
	ownerSecret, _ := enrol(t, c, org.Owner.Token(t))
	r := c.Do("POST", "/api/account/totp/setup", late.Token(t), nil)
	lateSecret, _ := r.JSON["secret"].(string)
	if r.Status != 200 || lateSecret == "" {
		t.Fatalf("setup: %d %s", r.Status, r.Raw)
	}

	// The instance now runs with another key.
	other := make([]byte, 32)
	rand.Read(other)
	t.Setenv(security.KeyEnv, base64.StdEncoding.EncodeToString(other))
	security.ForgetKey(app)

	mismatch := func(t *testing.T, what string, r testapp.Response, secrets ...string) {
		t.Helper()
		msg, _ := r.JSON["message"].(string)
		if r.Status != 409 || r.Code() != "totp_key_mismatch" || msg == "" {
			t.Fatalf("%s: %d %s", what, r.Status, r.Raw)
		}
		for _, s := range append(secrets, base64.StdEncoding.EncodeToString(other)) {
			if strings.Contains(r.Raw, s) {
				t.Fatalf("%s: the answer holds a secret: %s", what, r.Raw)
			}
		}
	}

	t.Run("sign-in step: 409, no failure counted; a recovery code still signs in", func(t *testing.T) {
		mfaID := challenge(t, c, member.Email)
		r := c.Do("POST", "/api/auth/totp", "", map[string]string{"mfaId": mfaID, "code": current(t, memberSecret)})
		mismatch(t, "sign-in code", r, memberSecret)
		if msg, _ := r.JSON["message"].(string); !strings.Contains(msg, "recovery code") || !strings.Contains(msg, "administrator") {
			t.Fatalf("the message does not say what to do: %q", msg)
		}
		u, _ := app.FindRecordById("users", member.User.Id)
		if n := u.GetInt("failedLogins"); n != 0 {
			t.Fatalf("a code that cannot be checked counted as %d failed sign-ins", n)
		}
		r = c.Do("POST", "/api/auth/totp", "", map[string]string{"mfaId": mfaID, "recoveryCode": recovery[0]})
		if r.Status != 200 || r.JSON["token"] == nil {
			t.Fatalf("recovery code on the same challenge: %d %s", r.Status, r.Raw)
		}
	})

	tok := member.Token(t)
	t.Run("recovery codes regeneration: 409", func(t *testing.T) {
		mismatch(t, "recovery codes", c.Do("POST", "/api/account/recovery-codes", tok, map[string]string{"code": current(t, memberSecret)}), memberSecret)
	})
	t.Run("step-up of an ownership transfer: 409 once the password is right", func(t *testing.T) {
		path := "/api/orgs/" + org.ID + "/transfer-ownership"
		body := map[string]string{"to": member.ID(), "password": testapp.Password, "code": current(t, ownerSecret)}
		mismatch(t, "step-up", c.Do("POST", path, org.Owner.Token(t), body), ownerSecret)
		body["password"] = "not the password"
		if r := c.Do("POST", path, org.Owner.Token(t), body); r.Status != 403 || r.Code() != "step_up_failed" {
			t.Fatalf("wrong password: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("turning two-factor off: 409 with a code, 204 with a recovery code", func(t *testing.T) {
		mismatch(t, "disable with a code", c.Do("DELETE", "/api/account/totp", tok, map[string]string{"code": current(t, memberSecret)}), memberSecret)
		if r := c.Do("DELETE", "/api/account/totp", tok, map[string]string{"recoveryCode": recovery[1]}); r.Status != 204 {
			t.Fatalf("disable with a recovery code: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("a setup started under the old key: 409, then set up again", func(t *testing.T) {
		r := c.Do("POST", "/api/account/totp/enable", late.Token(t), map[string]string{"code": current(t, lateSecret)})
		mismatch(t, "enable", r, lateSecret)
		enrol(t, c, late.Token(t))
	})
}

// TestAdministratorResetsTOTPUnderAnotherKey: the other way out the 409 names.
func TestAdministratorResetsTOTPUnderAnotherKey(t *testing.T) {
	t.Setenv(security.KeyEnv, "")
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	o, _ := app.FindRecordById("organizations", org.ID)
	o.Set("mfaEnabled", true)
	if err := app.Save(o); err != nil {
		t.Fatal(err)
	}
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	c := testapp.Serve(t, app)
	enrol(t, c, member.Token(t))
	t.Setenv(security.KeyEnv, base64.StdEncoding.EncodeToString(make([]byte, 32)))
	security.ForgetKey(app)

	if r := c.Do("POST", "/api/orgs/"+org.ID+"/members/"+member.ID()+"/disable-mfa", org.Owner.Token(t), nil); r.Status != 200 {
		t.Fatalf("disable-mfa: %d %s", r.Status, r.Raw)
	}
	if _, r := c.SignIn(member.Email, testapp.Password); r.Status != 200 {
		t.Fatalf("sign-in after the reset: %d %s", r.Status, r.Raw)
	}
}

// enrol sets TOTP up and enables it with the previous step's code (so the current one
// is still unused); it answers the secret and the recovery codes.
func enrol(t *testing.T, c *testapp.Client, token string) (string, []string) {
	t.Helper()
	r := c.Do("POST", "/api/account/totp/setup", token, nil)
	if r.Status != 200 {
		t.Fatalf("setup: %d %s", r.Status, r.Raw)
	}
	u, _ := url.Parse(r.JSON["otpauthUrl"].(string))
	secret := u.Query().Get("secret")
	prev, _ := security.Code(secret, security.Step(time.Now())-1)
	r = c.Do("POST", "/api/account/totp/enable", token, map[string]string{"code": prev})
	if r.Status != 200 {
		t.Fatalf("enable: %d %s", r.Status, r.Raw)
	}
	var codes []string
	for _, c := range r.JSON["recoveryCodes"].([]any) {
		codes = append(codes, c.(string))
	}
	return secret, codes
}

func current(t *testing.T, secret string) string {
	t.Helper()
	code, err := security.Code(secret, security.Step(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// challenge signs in with the password and answers the second step's mfaId.
func challenge(t *testing.T, c *testapp.Client, email string) string {
	t.Helper()
	_, r := c.SignIn(email, testapp.Password)
	data, _ := r.JSON["data"].(map[string]any)
	id, _ := data["mfaId"].(string)
	if r.Status != 401 || id == "" {
		t.Fatalf("password step: %d %s", r.Status, r.Raw)
	}
	return id
}
