package security_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/security"
	"roster/internal/testapp"
)

func TestStepUp(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)

	t.Run("the password alone is enough without TOTP", func(t *testing.T) {
		if err := security.StepUp(context.Background(), app, m.User, testapp.Password, ""); err != nil {
			t.Fatal(err)
		}
		if err := security.StepUp(context.Background(), app, m.User, "wrong password", ""); !fail.Is(err, "step_up_failed") {
			t.Fatalf("got %v", err)
		}
	})

	o, _ := app.FindRecordById("organizations", org.ID)
	o.Set("mfaEnabled", true)
	if err := app.Save(o); err != nil {
		t.Fatal(err)
	}
	session, err := members.SessionOf(app, m.User)
	if err != nil {
		t.Fatal(err)
	}
	actor := session.Actor
	enr, err := security.Setup(app, actor)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(enr.OTPAuthURL)
	secret := u.Query().Get("secret")
	prev, _ := security.Code(secret, security.Step(time.Now())-1)
	if _, err := security.Enable(app, actor, prev); err != nil {
		t.Fatal(err)
	}

	t.Run("with TOTP on, a current code is needed as well, once", func(t *testing.T) {
		now, _ := security.Code(secret, security.Step(time.Now()))
		if err := security.StepUp(context.Background(), app, m.User, testapp.Password, ""); !fail.Is(err, "step_up_failed") {
			t.Fatalf("no code: %v", err)
		}
		if err := security.StepUp(context.Background(), app, m.User, "wrong password", now); !fail.Is(err, "step_up_failed") {
			t.Fatalf("wrong password: %v", err)
		}
		if err := security.StepUp(context.Background(), app, m.User, testapp.Password, now); err != nil {
			t.Fatalf("good code: %v", err)
		}
		if err := security.StepUp(context.Background(), app, m.User, testapp.Password, now); !fail.Is(err, "step_up_failed") {
			t.Fatalf("replayed code: %v", err)
		}
	})
}
