package members_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

type indexRow struct {
	SortName  string  `db:"sortName"`
	GivenName string  `db:"givenName"`
	Email     string  `db:"email"`
	Role      string  `db:"role"`
	RoleRank  int     `db:"roleRank"`
	TypeRank  int     `db:"typeRank"`
	Status    string  `db:"status"`
	LastLogin string  `db:"lastLogin"`
	Credits   float64 `db:"credits"`
}

func indexOf(t *testing.T, app core.App, membership string) (indexRow, bool) {
	t.Helper()
	var rows []indexRow
	err := app.DB().NewQuery("SELECT sortName, givenName, email, role, roleRank, typeRank, status, lastLogin, credits FROM memberIndex WHERE membership = {:m}").
		Bind(dbx.Params{"m": membership}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return indexRow{}, false
	}
	return rows[0], true
}

// The member index (the list's read model) follows every write path, raw SQL included.
func TestMemberIndexFollowsEveryWrite(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Contributor)

	m.User.Set("givenName", "Élodie")
	m.User.Set("familyName", "Lefèvre")
	m.User.Set("email", "Elodie@Example.com")
	if err := app.Save(m.User); err != nil {
		t.Fatal(err)
	}
	got, ok := indexOf(t, app, m.ID())
	if !ok || got.SortName != "lefevre elodie" || got.GivenName != "elodie" || got.Email != "elodie@example.com" || got.TypeRank != 2 || got.RoleRank != 1 {
		t.Fatalf("after a profile change: %+v", got)
	}

	if _, err := app.DB().NewQuery("UPDATE users SET lastLogin = '2026-11-01 10:00:00.000Z' WHERE id = {:id}").Bind(dbx.Params{"id": m.User.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	m.Membership.Set("status", "disabled")
	m.Membership.Set("creditsLimited", true)
	m.Membership.Set("creditsAllocated", 40)
	m.Membership.Set("creditsUsed", 15)
	if err := app.Save(m.Membership); err != nil {
		t.Fatal(err)
	}
	got, _ = indexOf(t, app, m.ID())
	if got.LastLogin != "2026-11-01 10:00:00.000Z" || got.Status != "disabled" || got.Credits != 25 {
		t.Fatalf("after a raw sign-in and a membership change: %+v", got)
	}

	if err := app.Delete(m.Membership); err != nil {
		t.Fatal(err)
	}
	if _, ok := indexOf(t, app, m.ID()); ok {
		t.Fatal("a deleted membership stayed in the index")
	}
	owner, ok := indexOf(t, app, org.Owner.ID())
	if !ok || owner.RoleRank != 3 || owner.Credits != 1e18 {
		t.Fatalf("owner: %+v", owner)
	}
}

func TestGroupMembersFollowGroups(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	a := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	b := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	groupsOf := func(m string) int {
		var n int
		if err := app.DB().NewQuery("SELECT count(*) FROM groupMembers WHERE membership = {:m}").Bind(dbx.Params{"m": m}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	col, _ := app.FindCollectionByNameOrId("groups")
	g := core.NewRecord(col)
	g.Load(map[string]any{"org": org.ID, "owner": a.ID(), "title": "Cartographes", "members": []string{a.ID(), b.ID()}})
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	if groupsOf(a.ID()) != 1 || groupsOf(b.ID()) != 1 {
		t.Fatal("new group not mapped")
	}
	g.Set("members", []string{a.ID()})
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	if groupsOf(b.ID()) != 0 {
		t.Fatal("a member removed from a group is still mapped")
	}
	// Deleting a membership updates the group's JSON list through PocketBase's cascade.
	g.Set("members", []string{a.ID(), b.ID()})
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(b.Membership); err != nil {
		t.Fatal(err)
	}
	if groupsOf(b.ID()) != 0 {
		t.Fatal("a deleted member is still mapped to the group")
	}
	if err := app.Delete(g); err != nil {
		t.Fatal(err)
	}
	if groupsOf(a.ID()) != 0 {
		t.Fatal("a deleted group is still mapped")
	}
}
