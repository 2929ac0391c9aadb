package api_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

// The FR/EN switch saves the member's language at every click: that alone writes no audit
// row, while a real profile change (their own, or the language set by an administrator)
// still does.
func TestOwnLanguageChoiceIsNotAudited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
	tok := member.Token(t)
	profileRows := func() int {
		return count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": string(access.MembersUpdateProfile)})
	}
	patch := func(t *testing.T, path, token string, body map[string]string) {
		t.Helper()
		if r := c.Do("PATCH", path, token, body); r.Status/100 != 2 {
			t.Fatalf("PATCH %s %v: %d %s", path, body, r.Status, r.Raw)
		}
	}

	t.Run("switching one's own language back and forth writes no audit row", func(t *testing.T) {
		before := profileRows()
		for _, lang := range []string{"fr", "en", "fr"} {
			patch(t, "/api/account/profile", tok, map[string]string{"language": lang})
		}
		u, _ := app.FindRecordById("users", member.User.Id)
		if u.GetString("language") != "fr" {
			t.Fatalf("the language was not saved: %q", u.GetString("language"))
		}
		if n := profileRows() - before; n != 0 {
			t.Fatalf("%d audit rows for three language choices, want none", n)
		}
	})
	t.Run("one's own profile change with the language is audited", func(t *testing.T) {
		before := profileRows()
		patch(t, "/api/account/profile", tok, map[string]string{"language": "en", "givenName": "Hélène"})
		if n := profileRows() - before; n != 1 {
			t.Fatalf("%d audit rows for a name and language change, want 1", n)
		}
	})
	t.Run("an administrator setting a member's language is audited", func(t *testing.T) {
		before := profileRows()
		patch(t, "/api/orgs/"+org.ID+"/members/"+member.ID(), admin.Token(t), map[string]string{"language": "fr"})
		if n := profileRows() - before; n != 1 {
			t.Fatalf("%d audit rows for an administrator's change, want 1", n)
		}
	})
}
