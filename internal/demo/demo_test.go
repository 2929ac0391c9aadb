package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/orgs"
	_ "roster/pb_migrations"
)

// template is a data dir migrated once; every test app is a copy of it.
var template string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "roster-demo-template-")
	if err != nil {
		panic(err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		panic(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		panic(err)
	}
	if err := app.ResetBootstrapState(); err != nil {
		panic(err)
	}
	template = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func newApp(tb testing.TB) *tests.TestApp {
	tb.Helper()
	app, err := tests.NewTestApp(template)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(app.Cleanup)
	return app
}

func mustRun(tb testing.TB, app core.App, o Options) Result {
	tb.Helper()
	res, err := Run(app, o)
	if err != nil {
		tb.Fatalf("Run(%+v): %v", o, err)
	}
	return res
}

// counts runs a "SELECT key, count" query into a map.
func counts(t *testing.T, app core.App, sql string, params dbx.Params) map[string]int {
	t.Helper()
	var rows []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := app.DB().NewQuery(sql).Bind(params).All(&rows); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out
}

func scalar(t *testing.T, app core.App, sql string, params dbx.Params) int {
	t.Helper()
	var n []int
	if err := app.DB().NewQuery(sql).Bind(params).Column(&n); err != nil || len(n) != 1 {
		t.Fatalf("%s: %v (%d rows)", sql, err, len(n))
	}
	return n[0]
}

func within(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s: %d, want %d to %d", what, got, lo, hi)
	}
}

func TestRunBuildsAConsistentOrganisation(t *testing.T) {
	app := newApp(t)
	const n = 2000
	res := mustRun(t, app, Options{Org: "acme-geo", Members: n, Seed: 7})
	org := dbx.Params{"org": res.Org.Id}

	t.Run("the organisation is created, French, on the business plan", func(t *testing.T) {
		if !res.Created || res.Added != n || res.Org.GetString("name") != "Acme Geo" || res.Org.GetString("defaultLanguage") != "fr" {
			t.Fatalf("result: created %v, added %d, org %q (%s)", res.Created, res.Added, res.Org.GetString("name"), res.Org.GetString("defaultLanguage"))
		}
		if !strings.HasPrefix(res.Password, "demo-") || len(res.Password) < 8 {
			t.Errorf("generated password %q", res.Password)
		}
		plan := scalar(t, app, "SELECT count(*) FROM subscriptions s JOIN plans p ON p.id = s.plan WHERE s.org = {:org} AND p.code = 'business'", org)
		if plan != 1 {
			t.Errorf("subscription not on the business plan")
		}
		if !res.Org.GetBool("creditBudgeting") || res.Org.GetInt("creditsPool") <= 0 {
			t.Errorf("credit budgeting %v, pool %d", res.Org.GetBool("creditBudgeting"), res.Org.GetInt("creditsPool"))
		}
		// The members take from the pool (allocations, and what those without a limit
		// used) no more than it holds.
		if p, err := billing.PoolOf(app, res.Org); err != nil || p.Allocated > p.Size || p.Allocated == 0 {
			t.Errorf("pool %v, taken %v (%v)", p.Size, p.Allocated, err)
		}
	})

	t.Run("every role, user type and status, in realistic proportions", func(t *testing.T) {
		roles := counts(t, app, "SELECT role AS k, count(*) AS n FROM memberships WHERE org = {:org} GROUP BY role", org)
		if roles["owner"] != 1 {
			t.Errorf("owners: %d", roles["owner"])
		}
		within(t, "admins", roles["admin"], 15, 70)
		within(t, "members", roles["member"], n-70, n-15)
		types := counts(t, app, "SELECT userType AS k, count(*) AS n FROM memberships WHERE org = {:org} GROUP BY userType", org)
		within(t, "viewers", types["viewer"], 300, 500)
		within(t, "contributors", types["contributor"], 400, 600)
		within(t, "creators", types["creator"], 700, 950)
		within(t, "professionals", types["professional"], 220, 400)
		status := counts(t, app, "SELECT status AS k, count(*) AS n FROM memberships WHERE org = {:org} GROUP BY status", org)
		within(t, "disabled", status["disabled"], 30, 100)
		within(t, "partner access", scalar(t, app, "SELECT count(*) FROM memberships WHERE org = {:org} AND partnerAccess = 1", org), 50, 160)
		within(t, "limited credits", scalar(t, app, "SELECT count(*) FROM memberships WHERE org = {:org} AND creditsLimited = 1", org), 550, 850)
		within(t, "credits used", scalar(t, app, "SELECT count(*) FROM memberships WHERE org = {:org} AND creditsUsed > 0", org), 400, 1500)
		if over := scalar(t, app, "SELECT count(*) FROM memberships WHERE creditsLimited = 1 AND creditsUsed > creditsAllocated", nil); over != 0 {
			t.Errorf("%d members used more credits than allocated", over)
		}

		var pairs []struct {
			Role     string `db:"role"`
			UserType string `db:"userType"`
		}
		if err := app.DB().NewQuery("SELECT DISTINCT role, userType FROM memberships").All(&pairs); err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			if !access.UserType(p.UserType).Allows(access.Role(p.Role)) {
				t.Errorf("a %s has type %s, which does not allow the role", p.Role, p.UserType)
			}
		}
	})

	t.Run("joined over two years, signed in over the last one", func(t *testing.T) {
		now := time.Now().UTC()
		p := dbx.Params{"org": res.Org.Id, "twoYears": date(now.Add(-2*year - day)), "oneYear": date(now.Add(-year - day)), "now": date(now.Add(time.Minute))}
		never := scalar(t, app, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user WHERE m.org = {:org} AND m.role != 'owner' AND u.lastLogin = ''", p)
		within(t, "never signed in", never, 100, 230)
		for what, sql := range map[string]string{
			"joined more than two years ago":      "m.added < {:twoYears}",
			"joined in the future":                "m.added > {:now}",
			"last signed in more than a year ago": "u.lastLogin != '' AND u.lastLogin < {:oneYear}",
			"signed in before joining":            "u.lastLogin != '' AND u.lastLogin < m.added",
			"disabled without ever signing in":    "m.status = 'disabled' AND u.lastLogin = ''",
			"disabled with partner access":        "m.status = 'disabled' AND m.partnerAccess = 1",
		} {
			if bad := scalar(t, app, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user WHERE m.org = {:org} AND m.role != 'owner' AND "+sql, p); bad != 0 {
				t.Errorf("%d members %s", bad, what)
			}
		}
		recent := scalar(t, app, "SELECT count(*) FROM users WHERE lastLogin > {:month}", dbx.Params{"month": date(now.Add(-30 * day))})
		within(t, "signed in during the last 30 days", recent, 600, 1400)
	})

	t.Run("usernames and addresses are valid and unique", func(t *testing.T) {
		var users []struct {
			Username string `db:"username"`
			Email    string `db:"email"`
			Given    string `db:"givenName"`
			Password string `db:"password"`
			TokenKey string `db:"tokenKey"`
		}
		if err := app.DB().NewQuery("SELECT username, email, givenName, password, tokenKey FROM users").All(&users); err != nil {
			t.Fatal(err)
		}
		if len(users) != n+1 {
			t.Fatalf("users: %d", len(users))
		}
		username := regexp.MustCompile(`^[a-z0-9._-]{3,32}$`)
		address := regexp.MustCompile(`^[a-z0-9._-]+@acme-geo\.example$`)
		tokenKey := regexp.MustCompile(`^[a-zA-Z0-9]{50}$`)
		seen, keys, accented := map[string]bool{}, map[string]bool{}, 0
		for _, u := range users {
			if !username.MatchString(u.Username) || !address.MatchString(u.Email) || !tokenKey.MatchString(u.TokenKey) {
				t.Errorf("bad account: %q %q %q", u.Username, u.Email, u.TokenKey)
			}
			if seen[u.Username] || seen[u.Email] || keys[u.TokenKey] {
				t.Errorf("duplicate: %q %q", u.Username, u.Email)
			}
			seen[u.Username], seen[u.Email], keys[u.TokenKey] = true, true, true
			if strings.ContainsAny(u.Given, "éèëêçïîôöüàâ") {
				accented++
			}
		}
		within(t, "accented given names", accented, 400, 1200)
	})

	t.Run("the seat ledger and the subscription agree", func(t *testing.T) {
		ledger := counts(t, app, "SELECT userType AS k, CAST(SUM(delta) AS INTEGER) AS n FROM seatLedger WHERE org = {:org} GROUP BY userType", org)
		members := counts(t, app, "SELECT userType AS k, count(*) AS n FROM memberships WHERE org = {:org} GROUP BY userType", org)
		_, sub, err := billing.PlanPrices(app, res.Org.Id)
		if err != nil {
			t.Fatal(err)
		}
		var seats map[string]int
		if err := json.Unmarshal([]byte(sub.GetString("seats")), &seats); err != nil {
			t.Fatal(err)
		}
		for _, ut := range access.UserTypes {
			k := string(ut)
			if ledger[k] != members[k] || seats[k] != members[k] {
				t.Errorf("%s: ledger %d, cached %d, memberships %d", k, ledger[k], seats[k], members[k])
			}
		}
		sum := scalar(t, app, "SELECT CAST(SUM(monthlyDelta) AS INTEGER) FROM seatLedger WHERE org = {:org}", org)
		if sum != sub.GetInt("monthlyAmount") || sum == 0 {
			t.Errorf("ledger sums to %d, subscription caches %d", sum, sub.GetInt("monthlyAmount"))
		}
		if rows := scalar(t, app, "SELECT count(*) FROM seatLedger WHERE org = {:org} AND reason = 'joined' AND delta = 1", org); rows != n+1 {
			t.Errorf("joined rows: %d", rows)
		}
		if bad := scalar(t, app, "SELECT count(*) FROM seatLedger l JOIN memberships m ON m.id = l.membership WHERE l.at != m.added AND m.role != 'owner'", nil); bad != 0 {
			t.Errorf("%d ledger rows not dated when the member joined", bad)
		}
	})

	t.Run("every member is indexed for search, accent-blind", func(t *testing.T) {
		if fts, ms := scalar(t, app, "SELECT count(*) FROM membersSearch", nil), scalar(t, app, "SELECT count(*) FROM memberships", nil); fts != ms {
			t.Errorf("membersSearch %d rows, memberships %d", fts, ms)
		}
		var names []string
		if err := app.DB().NewQuery("SELECT givenName || ' ' || familyName || ' ' || username || ' ' || email FROM users").Column(&names); err != nil {
			t.Fatal(err)
		}
		want, accented := 0, 0
		for _, s := range names {
			if strings.Contains(fold(s), "helene") {
				want++
			}
			if strings.Contains(s, "Hélène") {
				accented++
			}
		}
		if accented == 0 {
			t.Fatal("no Hélène among 2000 members")
		}
		for _, q := range []string{"helene", "Hélène", "HÉLÈNE"} {
			got := scalar(t, app, `SELECT count(*) FROM membersSearch WHERE membersSearch MATCH {:q}`, dbx.Params{"q": `"` + q + `"`})
			if got != want {
				t.Errorf("search %q: %d members, want %d", q, got, want)
			}
		}
	})

	t.Run("groups have creator owners and shared-update members who can edit", func(t *testing.T) {
		var gs []struct {
			Owner        string `db:"ownerType"`
			Members      string `db:"members"`
			SharedUpdate bool   `db:"sharedUpdate"`
		}
		if err := app.DB().NewQuery("SELECT m.userType AS ownerType, g.members, g.sharedUpdate FROM groups g JOIN memberships m ON m.id = g.owner WHERE g.org = {:org}").
			Bind(org).All(&gs); err != nil {
			t.Fatal(err)
		}
		if len(gs) != n/50 {
			t.Fatalf("groups: %d, want %d", len(gs), n/50)
		}
		types := counts(t, app, "SELECT id AS k, CASE userType WHEN 'viewer' THEN 0 WHEN 'contributor' THEN 1 WHEN 'creator' THEN 2 ELSE 3 END AS n FROM memberships", nil)
		shared := 0
		for _, g := range gs {
			if !access.UserType(g.Owner).CanOwn() {
				t.Errorf("group owned by a %s", g.Owner)
			}
			var ids []string
			if err := json.Unmarshal([]byte(g.Members), &ids); err != nil {
				t.Fatal(err)
			}
			within(t, "group size", len(ids), 2, 30)
			if g.SharedUpdate {
				shared++
				for _, id := range ids {
					if ut, ok := types[id]; !ok || !access.UserTypes[ut].CanEditShared() {
						t.Errorf("shared-update group member %s (type %d) cannot edit shared content", id, ut)
					}
				}
			}
		}
		if shared == 0 {
			t.Error("no shared-update group")
		}
	})

	t.Run("items belong to creators and are shared with their owners' groups", func(t *testing.T) {
		items := counts(t, app, "SELECT m.userType AS k, count(*) AS n FROM items i JOIN memberships m ON m.id = i.owner WHERE i.org = {:org} GROUP BY m.userType", org)
		if items["viewer"]+items["contributor"] != 0 || items["creator"]+items["professional"] != n/2 {
			t.Errorf("items per owner type: %v", items)
		}
		sharing := counts(t, app, "SELECT sharing AS k, count(*) AS n FROM items WHERE org = {:org} GROUP BY sharing", org)
		for _, s := range []string{"private", "org", "groups"} {
			if sharing[s] == 0 {
				t.Errorf("no item shared %s: %v", s, sharing)
			}
		}
		bad := scalar(t, app, `SELECT count(*) FROM items i, json_each(i.groups) j JOIN groups g ON g.id = j.value
			WHERE NOT EXISTS (SELECT 1 FROM json_each(g.members) gm WHERE gm.value = i.owner)`, nil)
		unshared := scalar(t, app, "SELECT count(*) FROM items WHERE sharing = 'groups' AND json_array_length(groups) = 0", nil)
		if bad+unshared != 0 {
			t.Errorf("%d items shared with a group their owner is not in, %d shared with no group", bad, unshared)
		}
	})

	t.Run("licences are assigned only to compatible types, within their seats", func(t *testing.T) {
		within(t, "licences", scalar(t, app, "SELECT count(*) FROM licenses WHERE org = {:org}", org), 3, 5)
		bad := scalar(t, app, `SELECT count(*) FROM licenseAssignments a JOIN licenses l ON l.id = a.license
			JOIN memberships m ON m.id = a.membership
			WHERE NOT EXISTS (SELECT 1 FROM json_each(l.compatibleTypes) c WHERE c.value = m.userType)`, nil)
		over := scalar(t, app, `SELECT count(*) FROM licenses l WHERE l.seats < (SELECT count(*) FROM licenseAssignments a WHERE a.license = l.id)`, nil)
		if bad+over != 0 {
			t.Errorf("%d incompatible assignments, %d licences over their seats", bad, over)
		}
		if scalar(t, app, "SELECT count(*) FROM licenseAssignments", nil) == 0 {
			t.Error("no licence assigned")
		}
	})

	t.Run("pending invitations, unexpired, with unique token hashes", func(t *testing.T) {
		var inv []struct {
			Email     string `db:"email"`
			TokenHash string `db:"tokenHash"`
			Expires   string `db:"expires"`
			Status    string `db:"status"`
		}
		if err := app.DB().NewQuery("SELECT email, tokenHash, expires, status FROM invitations WHERE org = {:org}").Bind(org).All(&inv); err != nil {
			t.Fatal(err)
		}
		if len(inv) != n/100 {
			t.Fatalf("invitations: %d, want %d", len(inv), n/100)
		}
		hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
		now, hashes := date(time.Now()), map[string]bool{}
		for _, i := range inv {
			if i.Status != "pending" || i.Expires <= now || !hex64.MatchString(i.TokenHash) || hashes[i.TokenHash] {
				t.Errorf("invitation %+v", i)
			}
			hashes[i.TokenHash] = true
			if _, err := app.FindAuthRecordByEmail("users", i.Email); err == nil {
				t.Errorf("invitation to %s, who already has an account", i.Email)
			}
		}
	})

	t.Run("one audit row, and the chain holds", func(t *testing.T) {
		rows, err := app.FindAllRecords(audit.Collection, dbx.HashExp{"org": res.Org.Id, "action": "demo.seed"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("demo.seed rows: %d, %v", len(rows), err)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(rows[0].GetString("details")), &d); err != nil || d["members"] != float64(n) {
			t.Errorf("details %s (%v)", rows[0].GetString("details"), err)
		}
		if total := scalar(t, app, "SELECT count(*) FROM auditLog WHERE org = {:org}", org); total != 2 { // org.create + demo.seed
			t.Errorf("audit rows: %d", total)
		}
		if rep, err := audit.Verify(app, res.Org.Id); err != nil || !rep.OK {
			t.Errorf("audit chain: %v %v", rep, err)
		}
	})

	t.Run("a demo member and the owner sign in with the demo password", func(t *testing.T) {
		var emails []string
		if err := app.DB().NewQuery("SELECT u.email FROM users u JOIN memberships m ON m.user = u.id WHERE m.role != 'admin' ORDER BY u.email LIMIT 1").Column(&emails); err != nil {
			t.Fatal(err)
		}
		for _, e := range append(emails, "owner@acme-geo.example") {
			u, err := app.FindAuthRecordByEmail("users", e)
			if err != nil {
				t.Fatal(err)
			}
			if !u.ValidatePassword(res.Password) || u.ValidatePassword(res.Password+"x") {
				t.Errorf("%s: the demo password does not work", e)
			}
			if !u.Verified() {
				t.Errorf("%s is not verified", e)
			}
		}
	})
}

// added lists who a run added, sorted: what a seed must reproduce.
func added(t *testing.T, app core.App) []string {
	t.Helper()
	var rows []struct {
		Given    string `db:"Given"`
		Family   string `db:"Family"`
		UserType string `db:"UserType"`
		Role     string `db:"Role"`
		Status   string `db:"Status"`
		Added    string `db:"Added"`
	}
	err := app.DB().NewQuery(`SELECT u.givenName AS Given, u.familyName AS Family, m.userType AS UserType, m.role AS Role,
		m.status AS Status, m.added AS Added FROM memberships m JOIN users u ON u.id = m.user WHERE m.role != 'owner'`).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s|%s|%s|%s|%s", r.Given, r.Family, r.UserType, r.Role, r.Status)
	}
	slices.Sort(out)
	return out
}

func TestSameSeedSamePeople(t *testing.T) {
	a, b, c := newApp(t), newApp(t), newApp(t)
	mustRun(t, a, Options{Org: "same", Members: 500, Seed: 42, Password: "correct-horse"})
	mustRun(t, b, Options{Org: "same", Members: 500, Seed: 42, Password: "correct-horse"})
	mustRun(t, c, Options{Org: "same", Members: 500, Seed: 43, Password: "correct-horse"})
	pa, pb, pc := added(t, a), added(t, b), added(t, c)
	if len(pa) != 500 || !slices.Equal(pa, pb) {
		t.Errorf("same seed, different people (%d and %d)", len(pa), len(pb))
	}
	if slices.Equal(pa, pc) {
		t.Error("different seeds, same people")
	}
	for _, q := range []string{
		"SELECT title FROM groups ORDER BY title",
		"SELECT title || sharing FROM items ORDER BY 1",
		"SELECT code || seats FROM licenses ORDER BY 1",
		"SELECT username FROM users ORDER BY 1",
	} {
		var x, y []string
		if err := a.DB().NewQuery(q).Column(&x); err != nil {
			t.Fatal(err)
		}
		if err := b.DB().NewQuery(q).Column(&y); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", q)
		}
	}
}

