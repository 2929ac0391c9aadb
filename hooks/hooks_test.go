package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/orgs"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func TestSignInGate(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)

	tok, r := c.SignIn(member.Email, member.Password)
	if r.Status != 200 || tok == "" {
		t.Fatalf("sign-in: %d %s", r.Status, r.Raw)
	}
	u, _ := app.FindRecordById("users", member.User.Id)
	first := u.GetDateTime("lastLogin")
	if first.IsZero() {
		t.Fatal("a real sign-in did not record lastLogin")
	}

	t.Run("a token refresh does not count as a sign-in", func(t *testing.T) {
		time.Sleep(5 * time.Millisecond)
		r := c.Do("POST", "/api/collections/users/auth-refresh", tok, nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		u, _ := app.FindRecordById("users", member.User.Id)
		if !u.GetDateTime("lastLogin").Equal(first) {
			t.Fatal("refresh changed lastLogin")
		}
	})
	t.Run("the username works as identity, case-blind", func(t *testing.T) {
		if _, r := c.SignIn(member.User.GetString("username"), member.Password); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a disabled member cannot sign in or refresh", func(t *testing.T) {
		testapp.SetStatus(t, app, member, access.Disabled)
		defer testapp.SetStatus(t, app, member, access.Active)
		_, r := c.SignIn(member.Email, member.Password)
		if r.Status != 403 || r.Code() != "account_disabled" || r.JSON["message"] == "" {
			t.Fatalf("sign-in: %d %s", r.Status, r.Raw)
		}
		if r := c.Do("POST", "/api/collections/users/auth-refresh", tok, nil); r.Status != 403 {
			t.Fatalf("refresh: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("an expired temporary password is refused", func(t *testing.T) {
		u, _ := app.FindRecordById("users", member.User.Id)
		u.Set("mustChangePassword", true)
		u.Set("tempPasswordExpires", types.NowDateTime().Add(-time.Minute))
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
		_, r := c.SignIn(member.Email, member.Password)
		if r.Status != 403 || r.Code() != "temporary_password_expired" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestExactlyOneOwner(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)

	owners := func() int {
		n, err := app.CountRecords("memberships", dbx.HashExp{"org": org.ID, "role": "owner"})
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}

	t.Run("a second owner cannot be created", func(t *testing.T) {
		u, err := orgs.NewUser(app, orgs.Owner{Email: "second@example.com", Password: testapp.Password}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orgs.AddMembership(app, org.ID, u, access.RoleOwner, access.Creator, "system"); !fail.Is(err, "owner_exists") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the owner cannot be demoted, disabled or deleted", func(t *testing.T) {
		m, _ := app.FindRecordById("memberships", org.Owner.ID())
		m.Set("role", "admin")
		if err := app.Save(m); !fail.Is(err, "owner_protected") {
			t.Fatalf("demote: %v", err)
		}
		m, _ = app.FindRecordById("memberships", org.Owner.ID())
		m.Set("status", "disabled")
		if err := app.Save(m); !fail.Is(err, "owner_protected") {
			t.Fatalf("disable: %v", err)
		}
		if err := app.Delete(m); !fail.Is(err, "owner_protected") {
			t.Fatalf("delete: %v", err)
		}
		u, _ := app.FindRecordById("users", org.Owner.User.Id)
		if err := app.Delete(u); err == nil {
			t.Fatal("deleting the owner's account cascaded to their membership")
		}
		if owners() != 1 {
			t.Fatal("owner lost")
		}
	})
	t.Run("promoting an admin to owner demotes the old owner in the same transaction", func(t *testing.T) {
		m, _ := app.FindRecordById("memberships", admin.ID())
		m.Set("role", "owner")
		if err := app.Save(m); err != nil {
			t.Fatal(err)
		}
		old, _ := app.FindRecordById("memberships", org.Owner.ID())
		if old.GetString("role") != "admin" || owners() != 1 {
			t.Fatalf("old owner is %s, %d owners", old.GetString("role"), owners())
		}
	})
	t.Run("deleting the organisation takes its owner with it", func(t *testing.T) {
		o, _ := app.FindRecordById("organizations", org.ID)
		if err := app.Delete(o); err != nil {
			t.Fatal(err)
		}
		if n, _ := app.CountRecords("memberships", dbx.HashExp{"org": org.ID}); n != 0 {
			t.Fatalf("%d memberships survived their organisation", n)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	app := testapp.New(t)
	testapp.CreateOrg(t, app, "Acme", "")
	rows, err := app.FindAllRecords("auditLog")
	if err != nil || len(rows) == 0 {
		t.Fatalf("no audit row: %v", err)
	}
	row := rows[0]
	row.Set("action", "nothing.happened")
	if err := app.Save(row); !fail.Is(err, "audit_immutable") {
		t.Fatalf("update: %v", err)
	}
	if err := app.Delete(rows[0]); !fail.Is(err, "audit_immutable") {
		t.Fatalf("delete: %v", err)
	}
}
