package doctor_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/demo"
	"roster/internal/doctor"
	"roster/internal/members"
	"roster/internal/orgs"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// healthy returns an app holding a demo organisation (every role, type, status,
// invitations, content) and a second, plain one.
func healthy(t *testing.T) core.App {
	t.Helper()
	app := testapp.New(t)
	if _, err := demo.Run(app, demo.Options{Org: "carto", Members: 60, Seed: 7, Password: "demo password 42"}); err != nil {
		t.Fatal(err)
	}
	testapp.CreateOrg(t, app, "Acme", "")
	return app
}

func run(t *testing.T, app core.App) (doctor.Report, string) {
	t.Helper()
	rep, err := doctor.Run(app)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Write(&b)
	return rep, b.String()
}

func TestHealthyInstancePasses(t *testing.T) {
	app := healthy(t)
	rep, out := run(t, app)
	if !rep.OK() {
		t.Fatalf("a healthy instance fails:\n%s", out)
	}
	if len(rep.Checks) != 14 || strings.Count(out, "OK ") != 14 {
		t.Errorf("want 14 OK lines:\n%s", out)
	}
	t.Log("\n" + out)
}

// Each corruption is made by raw SQL, as a bug or a hand edit would, and must be named.
func TestEveryCorruptionIsReported(t *testing.T) {
	cases := []struct {
		name, sql, check, want string
	}{
		{"a ledger row deleted", `DELETE FROM seatLedger WHERE rowid = (SELECT max(rowid) FROM seatLedger WHERE org = (SELECT id FROM organizations WHERE slug = 'carto'))`,
			"billed seats", "org carto: "},
		{"the subscription cache edited", `UPDATE subscriptions SET monthlyAmount = monthlyAmount + 100 WHERE org = (SELECT id FROM organizations WHERE slug = 'carto')`,
			"billed seats", "monthly amount: cached"},
		{"a memberIndex row deleted", `DELETE FROM memberIndex WHERE membership = (SELECT min(membership) FROM memberIndex)`,
			"memberIndex", "without a memberIndex row"},
		{"a membersSearch row duplicated", `INSERT INTO membersSearch (membership, org, shown, hidden) SELECT membership, org, shown, hidden FROM membersSearch WHERE rowid = (SELECT min(rowid) FROM membersSearch)`,
			"membersSearch", "several membersSearch rows"},
		{"a stale memberIndex row", `INSERT INTO memberIndex SELECT 'gone0000000000', org, user, sortName, givenName, username, email, role, roleRank, userType, typeRank, status, added, lastLogin, credits, partnerAccess FROM memberIndex LIMIT 1`,
			"memberIndex", "memberIndex row(s) for no membership"},
		{"a membersSearch row deleted", `DELETE FROM membersSearch WHERE rowid = (SELECT min(rowid) FROM membersSearch)`,
			"membersSearch", "without a membersSearch row"},
		{"a member counter edited", `UPDATE memberCounts SET n = n + 2 WHERE role = 'owner' AND org = (SELECT id FROM organizations WHERE slug = 'carto')`,
			"member counters", "org carto, owner "},
		{"a member counter deleted", `DELETE FROM memberCounts WHERE role = 'owner' AND org = (SELECT id FROM organizations WHERE slug = 'carto')`,
			"member counters", "counter 0, memberIndex 1"},
		{"a member counter for nobody", `INSERT INTO memberCounts (org, role, userType, status, partnerAccess, signedIn, n) SELECT id, 'admin', 'viewer', 'disabled', 1, 0, 3 FROM organizations WHERE slug = 'carto'`,
			"member counters", "org carto, admin viewer disabled, partner access 1, signed in 0: counter 3, memberIndex 0"},
		{"an audit row edited", `UPDATE auditLog SET actorLabel = 'someone else' WHERE rowid = (SELECT min(rowid) FROM auditLog)`,
			"audit hash chains", "chain broken at row 1"},
		{"an audit row deleted", `DELETE FROM auditLog WHERE rowid = (SELECT min(rowid) FROM auditLog)`,
			"audit hash chains", "chain broken"},
		{"an invitation accepted by nobody", `UPDATE invitations SET status = 'accepted', acceptedBy = 'ghost000000000' WHERE rowid = (SELECT min(rowid) FROM invitations WHERE status = 'pending')`,
			"accepted invitations", "ghost000000000"},
		{"a second owner (role index dropped)", `UPDATE memberships SET role = 'owner' WHERE id = (SELECT min(id) FROM memberships WHERE role = 'member' AND org = (SELECT id FROM organizations WHERE slug = 'carto'))`,
			"one active owner", "org carto has 2 owners"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := healthy(t)
			if strings.Contains(tc.name, "second owner") {
				dropOwnerIndexes(t, app)
			}
			res, err := app.DB().NewQuery(tc.sql).Execute()
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				t.Fatalf("the corruption changed nothing")
			}
			rep, out := run(t, app)
			if rep.OK() {
				t.Fatalf("not detected:\n%s", out)
			}
			found := false
			for _, c := range rep.Checks {
				if strings.Contains(c.Name, tc.check) && !c.OK() && strings.Contains(strings.Join(c.Problems, "\n"), tc.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want check %q to report %q:\n%s", tc.check, tc.want, out)
			}
		})
	}
}

