package pb_migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

// An organisation that already had SSO accounts keeps enterprise sign-in on when the
// per-organisation switch arrives; every other one starts with it off.
func TestOrgSSOMigrationKeepsOrganisationsThatUsedIt(t *testing.T) {
	app := testapp.New(t)
	used := testapp.CreateOrg(t, app, "Used", "")
	unused := testapp.CreateOrg(t, app, "Unused", "")
	m := testapp.AddMember(t, app, used, access.RoleMember, access.Creator)
	m.User.Set("authSource", "sso")
	if err := app.Save(m.User); err != nil {
		t.Fatal(err)
	}
	// Back to before the migration, then run it again.
	for name, fields := range map[string][]string{"organizations": {"ssoEnabled"}, "mfaAttempts": {"ssoProvider", "ssoProviderId"}} {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			col.Fields.RemoveByName(f)
		}
		if err := app.Save(col); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.DB().Delete("_migrations", dbx.HashExp{"file": "1795601400_org_sso.go"}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAppMigrations(); err != nil {
		t.Fatal(err)
	}
	for org, want := range map[string]bool{used.ID: true, unused.ID: false} {
		o, err := app.FindRecordById("organizations", org)
		if err != nil {
			t.Fatal(err)
		}
		if o.GetBool("ssoEnabled") != want {
			t.Errorf("%s: ssoEnabled %v, want %v", o.GetString("name"), o.GetBool("ssoEnabled"), want)
		}
	}
}
