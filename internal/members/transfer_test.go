package members_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/testapp"
)

func TestTheOperatorsBreakGlassTransfer(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	o, err := app.FindRecordById("organizations", org.ID)
	if err != nil {
		t.Fatal(err)
	}
	slug := o.GetString("slug")
	heir := testapp.AddMember(t, app, org, access.RoleMember, access.Professional)
	viewer := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
	off := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
	testapp.SetStatus(t, app, off, access.Disabled)
	other := testapp.CreateOrg(t, app, "Other", "")

	for name, c := range map[string]struct {
		slug, email, code string
	}{
		"an unknown organisation is not found":               {"nope", heir.Email, "not_found"},
		"an address of another organisation is not found":    {slug, other.Owner.Email, "not_found"},
		"the owner already owns it":                          {slug, org.Owner.Email, "already_owner"},
		"a viewer cannot own it":                             {slug, viewer.Email, "target_ineligible"},
		"a disabled member cannot own it":                    {slug, off.Email, "target_ineligible"},
		"an unknown address is not found, whatever its case": {slug, "NOBODY@example.com", "not_found"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := members.TransferOwnershipByOperator(app, c.slug, c.email); !fail.Is(err, c.code) {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}

	t.Run("the operator hands the organisation over; the former owner is an admin, signed out", func(t *testing.T) {
		oldKey := org.Owner.User.TokenKey()
		got, err := members.TransferOwnershipByOperator(app, slug, strings.ToUpper(heir.Email))
		if err != nil {
			t.Fatal(err)
		}
		if got.To.ID != heir.ID() || got.From.ID != org.Owner.ID() {
			t.Fatalf("%+v", got)
		}
		roles := map[string]string{}
		for _, m := range []*testapp.Member{heir, org.Owner} {
			r, err := app.FindRecordById("memberships", m.ID())
			if err != nil {
				t.Fatal(err)
			}
			roles[m.ID()] = r.GetString("role")
		}
		if roles[heir.ID()] != string(access.RoleOwner) || roles[org.Owner.ID()] != string(access.RoleAdmin) {
			t.Fatalf("roles: %v", roles)
		}
		u, err := app.FindRecordById("users", org.Owner.User.Id)
		if err != nil {
			t.Fatal(err)
		}
		if u.TokenKey() == oldKey {
			t.Fatal("the former owner's sessions survive a break-glass transfer")
		}
		row, err := app.FindFirstRecordByFilter("auditLog", "action = {:a}", dbx.Params{"a": string(access.OrgTransferOwnership)})
		if err != nil {
			t.Fatal(err)
		}
		if row.GetString("actor") != audit.ActorSuperuser || row.GetString("org") != org.ID ||
			!strings.Contains(row.GetString("details"), org.Owner.ID()) {
			t.Fatalf("audit: %s %s", row.GetString("actor"), row.GetString("details"))
		}
		if n, _ := app.CountRecords("mailOutbox", dbx.HashExp{"template": "ownership_transferred"}); n != 2 {
			t.Fatalf("%d mails", n)
		}
	})
}
