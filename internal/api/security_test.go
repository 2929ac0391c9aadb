package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/security"
	"roster/internal/testapp"
)

// sec is a crew whose every answer is kept, so that a test can prove no secret left
// the server (see noSecretsLeft).
type sec struct {
	*crew
	bodies  []string
	secrets map[string]string // value → what it is
}

func newSec(t *testing.T) *sec {
	return &sec{crew: newCrew(t), secrets: map[string]string{}}
}

func (s *sec) do(method, path, token string, body any) testapp.Response {
	r := s.c.Do(method, path, token, body)
	s.bodies = append(s.bodies, r.Raw)
	return r
}

func (s *sec) orgMFA(t *testing.T, enabled, required bool) {
	t.Helper()
	o, err := s.app.FindRecordById("organizations", s.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.Set("mfaEnabled", enabled)
	o.Set("mfaRequired", required)
	if err := s.app.Save(o); err != nil {
		t.Fatal(err)
	}
}

// remember reads every secret the users table holds now (token keys, password hashes,
// sealed TOTP secrets, recovery hashes and salts), so noSecretsLeft can look for them.
func (s *sec) remember(t *testing.T) {
	t.Helper()
	var rows []struct {
		TokenKey      string `db:"tokenKey"`
		Password      string `db:"password"`
		TotpSecret    string `db:"totpSecret"`
		RecoveryCodes string `db:"recoveryCodes"`
	}
	err := s.app.DB().NewQuery("SELECT tokenKey, password, totpSecret, COALESCE(recoveryCodes, '') AS recoveryCodes FROM users").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		s.secrets[r.TokenKey] = "tokenKey"
		s.secrets[r.Password] = "password hash"
		if r.TotpSecret != "" {
			s.secrets[r.TotpSecret] = "sealed totpSecret"
		}
		var set struct {
			Salt   string   `json:"salt"`
			Hashes []string `json:"hashes"`
		}
		if json.Unmarshal([]byte(r.RecoveryCodes), &set) == nil && set.Salt != "" {
			s.secrets[set.Salt] = "recovery salt"
			for _, h := range set.Hashes {
				s.secrets[h] = "recovery hash"
			}
		}
	}
}

// noSecretsLeft fails if any answer so far carried a stored secret, a TOTP secret in
// clear (outside its setup answer) or one of PocketBase's hidden fields.
func (s *sec) noSecretsLeft(t *testing.T, totpSecrets ...string) {
	t.Helper()
	s.remember(t)
	hidden := []string{`"totpSecret"`, `"recoveryCodes":"`, `"recoveryCodes":{`, `"tokenKey"`, `"failedLogins"`, `"lockedUntil"`, `"totpLastStep"`, `"totpEnabled"`}
	for i, b := range s.bodies {
		for v, what := range s.secrets {
			if v != "" && strings.Contains(b, v) {
				t.Errorf("answer %d holds a %s: %.200s", i, what, b)
			}
		}
		for _, h := range hidden {
			if strings.Contains(b, h) {
				t.Errorf("answer %d holds the hidden field %s: %.200s", i, h, b)
			}
		}
		if strings.Contains(b, `"otpauthUrl"`) {
			continue // the setup answer is where the secret is meant to be
		}
		for _, secret := range totpSecrets {
			if strings.Contains(b, secret) {
				t.Errorf("answer %d holds a TOTP secret: %.200s", i, b)
			}
		}
	}
	if len(s.bodies) == 0 {
		t.Fatal("no answer recorded")
	}
}

