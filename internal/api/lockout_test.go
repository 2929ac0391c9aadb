package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/security"
	"roster/internal/testapp"
)

// lock locks m's account for the next hour, as MaxFailures failures would.
func (s *sec) lock(t *testing.T, m *testapp.Member) {
	t.Helper()
	until := types.NowDateTime().Add(time.Hour).String()
	if _, err := s.app.DB().Update("users", dbx.Params{"lockedUntil": until, "failedLogins": 0}, dbx.HashExp{"id": m.User.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func (s *sec) locked(t *testing.T, m *testapp.Member) bool {
	t.Helper()
	_, u := s.fresh(t, m)
	return security.Locked(u, time.Now())
}

// wrongCode is a six-digit code that is none of secret's codes for the steps the
// server accepts now.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	var valid []string
	for d := int64(-2); d <= 2; d++ {
		c, err := security.Code(secret, security.Step(time.Now())+d)
		if err != nil {
			t.Fatal(err)
		}
		valid = append(valid, c)
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !slices.Contains(valid, c) {
			return c
		}
	}
	t.Fatal("no wrong code")
	return ""
}

// One lockout for every proof (docs/reliability.md §9): while an account is locked, the password
// change, the step-up of an ownership transfer, turning two-factor off and new
// recovery codes refuse the right password or code with a wrong one's answer, and a
// wrong password or code in any of them counts toward the one lock, which only a
// complete sign-in resets.
func TestOneLockoutForEveryProof(t *testing.T) {
	s := newSec(t)
	s.orgMFA(t, true, false)
	transfer := "/api/orgs/" + s.org.ID + "/transfer-ownership"
	ownerTok := s.owner.Token(t)
	memberTok := s.member.Token(t)
	secret, recovery := s.enrol(t, s.member, memberTok)
	signIn := func(m *testapp.Member) testapp.Response {
		return s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": m.Email, "password": m.Password})
	}
	totpOn := func() {
		t.Helper()
		if _, u := s.fresh(t, s.member); !u.GetBool("totpEnabled") || security.RecoveryCodesLeft(u) != len(recovery) {
			t.Fatal("two-factor sign-in was turned off, or a recovery code spent")
		}
	}

	t.Run("a locked account's right password or code is refused everywhere", func(t *testing.T) {
		s.lock(t, s.owner)
		expectField(t, s.do("POST", "/api/account/password", ownerTok, map[string]string{"oldPassword": testapp.Password, "password": "new password 1"}), "oldPassword")
		expectStatus(t, s.do("POST", transfer, ownerTok, map[string]string{"to": s.admin.ID(), "password": testapp.Password}), 403, "step_up_failed")
		if m, u := s.fresh(t, s.owner); m.GetString("role") != "owner" || !u.ValidatePassword(testapp.Password) {
			t.Fatal("a locked owner changed their password or gave the ownership away")
		}

		s.lock(t, s.member)
		expectField(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"code": code(t, secret)}), "code")
		expectField(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"recoveryCode": recovery[0]}), "recoveryCode")
		expectField(t, s.do("POST", "/api/account/recovery-codes", memberTok, map[string]string{"code": code(t, secret)}), "code")
		totpOn()
		for _, m := range []*testapp.Member{s.owner, s.member} {
			if r := signIn(m); r.Status != 400 {
				t.Fatalf("a locked account signed in: %d %s", r.Status, r.Raw)
			}
		}
	})
	s.forgetSteps(t, s.owner)
	s.forgetSteps(t, s.member)

	t.Run("wrong passwords in a password change and a step-up add up to one lock", func(t *testing.T) {
		for range 5 {
			expectStatus(t, s.do("POST", transfer, ownerTok, map[string]string{"to": s.admin.ID(), "password": "not my password"}), 403, "step_up_failed")
		}
		for range 4 {
			expectField(t, s.do("POST", "/api/account/password", ownerTok, map[string]string{"oldPassword": "not my password", "password": "new password 1"}), "oldPassword")
		}
		// The right password inside a signed-in request resets nothing.
		expectField(t, s.do("POST", "/api/account/password", ownerTok, map[string]string{"oldPassword": testapp.Password, "password": "short"}), "password")
		if s.locked(t, s.owner) {
			t.Fatal("locked after 9 failures")
		}
		expectStatus(t, s.do("POST", transfer, ownerTok, map[string]string{"to": s.admin.ID(), "password": "not my password"}), 403, "step_up_failed")
		if !s.locked(t, s.owner) {
			t.Fatal("10 wrong passwords did not lock the account")
		}
		if r := signIn(s.owner); r.Status != 400 {
			t.Fatalf("the locked owner signed in: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("wrong codes and recovery codes count with wrong passwords", func(t *testing.T) {
		wrong := wrongCode(t, secret)
		for range 3 {
			expectField(t, s.do("POST", "/api/account/password", memberTok, map[string]string{"oldPassword": "not my password", "password": "new password 1"}), "oldPassword")
		}
		for range 3 {
			expectField(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"code": wrong}), "code")
		}
		for range 2 {
			expectField(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"recoveryCode": "aaaa-bbbb-cccc"}), "recoveryCode")
		}
		expectField(t, s.do("POST", "/api/account/recovery-codes", memberTok, map[string]string{"code": wrong}), "code")
		if s.locked(t, s.member) {
			t.Fatal("locked after 9 failures")
		}
		expectField(t, s.do("POST", "/api/account/recovery-codes", memberTok, map[string]string{"code": wrong}), "code")
		if !s.locked(t, s.member) {
			t.Fatal("10 wrong proofs did not lock the account")
		}
		totpOn()
	})
	t.Run("turning two-factor off takes a code or a recovery code, never the password", func(t *testing.T) {
		s.forgetSteps(t, s.member)
		expectField(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"password": testapp.Password}), "code")
		totpOn()
		expectStatus(t, s.do("DELETE", "/api/account/totp", memberTok, map[string]string{"code": code(t, secret)}), 204, "")
	})
	s.noSecretsLeft(t, secret)
}

