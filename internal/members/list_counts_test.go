package members_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/demo"
	"roster/internal/members"
	"roster/internal/paging"
	"roster/internal/testapp"
)

// fact is a membership as the source tables (memberships, users) hold it.
type fact struct {
	Org       string `db:"org"`
	Role      string `db:"role"`
	UserType  string `db:"userType"`
	Status    string `db:"status"`
	Partner   bool   `db:"partnerAccess"`
	LastLogin string `db:"lastLogin"`
}

// The filter combinations the counters hold: none, one or two values of each list,
// and either or no value of each boolean (5 × 6 × 4 × 3 × 3 = 1080 per organisation).
var (
	roleSets   = [][]access.Role{nil, {access.RoleOwner}, {access.RoleAdmin}, {access.RoleMember}, {access.RoleAdmin, access.RoleMember}}
	typeSets   = [][]access.UserType{nil, {access.Viewer}, {access.Contributor}, {access.Creator}, {access.Professional}, {access.Creator, access.Professional}}
	statusSets = [][]access.Status{nil, {access.Active}, {access.Disabled}, {access.Active, access.Disabled}}
	bools      = []*bool{nil, ptr(true), ptr(false)}
)

func ptr[T any](v T) *T { return &v }

// checkCounts compares, for every organisation and every filter combination the
// counters hold, the list's total with a count of the source tables. It returns the
// number of totals compared.
func checkCounts(t *testing.T, app core.App, step string) int {
	t.Helper()
	var all []fact
	if err := app.DB().NewQuery(`SELECT ms.org AS org, ms.role AS role, ms.userType AS userType, ms.status AS status,
		ms.partnerAccess AS partnerAccess, u.lastLogin AS lastLogin FROM memberships ms JOIN users u ON u.id = ms.user`).All(&all); err != nil {
		t.Fatal(err)
	}
	var orgs []string
	if err := app.DB().NewQuery("SELECT id FROM organizations").Column(&orgs); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, org := range orgs {
		for _, roles := range roleSets {
			for _, types := range typeSets {
				for _, statuses := range statusSets {
					for _, partner := range bools {
						for _, never := range bools {
							f := members.Filter{Roles: roles, UserTypes: types, Statuses: statuses, PartnerAccess: partner, NeverSignedIn: never}
							got, counted, err := members.Total(app, org, f)
							if err != nil {
								t.Fatal(err)
							}
							if !counted {
								t.Fatalf("%s: the counters do not hold %+v", step, f)
							}
							if want := countFacts(all, org, f); got != want {
								t.Fatalf("%s: org %s, roles %v, types %v, statuses %v, partner %s, never signed in %s: counters say %d, the members are %d",
									step, org, roles, types, statuses, show(partner), show(never), got, want)
							}
							compared++
						}
					}
				}
			}
		}
	}
	return compared
}

func show(b *bool) string {
	if b == nil {
		return "any"
	}
	return fmt.Sprint(*b)
}

func countFacts(all []fact, org string, f members.Filter) int {
	n := 0
	for _, m := range all {
		if m.Org == org && in(f.Roles, access.Role(m.Role)) && in(f.UserTypes, access.UserType(m.UserType)) &&
			in(f.Statuses, access.Status(m.Status)) && (f.PartnerAccess == nil || *f.PartnerAccess == m.Partner) &&
			(f.NeverSignedIn == nil || *f.NeverSignedIn == (m.LastLogin == "")) {
			n++
		}
	}
	return n
}