// forgetSteps lets time pass for the replay guard, so a test can use the current code
// again, and forgets failed sign-ins (wrong codes count toward the lockout).
func (s *sec) forgetSteps(t *testing.T, m *testapp.Member) {
	t.Helper()
	_, err := s.app.DB().Update("users", dbx.Params{"totpLastStep": 0, "failedLogins": 0, "lockedUntil": ""},
		dbx.HashExp{"id": m.User.Id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

func code(t *testing.T, secret string) string {
	t.Helper()
	c, err := security.Code(secret, security.Step(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up and enables TOTP for m through the API; it returns the secret and the
// recovery codes.
func (s *sec) enrol(t *testing.T, m *testapp.Member, token string) (string, []string) {
	t.Helper()
	r := s.do("POST", "/api/account/totp/setup", token, nil)
	expectStatus(t, r, 200, "")
	secret, _ := r.JSON["secret"].(string)
	r = s.do("POST", "/api/account/totp/enable", token, map[string]string{"code": code(t, secret)})
	expectStatus(t, r, 200, "")
	var codes []string
	for _, c := range r.JSON["recoveryCodes"].([]any) {
		codes = append(codes, c.(string))
	}
	return secret, codes
}

// challenge signs m in with the password and returns the mfaId of the second step.
func (s *sec) challenge(t *testing.T, m *testapp.Member) string {
	t.Helper()
	r := s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": m.Email, "password": m.Password})
	d, _ := r.JSON["data"].(map[string]any)
	id, _ := d["mfaId"].(string)
	if r.Status != 401 || id == "" || d["totpRequired"] != true || r.JSON["token"] != nil {
		t.Fatalf("%d %s, want 401 with an mfaId", r.Status, r.Raw)
	}
	return id
}

func (s *sec) totp(mfaID string, body map[string]string) testapp.Response {
	b := map[string]string{"mfaId": mfaID}
	for k, v := range body {
		b[k] = v
	}
	return s.do("POST", "/api/auth/totp", "", b)
}

func token(t *testing.T, r testapp.Response) string {
	t.Helper()
	tok, _ := r.JSON["token"].(string)
	if r.Status != 200 || tok == "" {
		t.Fatalf("%d %s, want a token", r.Status, r.Raw)
	}
	return tok
}

func TestTOTPEnrolment(t *testing.T) {
	s := newSec(t)
	tok := s.member.Token(t)

	t.Run("setup is refused while the organisation has MFA off", func(t *testing.T) {
		expectStatus(t, s.do("POST", "/api/account/totp/setup", tok, nil), 403, "mfa_not_enabled")
	})
	s.orgMFA(t, true, false)

	var secret string
	t.Run("setup answers the secret, its otpauth URL and a PNG QR code", func(t *testing.T) {
		r := s.do("POST", "/api/account/totp/setup", tok, nil)
		expectStatus(t, r, 200, "")
		secret, _ = r.JSON["secret"].(string)
		u, err := url.Parse(r.JSON["otpauthUrl"].(string))
		if err != nil || u.Query().Get("secret") != secret || u.Query().Get("issuer") != "Roster (Acme)" ||
			!strings.HasSuffix(u.Path, ":"+s.member.Email) {
			t.Fatalf("otpauthUrl %v", r.JSON["otpauthUrl"])
		}
		qr, _ := r.JSON["qr"].(string)
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, "data:image/png;base64,"))
		if err != nil {
			t.Fatal(err)
		}
		if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 200 {
			t.Fatalf("qr is not a PNG: %v", err)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatal("the secret may be cached")
		}
	})
	t.Run("the secret is stored encrypted, and not yet enabled", func(t *testing.T) {
		_, u := s.fresh(t, s.member)
		if stored := u.GetString("totpSecret"); !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, secret) {
			t.Fatalf("stored %q", stored)
		}
		if u.GetBool("totpEnabled") {
			t.Fatal("enabled before a code was confirmed")
		}
	})
	t.Run("enable needs a valid code", func(t *testing.T) {
		expectField(t, s.do("POST", "/api/account/totp/enable", tok, map[string]string{"code": "000000"}), "code")
		expectField(t, s.do("POST", "/api/account/totp/enable", tok, map[string]string{}), "code")
		if _, u := s.fresh(t, s.member); u.GetBool("totpEnabled") {
			t.Fatal("a wrong code enabled TOTP")
		}
	})
	var codes []string
	t.Run("enable answers 10 recovery codes, stored hashed", func(t *testing.T) {
		r := s.do("POST", "/api/account/totp/enable", tok, map[string]string{"code": code(t, secret)})
		expectStatus(t, r, 200, "")
		for _, c := range r.JSON["recoveryCodes"].([]any) {
			codes = append(codes, c.(string))
		}
		_, u := s.fresh(t, s.member)
		if len(codes) != 10 || !u.GetBool("totpEnabled") || security.RecoveryCodesLeft(u) != 10 {
			t.Fatalf("%d codes, enabled %v", len(codes), u.GetBool("totpEnabled"))
		}
		for _, c := range codes {
			if strings.Contains(u.GetString("recoveryCodes"), c) {
				t.Fatal("a recovery code is stored in clear")
			}
		}
		if m := s.do("GET", "/api/me", tok, nil); m.JSON["user"].(map[string]any)["mfaEnabled"] != true {
			t.Fatalf("/api/me: %s", m.Raw)
		}
	})
	t.Run("setup and enable are refused once enabled", func(t *testing.T) {
		expectStatus(t, s.do("POST", "/api/account/totp/setup", tok, nil), 409, "totp_enabled")
		expectStatus(t, s.do("POST", "/api/account/totp/enable", tok, map[string]string{"code": code(t, secret)}), 409, "totp_enabled")
	})
	var current []string // the recovery codes once regenerated
	t.Run("recovery codes are regenerated with a current code only", func(t *testing.T) {
		expectField(t, s.do("POST", "/api/account/recovery-codes", tok, map[string]string{"code": "123456"}), "code")
		s.forgetSteps(t, s.member)
		r := s.do("POST", "/api/account/recovery-codes", tok, map[string]string{"code": code(t, secret)})
		expectStatus(t, r, 200, "")
		fresh := r.JSON["recoveryCodes"].([]any)
		if len(fresh) != 10 || fresh[0] == codes[0] {
			t.Fatalf("%v", fresh)
		}
		for _, c := range fresh {
			current = append(current, c.(string))
		}
		s.remember(t)
	})
	t.Run("disable is refused while the organisation requires MFA", func(t *testing.T) {
		s.orgMFA(t, true, true)
		defer s.orgMFA(t, true, false)
		expectStatus(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"recoveryCode": current[0]}), 409, "mfa_required")
	})
	t.Run("disable needs a current code or a recovery code: the password alone is not enough", func(t *testing.T) {
		expectField(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"password": testapp.Password}), "code")
		expectField(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"code": "000000"}), "code")
		expectField(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"recoveryCode": codes[0]}), "recoveryCode") // replaced
		expectField(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{}), "code")
		if _, u := s.fresh(t, s.member); !u.GetBool("totpEnabled") {
			t.Fatal("TOTP turned off without a code")
		}
		expectStatus(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"recoveryCode": current[0]}), 204, "")
		_, u := s.fresh(t, s.member)
		if u.GetBool("totpEnabled") || u.GetString("totpSecret") != "" || security.RecoveryCodesLeft(u) != 0 {
			t.Fatal("TOTP left behind")
		}
		expectStatus(t, s.do("DELETE", "/api/account/totp", tok, map[string]string{"recoveryCode": current[1]}), 409, "no_mfa")
	})
	t.Run("each change is audited, without secrets", func(t *testing.T) {
		for _, a := range []string{"account.totpEnable", "account.recoveryCodes", "account.totpDisable"} {
			if s.count(t, "auditLog", dbx.HashExp{"action": a, "targetId": s.member.ID()}) != 1 {
				t.Errorf("no audit row for %s", a)
			}
		}
		noSecretIn(t, s, append(codes, secret)...)
	})
	s.noSecretsLeft(t, secret)
}