func TestRunAddsToAnExistingOrganisationAndKeepsBillingConsistent(t *testing.T) {
	app := newApp(t)
	created, err := orgs.Create(app, orgs.New{Name: "Équipe Nord", Plan: "team",
		Owner: orgs.Owner{Email: "claire@nord.example", Password: "owner-password", GivenName: "Claire", FamilyName: "Lefèvre"}},
		audit.ActorSuperuser, "")
	if err != nil {
		t.Fatal(err)
	}
	// Business seats cost more than team seats here, so the switch must re-price the
	// owner's existing seat through the ledger.
	business, err := app.FindFirstRecordByData("plans", "code", "business")
	if err != nil {
		t.Fatal(err)
	}
	business.Set("seatPrices", map[string]int{"viewer": 100, "contributor": 2000, "creator": 4000, "professional": 9000})
	if err := app.Save(business); err != nil {
		t.Fatal(err)
	}

	first := mustRun(t, app, Options{Org: "equipe-nord", Members: 150, Seed: 1, Password: "demo-password"})
	second := mustRun(t, app, Options{Org: "equipe-nord", Members: 150, Seed: 1, Password: "demo-password"})
	if first.Created || second.Created || first.Org.Id != created.Org.Id {
		t.Fatalf("the existing organisation was not reused")
	}
	org := dbx.Params{"org": created.Org.Id}
	if got := scalar(t, app, "SELECT count(*) FROM memberships WHERE org = {:org}", org); got != 301 {
		t.Errorf("memberships: %d, want 301", got)
	}
	if got := scalar(t, app, "SELECT count(DISTINCT lower(email)) FROM users", nil); got != 301 {
		t.Errorf("distinct addresses: %d, want 301", got)
	}
	changed := scalar(t, app, "SELECT CAST(SUM(monthlyDelta) AS INTEGER) FROM seatLedger WHERE org = {:org} AND reason = 'plan_changed' AND delta = 0", org)
	if changed != 4000-3500 {
		t.Errorf("plan change re-priced the owner's seat by %d, want 500", changed)
	}
	_, sub, err := billing.PlanPrices(app, created.Org.Id)
	if err != nil {
		t.Fatal(err)
	}
	sum := scalar(t, app, "SELECT CAST(SUM(monthlyDelta) AS INTEGER) FROM seatLedger WHERE org = {:org}", org)
	want := scalar(t, app, `SELECT CAST(SUM(CASE userType WHEN 'viewer' THEN 100 WHEN 'contributor' THEN 2000
		WHEN 'creator' THEN 4000 ELSE 9000 END) AS INTEGER) FROM memberships WHERE org = {:org}`, org)
	if sum != sub.GetInt("monthlyAmount") || sum != want {
		t.Errorf("ledger %d, cached %d, business price of every seat %d", sum, sub.GetInt("monthlyAmount"), want)
	}
	owner, err := app.FindAuthRecordByEmail("users", "claire@nord.example")
	if err != nil || !owner.ValidatePassword("owner-password") {
		t.Errorf("the existing owner's password changed (%v)", err)
	}
	if n := scalar(t, app, "SELECT count(*) FROM auditLog WHERE org = {:org} AND action = 'demo.seed'", org); n != 2 {
		t.Errorf("demo.seed rows: %d, want one per run", n)
	}
	if rep, err := audit.Verify(app, created.Org.Id); err != nil || !rep.OK {
		t.Errorf("audit chain: %v %v", rep, err)
	}
}

func TestRunRefusesBadOptions(t *testing.T) {
	app := newApp(t)
	for _, o := range []Options{
		{Org: "", Members: 10},
		{Org: "Bad Slug", Members: 10},
		{Org: "ok", Members: -1},
		{Org: "ok", Members: MaxMembers + 1},
		{Org: "ok", Members: 10, Password: "short"},
	} {
		if _, err := Run(app, o); err == nil {
			t.Errorf("%+v: accepted", o)
		} else if e, ok := fail.As(err); !ok || e.Kind != fail.KindInvalid {
			t.Errorf("%+v: %v, want a 400", o, err)
		}
	}
	if n, _ := app.CountRecords("organizations"); n != 0 {
		t.Errorf("a refused run created %d organisations", n)
	}
}

// BenchmarkDemo10k seeds 10 000 members into a fresh organisation per iteration.
// Run it with: go test -run '^$' -bench Demo10k ./internal/demo/
func BenchmarkDemo10k(b *testing.B) {
	for i := range b.N {
		b.StopTimer()
		app := newApp(b)
		b.StartTimer()
		mustRun(b, app, Options{Org: fmt.Sprintf("bench-%d", i), Members: 10_000, Seed: 1, Password: "benchmark-password"})
	}
}