func in[T comparable](set []T, v T) bool {
	if len(set) == 0 {
		return true
	}
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// checkCounters compares the counters table itself with a count of the source tables
// grouped by the counters' key: the cheap check, run after every single write.
func checkCounters(t *testing.T, app core.App, step string) {
	t.Helper()
	type key struct {
		Org      string `db:"org"`
		Role     string `db:"role"`
		UserType string `db:"userType"`
		Status   string `db:"status"`
		Partner  bool   `db:"partnerAccess"`
		SignedIn bool   `db:"signedIn"`
		N        int    `db:"n"`
	}
	read := func(sql string) map[key]int {
		var rows []key
		if err := app.DB().NewQuery(sql).All(&rows); err != nil {
			t.Fatal(err)
		}
		out := map[key]int{}
		for _, r := range rows {
			n := r.N
			r.N = 0
			out[r] = n
		}
		return out
	}
	counters := read("SELECT org, role, userType, status, partnerAccess, signedIn, n FROM memberCounts")
	members := read(`SELECT ms.org AS org, ms.role AS role, ms.userType AS userType, ms.status AS status,
		ms.partnerAccess AS partnerAccess, u.lastLogin != '' AS signedIn, count(*) AS n
		FROM memberships ms JOIN users u ON u.id = ms.user GROUP BY 1, 2, 3, 4, 5, 6`)
	if fmt.Sprint(counters) != fmt.Sprint(members) {
		t.Fatalf("%s: counters %v, members %v", step, counters, members)
	}
}

func exec(t *testing.T, app core.App, sql string, params dbx.Params) int64 {
	t.Helper()
	res, err := app.DB().NewQuery(sql).Bind(params).Execute()
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// The member counters equal a count of the members for every filter combination they
// hold, after every kind of write: records saved through the app, set-based SQL
// updates of memberships (as bulk actions run them), sign-ins (a first lastLogin),
// moves between organisations, deletions, and a long run of random single-row writes.
func TestMemberCountersFollowEveryWrite(t *testing.T) {
	app := testapp.New(t)
	res, err := demo.Run(app, demo.Options{Org: "carto", Members: 40, Seed: 7, Password: "demo password 42"})
	if err != nil {
		t.Fatal(err)
	}
	carto := res.Org.Id
	other := testapp.CreateOrg(t, app, "Acme", "")
	a := testapp.AddMember(t, app, other, access.RoleAdmin, access.Creator)
	b := testapp.AddMember(t, app, other, access.RoleMember, access.Viewer)
	compared := checkCounts(t, app, "after the inserts")

	// Through the app: status, user type and role changes, partner access.
	testapp.SetStatus(t, app, b, access.Disabled)
	a.Membership.Set("userType", string(access.Professional))
	a.Membership.Set("partnerAccess", true)
	if err := app.Save(a.Membership); err != nil {
		t.Fatal(err)
	}
	b.Membership.Set("role", string(access.RoleAdmin))
	b.Membership.Set("userType", string(access.Creator))
	if err := app.Save(b.Membership); err != nil {
		t.Fatal(err)
	}
	compared += checkCounts(t, app, "after saves")

	// Set-based SQL, as the bulk actions run it.
	carto1 := dbx.Params{"org": carto}
	for _, step := range []struct{ name, sql string }{
		{"disable every viewer", "UPDATE memberships SET status = 'disabled' WHERE org = {:org} AND userType = 'viewer'"},
		{"enable everyone", "UPDATE memberships SET status = 'active' WHERE org = {:org}"},
		{"five members become creators", "UPDATE memberships SET userType = 'creator' WHERE id IN (SELECT id FROM memberships WHERE org = {:org} AND role = 'member' ORDER BY id LIMIT 5)"},
		{"partner access flipped", "UPDATE memberships SET partnerAccess = NOT partnerAccess WHERE org = {:org} AND role != 'owner'"},
		{"admins demoted", "UPDATE memberships SET role = 'member', userType = 'contributor' WHERE org = {:org} AND role = 'admin'"},
		{"half disabled", "UPDATE memberships SET status = 'disabled' WHERE org = {:org} AND role = 'member' AND id IN (SELECT id FROM memberships WHERE org = {:org} ORDER BY id LIMIT 20)"},
	} {
		if exec(t, app, step.sql, carto1) == 0 {
			t.Fatalf("%s changed nothing", step.name)
		}
		checkCounters(t, app, step.name)
	}
	compared += checkCounts(t, app, "after set-based updates")

	// Sign-ins: a first sign-in, and a sign-in time cleared.
	exec(t, app, "UPDATE users SET lastLogin = '2026-11-01 10:00:00.000Z' WHERE id IN (SELECT user FROM memberships WHERE org = {:org} ORDER BY id LIMIT 10)", carto1)
	exec(t, app, "UPDATE users SET lastLogin = '' WHERE id IN (SELECT user FROM memberships WHERE org = {:org} ORDER BY id DESC LIMIT 7)", carto1)
	compared += checkCounts(t, app, "after sign-ins")

	// A membership moved to another organisation, and deletions (app and raw SQL).
	exec(t, app, "UPDATE memberships SET org = {:to} WHERE id = {:id}", dbx.Params{"to": carto, "id": a.ID()})
	if err := app.Delete(b.Membership); err != nil {
		t.Fatal(err)
	}
	exec(t, app, "DELETE FROM memberships WHERE id = (SELECT max(id) FROM memberships WHERE org = {:org} AND role = 'member')", carto1)
	compared += checkCounts(t, app, "after a move and deletions")

	// Random single-row writes of every counted column, each checked.
	var ids []string
	if err := app.DB().NewQuery("SELECT id FROM memberships WHERE role != 'owner' ORDER BY id").Column(&ids); err != nil {
		t.Fatal(err)
	}
	orgs := []string{carto, other.ID}
	r := rand.New(rand.NewPCG(9, 9))
	writes := 0
	for range 200 {
		id := ids[r.IntN(len(ids))]
		p := dbx.Params{"id": id}
		switch r.IntN(6) {
		case 0:
			p["v"] = []string{"active", "disabled"}[r.IntN(2)]
			exec(t, app, "UPDATE memberships SET status = {:v} WHERE id = {:id}", p)
		case 1:
			p["v"] = string(access.UserTypes[r.IntN(len(access.UserTypes))])
			exec(t, app, "UPDATE memberships SET userType = {:v} WHERE id = {:id}", p)
		case 2:
			p["v"] = []string{"member", "admin"}[r.IntN(2)]
			exec(t, app, "UPDATE memberships SET role = {:v} WHERE id = {:id}", p)
		case 3:
			exec(t, app, "UPDATE memberships SET partnerAccess = NOT partnerAccess WHERE id = {:id}", p)
		case 4:
			p["v"] = []string{"", "2026-10-0" + fmt.Sprint(1+r.IntN(9)) + " 08:00:00.000Z"}[r.IntN(2)]
			exec(t, app, "UPDATE users SET lastLogin = {:v} WHERE id = (SELECT user FROM memberships WHERE id = {:id})", p)
		case 5:
			p["v"] = orgs[r.IntN(2)]
			exec(t, app, "UPDATE memberships SET org = {:v} WHERE id = {:id}", p)
		}
		writes++
		checkCounters(t, app, fmt.Sprintf("random write %d", writes))
	}
	compared += checkCounts(t, app, fmt.Sprintf("after %d random writes", writes))
	t.Logf("%d totals compared with a count of the members, %d random writes", compared, writes)
}

// The total is what is listed: reading every page of a filter gives as many members
// as its total says, on the members page and in the directory (active members only).
func TestListTotalIsWhatIsListed(t *testing.T) {
	app := testapp.New(t)
	res, err := demo.Run(app, demo.Options{Org: "carto", Members: 40, Seed: 3, Password: "demo password 42"})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, app, "UPDATE memberships SET status = 'disabled' WHERE id IN (SELECT id FROM memberships WHERE org = {:org} AND role = 'member' ORDER BY id LIMIT 6)", dbx.Params{"org": res.Org.Id})
	owner, err := app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'owner'", dbx.Params{"org": res.Org.Id})
	if err != nil {
		t.Fatal(err)
	}
	ownerUser, err := app.FindRecordById("users", owner.GetString("user"))
	if err != nil {
		t.Fatal(err)
	}
	member, err := app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'member' && status = 'active'", dbx.Params{"org": res.Org.Id})
	if err != nil {
		t.Fatal(err)
	}
	memberUser, err := app.FindRecordById("users", member.GetString("user"))
	if err != nil {
		t.Fatal(err)
	}
	var all, active int
	if err := app.DB().NewQuery("SELECT count(*), count(*) FILTER (WHERE status = 'active') FROM memberships WHERE org = {:org}").
		Bind(dbx.Params{"org": res.Org.Id}).Row(&all, &active); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		name string
		user *core.Record
	}{{"owner", ownerUser}, {"member (directory)", memberUser}} {
		session, err := members.SessionOf(app, who.user)
		if err != nil {
			t.Fatal(err)
		}
		actor := session.Actor
		for _, query := range []string{"", "status=disabled", "role=admin", "userType=creator&status=active", "neverSignedIn=true",
			"partnerAccess=true", "role=member,admin&sort=-lastLogin", "search=carto", "search=carto&status=disabled",
			"search=a", "search=a+carto&sort=-added", "search=zzzz", "lastLoginAfter=2020-01-01&sort=lastLogin"} {
			f := filterOf(t, query+"&perPage=7")
			page := func() (total, items int) {
				out, err := members.List(app, actor, f)
				if err != nil {
					t.Fatal(err)
				}
				switch p := out.(type) {
				case paging.Page[members.Member]:
					return p.TotalItems, len(p.Items)
				case paging.Page[members.Entry]:
					return p.TotalItems, len(p.Items)
				}
				t.Fatalf("a page of %T", out)
				return 0, 0
			}
			total, listed := -1, 0
			for f.Page = 1; ; f.Page++ {
				n, items := page()
				if total != -1 && n != total {
					t.Fatalf("%s %q: the total changed from %d to %d", who.name, query, total, n)
				}
				total = n
				listed += items
				if items < 7 {
					break
				}
			}
			if listed != total {
				t.Errorf("%s %q: the total is %d, the pages list %d", who.name, query, total, listed)
			}
			f.Page += 2 // past the end
			if n, items := page(); n != total || items != 0 {
				t.Errorf("%s %q past the end: total %d, %d items (want %d, none)", who.name, query, n, items, total)
			}
			if who.user == memberUser && query == "" && total != active {
				t.Errorf("the directory's total is %d, the active members %d", total, active)
			}
			// Every demo address is at carto.example: the full list's search finds everyone,
			// the directory's nobody (it never matches a hidden address).
			if query == "search=carto" && (who.user == ownerUser && total != all || who.user == memberUser && total != 0) {
				t.Errorf("%s: %q finds %d (%d members, %d active)", who.name, query, total, all, active)
			}
		}
	}
}