// noSecretIn fails if the audit log or the outbox holds one of the values.
func noSecretIn(t *testing.T, s *sec, values ...string) {
	t.Helper()
	for _, table := range []string{"auditLog", "mailOutbox"} {
		var rows []map[string]any
		_ = rows
		var dump []struct {
			Row string `db:"row"`
		}
		q := "SELECT json_object('a', details, 'b', actorLabel, 'c', targetLabel) AS row FROM auditLog"
		if table == "mailOutbox" {
			q = "SELECT json_object('a', [[to]], 'b', subject, 'c', template, 'd', error) AS row FROM mailOutbox"
		}
		if err := s.app.DB().NewQuery(q).All(&dump); err != nil {
			t.Fatal(err)
		}
		for _, d := range dump {
			for _, v := range values {
				if v != "" && strings.Contains(d.Row, v) {
					t.Errorf("%s holds a secret: %s", table, d.Row)
				}
			}
		}
	}
}

func TestTOTPSignIn(t *testing.T) {
	s := newSec(t)
	s.orgMFA(t, true, false)
	secret, codes := s.enrol(t, s.member, s.member.Token(t))
	s.remember(t)

	t.Run("a password sign-in asks for the second step, without a token", func(t *testing.T) {
		s.challenge(t, s.member)
	})
	t.Run("a wrong code is refused, the right one signs in", func(t *testing.T) {
		id := s.challenge(t, s.member)
		expectField(t, s.totp(id, map[string]string{"code": "000000"}), "code")
		s.forgetSteps(t, s.member)
		tok := token(t, s.totp(id, map[string]string{"code": code(t, secret)}))
		expectStatus(t, s.do("GET", "/api/me", tok, nil), 200, "")
		if _, u := s.fresh(t, s.member); u.GetDateTime("lastLogin").IsZero() {
			t.Fatal("lastLogin not recorded")
		}
		t.Run("and a refresh does not ask again", func(t *testing.T) {
			token(t, s.do("POST", "/api/collections/users/auth-refresh", tok, nil))
		})
		t.Run("the mfaId is single use", func(t *testing.T) {
			s.forgetSteps(t, s.member)
			r := s.totp(id, map[string]string{"code": code(t, secret)})
			if r.Status != 400 || r.FieldCode("mfaId") != "mfa_expired" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	})
	t.Run("a replayed code is refused, even on a new sign-in", func(t *testing.T) {
		s.forgetSteps(t, s.member)
		c := code(t, secret)
		token(t, s.totp(s.challenge(t, s.member), map[string]string{"code": c}))
		r := s.totp(s.challenge(t, s.member), map[string]string{"code": c})
		if r.Status != 400 || r.FieldCode("code") != "code_used" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("two submissions of one code at the same instant: one passes", func(t *testing.T) {
		ids := []string{s.challenge(t, s.member), s.challenge(t, s.member), s.challenge(t, s.member)}
		s.forgetSteps(t, s.member)
		c := code(t, secret)
		var wg sync.WaitGroup
		statuses := make(chan int, 12)
		start := make(chan struct{})
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				<-start
				b, _ := json.Marshal(map[string]string{"mfaId": id, "code": c})
				res, err := http.Post(s.c.URL+"/api/auth/totp", "application/json", bytes.NewReader(b))
				if err != nil {
					statuses <- 0
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				statuses <- res.StatusCode
			}(ids[i%3])
		}
		close(start)
		wg.Wait()
		close(statuses)
		ok := 0
		for st := range statuses {
			switch st {
			case 200:
				ok++
			case 400:
			default:
				t.Errorf("status %d", st)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of 12 concurrent submissions of one code passed", ok)
		}
	})
	t.Run("five wrong codes end the mfaId", func(t *testing.T) {
		id := s.challenge(t, s.member)
		for i := 1; i <= 5; i++ {
			r := s.totp(id, map[string]string{"code": "000000"})
			want := "code"
			if i == 5 {
				want = "mfaId"
			}
			expectField(t, r, want)
		}
		s.forgetSteps(t, s.member)
		r := s.totp(id, map[string]string{"code": code(t, secret)})
		if r.Status != 400 || r.FieldCode("mfaId") == "" {
			t.Fatalf("the right code after five wrong ones: %d %s", r.Status, r.Raw)
		}
		if n := s.count(t, "mfaAttempts", dbx.HashExp{"mfa": id}); n != 0 {
			t.Fatal("the attempt counter outlived its challenge")
		}
	})
	t.Run("an expired mfaId is refused", func(t *testing.T) {
		id := s.challenge(t, s.member)
		old := time.Now().Add(-11 * time.Minute).UTC().Format("2006-01-02 15:04:05.000Z")
		if _, err := s.app.DB().Update("_mfas", dbx.Params{"created": old}, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
		s.forgetSteps(t, s.member)
		r := s.totp(id, map[string]string{"code": code(t, secret)})
		if r.Status != 400 || r.FieldCode("mfaId") != "mfa_expired" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a recovery code works once", func(t *testing.T) {
		s.forgetSteps(t, s.member)
		tok := token(t, s.totp(s.challenge(t, s.member), map[string]string{"recoveryCode": strings.ToUpper(codes[3])}))
		expectStatus(t, s.do("GET", "/api/me", tok, nil), 200, "")
		expectField(t, s.totp(s.challenge(t, s.member), map[string]string{"recoveryCode": codes[3]}), "recoveryCode")
		if _, u := s.fresh(t, s.member); security.RecoveryCodesLeft(u) != 9 {
			t.Fatalf("%d codes left", security.RecoveryCodesLeft(u))
		}
		if s.count(t, "auditLog", dbx.HashExp{"action": "account.recoveryCodeUsed", "targetId": s.member.ID()}) != 1 {
			t.Fatal("the spent recovery code was not audited")
		}
	})
	t.Run("no code at all is a 400 naming code", func(t *testing.T) {
		expectField(t, s.totp(s.challenge(t, s.member), nil), "code")
		expectField(t, s.do("POST", "/api/auth/totp", "", map[string]string{"code": "123456"}), "mfaId")
	})
	t.Run("a disabled member is refused before the second step", func(t *testing.T) {
		testapp.SetStatus(t, s.app, s.member, access.Disabled)
		defer testapp.SetStatus(t, s.app, s.member, access.Active)
		r := s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": s.member.Email, "password": s.member.Password})
		expectStatus(t, r, 403, "account_disabled")
	})
	s.noSecretsLeft(t, secret)
}

func TestRestrictedSessions(t *testing.T) {
	s := newSec(t)
	s.orgMFA(t, true, true)
	tok := s.member.Token(t)
	orgPath := "/api/orgs/" + s.org.ID + "/members"

	t.Run("a member who must enrol reaches only /api/me and the enrolment routes", func(t *testing.T) {
		me := s.do("GET", "/api/me", tok, nil)
		expectStatus(t, me, 200, "")
		if rs := me.JSON["restrictions"].([]any); len(rs) != 1 || rs[0] != "mfa_enrollment_required" {
			t.Fatalf("restrictions %v", rs)
		}
		for _, req := range []struct{ method, path string }{
			{"GET", orgPath}, {"GET", "/api/orgs/" + s.org.ID}, {"PATCH", "/api/account/profile"},
			{"POST", "/api/account/password"}, {"DELETE", "/api/account/totp"}, {"POST", "/api/account/recovery-codes"},
			{"POST", "/api/orgs/" + s.org.ID + "/members/" + s.member2.ID() + "/reset-password"},
		} {
			expectStatus(t, s.do(req.method, req.path, tok, map[string]any{}), 403, "mfa_enrollment_required")
		}
		secret, _ := s.enrol(t, s.member, tok)
		expectStatus(t, s.do("GET", orgPath, tok, nil), 200, "")
		s.noSecretsLeft(t, secret)
	})
	t.Run("a temporary password is changed first, then TOTP is enrolled", func(t *testing.T) {
		u, _ := s.app.FindRecordById("users", s.member2.User.Id)
		u.Set("mustChangePassword", true)
		if err := s.app.Save(u); err != nil {
			t.Fatal(err)
		}
		tok := s.member2.Token(t)
		expectStatus(t, s.do("POST", "/api/account/totp/setup", tok, nil), 403, "password_change_required")
		expectStatus(t, s.do("GET", orgPath, tok, nil), 403, "password_change_required")
		r := s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": testapp.Password, "password": "a brand new secret"})
		tok = token(t, r)
		expectStatus(t, s.do("GET", orgPath, tok, nil), 403, "mfa_enrollment_required")
		expectStatus(t, s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": "a brand new secret", "password": "another one here"}), 403, "mfa_enrollment_required")
		s.member2.Password = "a brand new secret"
		secret, _ := s.enrol(t, s.member2, tok)
		expectStatus(t, s.do("GET", orgPath, tok, nil), 200, "")
		s.noSecretsLeft(t, secret)
	})
}

func TestAdminPasswordReset(t *testing.T) {
	s := newSec(t)
	w := s.crew
	w.refuse(t, "POST", "reset-password", nil, append(w.refusals(t),
		refusal{"the owner cannot reset their own password", w.owner.Token(t), w.owner.ID(), 403, "self"},
		refusal{"an admin cannot reset their own password", w.admin.Token(t), w.admin.ID(), 403, "self"},
	))

	t.Run("an SSO account is refused", func(t *testing.T) {
		sso := testapp.AddMember(t, s.app, s.org, access.RoleMember, access.Creator)
		sso.User.Set("authSource", "sso")
		if err := s.app.Save(sso.User); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, s.do("POST", w.path(sso.ID(), "reset-password"), w.owner.Token(t), nil), 409, "sso_account")
	})

	t.Run("without a mail server the temporary password is shown once to the administrator", func(t *testing.T) {
		old := w.member.Token(t)
		r := s.do("POST", w.path(w.member.ID(), "reset-password"), w.admin.Token(t), nil)
		expectStatus(t, r, 200, "")
		temp, _ := r.JSON["temporaryPassword"].(string)
		if r.JSON["mailed"] != false || len(temp) != 16 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s", r.Raw)
		}
		expectStatus(t, s.do("GET", "/api/me", old, nil), 401, "")
		_, u := w.fresh(t, w.member)
		exp := u.GetDateTime("tempPasswordExpires").Time()
		if !u.GetBool("mustChangePassword") || exp.Before(time.Now().Add(23*time.Hour)) || exp.After(time.Now().Add(25*time.Hour)) {
			t.Fatalf("mustChangePassword %v, expires %v", u.GetBool("mustChangePassword"), exp)
		}
		if w.audits(t, access.MembersResetPassword, w.member) != 1 {
			t.Fatal("no audit row")
		}
		noSecretIn(t, s, temp)

		t.Run("the member signs in with it into a session that must change it", func(t *testing.T) {
			tok := token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": w.member.Email, "password": temp}))
			expectStatus(t, s.do("GET", "/api/orgs/"+w.org.ID+"/members", tok, nil), 403, "password_change_required")
			expectField(t, s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": "wrong one", "password": "my own password"}), "oldPassword")
			expectField(t, s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": temp, "password": "short"}), "password")
			r := s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": temp, "password": "my own password"})
			fresh := token(t, r)
			expectStatus(t, s.do("GET", "/api/me", tok, nil), 401, "")
			expectStatus(t, s.do("GET", "/api/orgs/"+w.org.ID+"/members", fresh, nil), 200, "")
			if _, u := w.fresh(t, w.member); u.GetBool("mustChangePassword") || !u.GetDateTime("tempPasswordExpires").IsZero() {
				t.Fatal("the temporary password's restriction stayed")
			}
			w.member.Password = "my own password"
		})
	})

	t.Run("with a mail server the password goes to the member only, in their language", func(t *testing.T) {
		wait := w.mails()
		u, _ := s.app.FindRecordById("users", w.member2.User.Id)
		u.Set("language", "fr")
		if err := s.app.Save(u); err != nil {
			t.Fatal(err)
		}
		r := s.do("POST", w.path(w.member2.ID(), "reset-password"), w.owner.Token(t), nil)
		expectStatus(t, r, 200, "")
		if r.JSON["mailed"] != true || r.JSON["temporaryPassword"] != nil {
			t.Fatalf("%s", r.Raw)
		}
		sent := wait(t, 1)
		if !strings.HasPrefix(sent[0], w.member2.Email+" | ") || !strings.Contains(sent[0], "réinitialisé") {
			t.Fatalf("%v", sent)
		}
		msg := s.app.TestMailer.LastMessage()
		temp := regexp.MustCompile(`<strong>([A-Za-z0-9]{16})</strong>`).FindStringSubmatch(msg.HTML)
		if temp == nil || strings.Contains(msg.Subject, temp[1]) {
			t.Fatalf("no temporary password in the mail body: %s", msg.HTML)
		}
		noSecretIn(t, s, temp[1])
		token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": w.member2.Email, "password": temp[1]}))
	})
	s.noSecretsLeft(t)
}

func TestAdminDisablesMFA(t *testing.T) {
	s := newSec(t)
	w := s.crew
	s.orgMFA(t, true, false)
	secret, _ := s.enrol(t, w.member, w.member.Token(t))
	s.remember(t)

	w.refuse(t, "POST", "disable-mfa", nil, append(w.refusals(t),
		refusal{"the owner cannot disable their own MFA", w.owner.Token(t), w.owner.ID(), 403, "self"},
		refusal{"an admin cannot disable their own MFA", w.admin.Token(t), w.admin.ID(), 403, "self"},
	))
	t.Run("a member without TOTP is refused", func(t *testing.T) {
		expectStatus(t, s.do("POST", w.path(w.member2.ID(), "disable-mfa"), w.admin.Token(t), nil), 409, "no_mfa")
	})
	t.Run("an organisation with MFA off is refused", func(t *testing.T) {
		s.orgMFA(t, false, false)
		defer s.orgMFA(t, true, false)
		expectStatus(t, s.do("POST", w.path(w.member.ID(), "disable-mfa"), w.admin.Token(t), nil), 409, "mfa_not_enabled")
	})
	t.Run("the member loses TOTP and every session, and is told by mail", func(t *testing.T) {
		wait := w.mails()
		old := w.member.Token(t)
		r := s.do("POST", w.path(w.member.ID(), "disable-mfa"), w.admin.Token(t), nil)
		expectStatus(t, r, 200, "")
		if r.JSON["mfaEnabled"] != false {
			t.Fatalf("%s", r.Raw)
		}
		expectStatus(t, s.do("GET", "/api/me", old, nil), 401, "")
		_, u := w.fresh(t, w.member)
		if u.GetBool("totpEnabled") || u.GetString("totpSecret") != "" || security.RecoveryCodesLeft(u) != 0 {
			t.Fatal("TOTP left behind")
		}
		if sent := wait(t, 1); !strings.HasPrefix(sent[0], w.member.Email+" | Two-factor authentication was turned off") {
			t.Fatalf("%v", sent)
		}
		if w.audits(t, access.MembersDisableMfa, w.member) != 1 {
			t.Fatal("no audit row")
		}
		token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": w.member.Email, "password": w.member.Password}))
	})
	t.Run("with MFA required, the member's next session must enrol again", func(t *testing.T) {
		s.orgMFA(t, true, true)
		tok := token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": w.member.Email, "password": w.member.Password}))
		expectStatus(t, s.do("GET", "/api/orgs/"+w.org.ID+"/members", tok, nil), 403, "mfa_enrollment_required")
	})
	noSecretIn(t, s, secret)
	s.noSecretsLeft(t, secret)
}

func TestOwnPasswordChange(t *testing.T) {
	s := newSec(t)
	wait := s.mails()
	tok := s.member.Token(t)
	other := s.member.Token(t)

	t.Run("a wrong old password is a 400 naming oldPassword", func(t *testing.T) {
		expectField(t, s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": "nope", "password": "new password 1"}), "oldPassword")
	})
	t.Run("the new password is 8 to 64 characters and at most 72 bytes", func(t *testing.T) {
		for _, p := range []string{"", "1234567", strings.Repeat("a", 65), strings.Repeat("é", 40), testapp.Password} {
			expectField(t, s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": testapp.Password, "password": p}), "password")
		}
	})
	t.Run("a change answers a fresh session and ends the others", func(t *testing.T) {
		r := s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": testapp.Password, "password": "new password 1"})
		fresh := token(t, r)
		expectStatus(t, s.do("GET", "/api/me", other, nil), 401, "")
		expectStatus(t, s.do("GET", "/api/me", tok, nil), 401, "")
		expectStatus(t, s.do("GET", "/api/me", fresh, nil), 200, "")
		token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": s.member.Email, "password": "new password 1"}))
		if sent := wait(t, 1); !strings.HasPrefix(sent[0], s.member.Email+" | The password of your Acme account was changed") {
			t.Fatalf("%v", sent)
		}
		noSecretIn(t, s, "new password 1")
	})
	t.Run("an SSO account has no password to change", func(t *testing.T) {
		s.member2.User.Set("authSource", "sso")
		if err := s.app.Save(s.member2.User); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, s.do("POST", "/api/account/password", s.member2.Token(t), map[string]string{"oldPassword": testapp.Password, "password": "new password 1"}), 409, "sso_account")
	})
	s.noSecretsLeft(t)
}

func TestSecondStepAndAccountRoutesAreRateLimited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	last := func(n int, method, path string) int {
		st := 0
		for range n {
			st = c.Do(method, path, "", map[string]string{"mfaId": "guess", "code": "123456"}).Status
		}
		return st
	}
	if st := last(11, "POST", "/api/auth/totp"); st != 429 {
		t.Fatalf("11 second steps in a row: last status %d, want 429", st)
	}
	if st := last(31, "POST", "/api/account/password"); st != 429 {
		t.Fatalf("31 password changes in a row: last status %d, want 429", st)
	}
}
