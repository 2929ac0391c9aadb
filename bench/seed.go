package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/demo"
	"roster/internal/people"
	_ "roster/pb_migrations"
)

// benchPassword is every demo account's password in the templates.
const benchPassword = "bench password"

// templates are the data dirs already checked in this run, by size.
var templates = map[int]string{}

// template returns the data dir holding n demo members, building it on first use and
// bringing it up to date with the migrations (then refreshing the planner's statistics)
// once per run. It is the same dir internal/members' BenchmarkMemberList uses.
func template(n int) string {
	if dir, ok := templates[n]; ok {
		return dir
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-bench-%d", n))
	_, err := os.Stat(filepath.Join(dir, "data.db"))
	fresh := err != nil
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	must(app.Bootstrap())
	applied := func() (k int) {
		must(app.DB().NewQuery("SELECT count(*) FROM _migrations").Row(&k))
		return k
	}
	before := applied()
	must(app.RunAllMigrations())
	if fresh {
		res, err := demo.Run(app, demo.Options{Org: "bench", Members: n, Seed: 1, Password: benchPassword})
		if err != nil {
			os.RemoveAll(dir)
			log.Fatal(err)
		}
		log.Printf("built %d members in %s (%s)", res.Added, res.Took, dir)
	} else if k, stale := applied()-before, unanalyzed(app); k > 0 || stale > 0 {
		t0 := time.Now()
		_, err := app.DB().NewQuery("ANALYZE").Execute()
		must(err)
		log.Printf("%s: %d new migrations, %d indexes without statistics: analyzed in %s", dir, k, stale, time.Since(t0).Round(time.Millisecond))
	}
	must(app.ResetBootstrapState())
	templates[n] = dir
	return dir
}

// unanalyzed counts the indexes of the benchmarked tables that have no planner
// statistics (a migration added them after the last ANALYZE).
func unanalyzed(app core.App) int {
	var n int
	err := app.DB().NewQuery(`SELECT count(*) FROM sqlite_master m WHERE m.type = 'index'
		AND m.tbl_name IN ('memberIndex', 'memberships', 'users', 'auditLog')
		AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = m.name)`).Row(&n)
	if err != nil {
		return 1 // no statistics table at all
	}
	return n
}

// ownerOf returns the bench organisation's owner and the organisation's id.
func ownerOf(app core.App) (*core.Record, string) {
	owner, err := app.FindAuthRecordByEmail("users", "owner@bench.example")
	must(err)
	var org string
	must(app.DB().NewQuery("SELECT org FROM memberships WHERE user = {:u}").Bind(dbx.Params{"u": owner.Id}).Row(&org))
	return owner, org
}

// auditActors are the memberships the seeded audit rows name as actors, in a stable
// order: the owner and up to 49 administrators. The audit workload filters by the second.
func auditActors(app core.App, org string) []labelled {
	var out []labelled
	must(app.DB().NewQuery(`SELECT m.id, u.givenName, u.familyName, u.email FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.org = {:o} AND m.role IN ('owner', 'admin') ORDER BY m.role = 'owner' DESC, m.id LIMIT 50`).
		Bind(dbx.Params{"o": org}).All(&out))
	if len(out) < 2 {
		log.Fatalf("the organisation has %d owner and administrators, want at least 2", len(out))
	}
	return out
}

// labelled is a membership with what audit labels are made of.
type labelled struct {
	ID     string `db:"id"`
	Given  string `db:"givenName"`
	Family string `db:"familyName"`
	Email  string `db:"email"`
}

func (l labelled) label() string { return people.Label(l.Given, l.Family, l.Email) }

// seedAudit tops the organisation of the template dir up to rows audit rows, written
// through audit.WriteMany (so the hash chain is the real one), 10 000 rows a transaction,
// then refreshes the planner's statistics as PocketBase's nightly optimize would. It is
// resumable: an interrupted run keeps the batches it committed.
func seedAudit(dir string, rows int) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	must(app.Bootstrap())
	defer func() { must(app.ResetBootstrapState()) }()
	must(app.RunAllMigrations())
	_, org := ownerOf(app)
	var have int
	must(app.DB().NewQuery("SELECT count(*) FROM auditLog WHERE org = {:o}").Bind(dbx.Params{"o": org}).Row(&have))
	if have >= rows {
		return
	}
	actors := auditActors(app, org)
	var targets []labelled
	must(app.DB().NewQuery(`SELECT m.id, u.givenName, u.familyName, u.email FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.org = {:o} AND m.role = 'member' ORDER BY m.id LIMIT 20000`).Bind(dbx.Params{"o": org}).All(&targets))
	kinds := []struct {
		action        access.Action
		before, after map[string]any
	}{
		{access.MembersDisable, map[string]any{"status": "active", "partnerAccess": false}, map[string]any{"status": "disabled", "partnerAccess": false, "sessionsRevoked": true}},
		{access.MembersEnable, map[string]any{"status": "disabled"}, map[string]any{"status": "active"}},
		{access.MembersChangeUserType, map[string]any{"userType": "viewer"}, map[string]any{"userType": "contributor"}},
	}
	log.Printf("seeding %d audit rows into %s (once; later runs reuse them)", rows-have, dir)
	t0 := time.Now()
	const batch = 10_000
	for done := have; done < rows; {
		end := min(done+batch, rows)
		entries := make([]audit.Entry, 0, end-done)
		for k := done; k < end; k++ {
			a, t, kind := actors[k%len(actors)], targets[k%len(targets)], kinds[k%len(kinds)]
			entries = append(entries, audit.Entry{Org: org, Actor: a.ID, ActorLabel: a.label(), Action: kind.action,
				TargetType: "membership", TargetID: t.ID, TargetLabel: t.label(),
				Details: map[string]any{"before": kind.before, "after": kind.after}, IP: "127.0.0.1"})
		}
		must(audit.WriteMany(app, entries)) // one transaction per batch
		if done = end; done/100_000 != (done-batch)/100_000 || done == rows {
			log.Printf("audit rows: %d/%d (%s)", done, rows, time.Since(t0).Round(time.Second))
		}
	}
	_, err := app.DB().NewQuery("ANALYZE auditLog").Execute()
	must(err)
}