// A session opened with a temporary password cannot set a new one once that temporary
// password has expired: the administrator gives a new one (docs/reliability.md §9).
func TestExpiredTemporaryPasswordSetsNoNewOne(t *testing.T) {
	s := newSec(t)
	temporary := func(m *testapp.Member, expires time.Duration) string {
		t.Helper()
		m.User.Set("mustChangePassword", true)
		m.User.Set("tempPasswordExpires", types.NowDateTime().Add(expires))
		if err := s.app.Save(m.User); err != nil {
			t.Fatal(err)
		}
		return token(t, s.do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": m.Email, "password": m.Password}))
	}
	change := func(tok string) testapp.Response {
		return s.do("POST", "/api/account/password", tok, map[string]string{"oldPassword": testapp.Password, "password": "new password 1"})
	}

	t.Run("before it expires, it sets a new password", func(t *testing.T) {
		token(t, change(temporary(s.member2, time.Hour)))
	})
	t.Run("once expired, the session opened before is refused", func(t *testing.T) {
		tok := temporary(s.member, time.Hour)
		if _, err := s.app.DB().Update("users", dbx.Params{"tempPasswordExpires": types.NowDateTime().Add(-time.Minute).String()},
			dbx.HashExp{"id": s.member.User.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		r := change(tok)
		expectStatus(t, r, 403, "temporary_password_expired")
		if msg, _ := r.JSON["message"].(string); msg != "Your temporary password has expired. Ask your administrator for a new one." {
			t.Fatalf("message %q", msg)
		}
		_, u := s.fresh(t, s.member)
		if !u.ValidatePassword(testapp.Password) || !u.GetBool("mustChangePassword") || u.GetInt("failedLogins") != 0 {
			t.Fatal("the expired temporary password set a new one, or counted as a failure")
		}
	})
}