// dropOwnerIndexes removes any unique index that keeps a second owner out.
func dropOwnerIndexes(t *testing.T, app core.App) {
	t.Helper()
	var names []string
	if err := app.DB().NewQuery(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memberships' AND sql LIKE '%UNIQUE%' AND sql LIKE '%owner%'`).Column(&names); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, err := app.DB().NewQuery(`DROP INDEX "` + n + `"`).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOrphanFilesAreReported(t *testing.T) {
	app := healthy(t)
	dir := app.DataDir() + "/storage/_pb_users_auth_/nosuchrecord12"
	if err := mkfile(dir); err != nil {
		t.Fatal(err)
	}
	rep, out := run(t, app)
	if rep.OK() || !strings.Contains(out, "nosuchrecord12: files of a deleted users record") {
		t.Fatalf("orphan not reported:\n%s", out)
	}
}

// An accepted invitation whose member was later removed (the audit log records it) is
// healthy; the same invitation pointing to a membership nobody removed is not.
func TestAcceptedInvitationOfARemovedMember(t *testing.T) {
	app := testapp.New(t)
	o := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, o, access.RoleMember, access.Creator)
	col, err := app.FindCollectionByNameOrId("invitations")
	if err != nil {
		t.Fatal(err)
	}
	inv := core.NewRecord(col)
	inv.Load(map[string]any{"org": o.ID, "email": m.Email, "role": "member", "userType": "creator",
		"tokenHash": strings.Repeat("ab", 32), "expires": time.Now().Add(time.Hour), "status": "accepted",
		"acceptedBy": m.ID(), "acceptedAt": time.Now()})
	if err := app.Save(inv); err != nil {
		t.Fatal(err)
	}
	if rep, out := run(t, app); !rep.OK() {
		t.Fatalf("before the removal:\n%s", out)
	}
	ownerSession, err := members.SessionOf(app, o.Owner.User)
	if err != nil {
		t.Fatal(err)
	}
	owner := ownerSession.Actor
	if _, err := members.Remove(app, owner, m.ID(), members.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep, out := run(t, app); !rep.OK() {
		t.Fatalf("after a recorded removal:\n%s", out)
	}
	if _, err := app.DB().NewQuery("UPDATE invitations SET acceptedBy = 'nobody00000000' WHERE id = {:id}").Bind(dbx.Params{"id": inv.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if rep, out := run(t, app); rep.OK() || !strings.Contains(out, "nobody00000000, which neither exists nor was removed") {
		t.Fatalf("a dangling acceptedBy passes:\n%s", out)
	}
}

// memberChecks are the checks of members.go, by name.
var memberChecks = []string{
	"every role is allowed by its user type",
	"no partner access on disabled members",
	"billed seats ≤ plan seats",
	"every account has a membership",
}

// Each corruption of a member invariant, made by raw SQL (or an account saved without
// Roster's services), is named by its own check; the other member checks stay OK.
func TestMemberInvariantsAreReported(t *testing.T) {
	cases := []struct {
		name, check string
		corrupt     func(t *testing.T, app core.App) (want string)
	}{
		{"an admin viewer", memberChecks[0], func(t *testing.T, app core.App) string {
			id := cartoMember(t, app)
			exec(t, app, `UPDATE memberships SET role = 'admin', userType = 'viewer' WHERE id = {:id}`, id)
			return "org carto: membership " + id + " has role admin, which user type viewer does not allow"
		}},
		{"a disabled member with partner access", memberChecks[1], func(t *testing.T, app core.App) string {
			id := cartoMember(t, app)
			exec(t, app, `UPDATE memberships SET status = 'disabled', partnerAccess = 1 WHERE id = {:id}`, id)
			return "org carto: membership " + id + " is disabled but keeps partner access"
		}},
		{"a plan shrunk below its billed seats", memberChecks[2], func(t *testing.T, app core.App) string {
			exec(t, app, `UPDATE plans SET maxSeats = 1 WHERE id = (SELECT plan FROM subscriptions WHERE org = {:id})`, orgID(t, app, "carto"))
			var n int
			if err := app.DB().NewQuery(`SELECT count(*) FROM memberships WHERE org = {:id}`).Bind(dbx.Params{"id": orgID(t, app, "carto")}).Row(&n); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("org carto: %d billed seats, plan maxSeats 1", n)
		}},
		{"an account without a membership", memberChecks[3], func(t *testing.T, app core.App) string {
			u, err := orgs.NewUser(app, orgs.Owner{Email: "stray@example.com", Password: testapp.Password, GivenName: "Stray", FamilyName: "Account"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			return "user " + u.Id + " (stray@example.com) has no membership"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := healthy(t)
			want := tc.corrupt(t, app)
			rep, out := run(t, app)
			byName := map[string]doctor.Check{}
			for _, c := range rep.Checks {
				byName[c.Name] = c
			}
			for _, name := range memberChecks {
				c, ok := byName[name]
				switch {
				case !ok:
					t.Fatalf("no check %q:\n%s", name, out)
				case name == tc.check && (c.OK() || strings.Join(c.Problems, "\n") != want):
					t.Fatalf("want check %q to report exactly %q:\n%s", name, want, out)
				case name != tc.check && !c.OK():
					t.Fatalf("check %q fails too:\n%s", name, out)
				}
			}
		})
	}
}

// cartoMember is an active member (role member, not the owner) of the demo organisation.
func cartoMember(t *testing.T, app core.App) string {
	t.Helper()
	var id string
	err := app.DB().NewQuery(`SELECT min(id) FROM memberships WHERE role = 'member' AND status = 'active' AND partnerAccess = 0 AND org = {:id}`).
		Bind(dbx.Params{"id": orgID(t, app, "carto")}).Row(&id)
	if err != nil || id == "" {
		t.Fatalf("no member in carto: %v", err)
	}
	return id
}

func orgID(t *testing.T, app core.App, slug string) string {
	t.Helper()
	var id string
	if err := app.DB().NewQuery(`SELECT id FROM organizations WHERE slug = {:slug}`).Bind(dbx.Params{"slug": slug}).Row(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// exec runs one corrupting statement and insists it changed a row.
func exec(t *testing.T, app core.App, sql, id string) {
	t.Helper()
	res, err := app.DB().NewQuery(sql).Bind(dbx.Params{"id": id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("the corruption changed nothing: %s", sql)
	}
}
