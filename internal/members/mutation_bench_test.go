package members_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/internal/demo"
	"roster/internal/roster"
	"roster/internal/testapp"
)

// The write-path benchmarks (docs/benchmarks.md): each workload runs three ways,
// interleaved in one loop on the same data, so that the ratios hold on a loaded machine:
// Roster's route over loopback HTTP, stock PocketBase's records API doing the nearest
// thing with a superuser token (on its own copy of the data), and the bare SQL floor. ns/op is Roster's mean; the
// custom metrics are each way's p50/p95 in ms, Roster's p95 over PocketBase's
// (target ≤ 2 for one mutation) and Roster's p95 minus the floor's (target ≤ 50 ms
// for bulk 100). Run:
//
//	go test ./internal/members -run '^$' -bench Mutation -benchtime 200x

// mutationMembers is the size of the demo organisation the benchmarks act on.
const mutationMembers = 2000

// mutationEnv is a scratch copy of a demo organisation, served on loopback.
type mutationEnv struct {
	app   *tests.TestApp
	c     *testapp.Client
	org   string
	owner string // Roster token of the organisation's owner
}

// demoTemplate returns a data dir holding a demo organisation of n members, built once
// by `roster demo`'s code and reused by later runs (each benchmark works on a copy).
func demoTemplate(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-bench-mutations-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err == nil {
		return dir
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		b.Fatal(err)
	}
	res, err := demo.Run(app, demo.Options{Org: "bench", Members: n, Seed: 1, Password: "bench password"})
	if err != nil {
		os.RemoveAll(dir)
		b.Fatal(err)
	}
	b.Logf("built %d members in %s (%s)", res.Added, res.Took, dir)
	return dir
}

func newMutationEnv(b *testing.B) *mutationEnv {
	b.Helper()
	app, err := tests.NewTestApp(demoTemplate(b, mutationMembers))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(app.Cleanup)
	// Bound as testapp.New binds, on a copy of the demo data dir instead of the empty template.
	roster.Bind(app)
	app.Settings().RateLimits.Enabled = false
	e := &mutationEnv{app: app, c: testapp.Serve(b, app)}

	owner, err := app.FindAuthRecordByEmail("users", "owner@bench.example")
	if err != nil {
		b.Fatal(err)
	}
	if e.owner, err = owner.NewAuthToken(); err != nil {
		b.Fatal(err)
	}
	if err := app.DB().NewQuery("SELECT org FROM memberships WHERE user = {:u}").Bind(dbx.Params{"u": owner.Id}).Row(&e.org); err != nil {
		b.Fatal(err)
	}
	return e
}

// stockEnv is stock PocketBase (its own hooks only) on another copy of the same data:
// its records API making the write Roster refuses on its own (hooks/operator.go: the
// seat ledger, the audit log and the preconditions would be skipped).
type stockEnv struct {
	c  *testapp.Client
	su string // superuser token
}

func newStockEnv(b *testing.B) stockEnv {
	b.Helper()
	app, err := tests.NewTestApp(demoTemplate(b, mutationMembers))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(app.Cleanup)
	app.Settings().RateLimits.Enabled = false
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		b.Fatal(err)
	}
	su := core.NewRecord(col)
	su.SetEmail("bench-su@example.com")
	su.SetPassword("bench superuser password")
	if err := app.Save(su); err != nil {
		b.Fatal(err)
	}
	tok, err := su.NewAuthToken()
	if err != nil {
		b.Fatal(err)
	}
	return stockEnv{c: testapp.Serve(b, app), su: tok}
}

func (s stockEnv) call(b *testing.B, method, path string, body any) {
	b.Helper()
	if r := s.c.Do(method, path, s.su, body); r.Status != 200 {
		b.Fatalf("stock PocketBase: %s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
}

// pools splits k×n distinct members of role member who signed in at least once (of the
// given user type, "" = any; outside every shared-update group, so that a viewer made a
// contributor can go back) into k pools of n.
func (e *mutationEnv) pools(b *testing.B, userType string, k, n int) [][]string {
	b.Helper()
	q := `SELECT ms.id FROM memberships ms JOIN users u ON u.id = ms.user
		WHERE ms.org = {:o} AND ms.role = 'member' AND ms.status = 'active' AND u.lastLogin != ''
		AND ms.id NOT IN (SELECT j.value FROM groups g, json_each(g.members) j WHERE g.sharedUpdate = TRUE)`
	if userType != "" {
		q += " AND ms.userType = {:t}"
	}
	var ids []string
	if err := e.app.DB().NewQuery(q + " ORDER BY ms.id LIMIT {:l}").Bind(dbx.Params{"o": e.org, "t": userType, "l": k * n}).Column(&ids); err != nil {
		b.Fatal(err)
	}
	if len(ids) < k*n {
		b.Fatalf("only %d %q members, want %d", len(ids), userType, k*n)
	}
	out := make([][]string, k)
	for i := range out {
		out[i] = ids[i*n : (i+1)*n]
	}
	return out
}

// reactivate sets members active again, between rounds (not timed, not a measured path).
func (e *mutationEnv) reactivate(b *testing.B, ids []string) {
	b.Helper()
	_, err := e.app.DB().Update("memberships", dbx.Params{"status": "active"}, dbx.In("id", anyIDs(ids)...)).Execute()
	if err != nil {
		b.Fatal(err)
	}
}

func (e *mutationEnv) call(b *testing.B, method, path, token string, body any) {
	b.Helper()
	if r := e.c.Do(method, path, token, body); r.Status != 200 {
		b.Fatalf("%s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
}

// ways times each way of one workload.
type ways struct {
	names []string
	took  [][]time.Duration
}

func newWays(names ...string) *ways {
	return &ways{names: names, took: make([][]time.Duration, len(names))}
}

// time runs fn and keeps its duration under way i.
func (w *ways) time(i int, fn func()) {
	start := time.Now()
	fn()
	w.took[i] = append(w.took[i], time.Since(start))
}

// report sets ns/op to the first way's mean and reports every way's p50 and p95, the
// first way's p95 over the second's (when the second is PocketBase) and its p95 minus
// the last's (the floor).
func (w *ways) report(b *testing.B) {
	p := func(ds []time.Duration, q float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(q*float64(len(s))))]) / 1e6
	}
	var sum time.Duration
	for _, d := range w.took[0] {
		sum += d
	}
	b.ReportMetric(float64(sum)/float64(len(w.took[0])), "ns/op")
	for i, name := range w.names {
		b.ReportMetric(p(w.took[i], .50), name+"-p50-ms")
		b.ReportMetric(p(w.took[i], .95), name+"-p95-ms")
	}
	first, last := p(w.took[0], .95), p(w.took[len(w.took)-1], .95)
	if len(w.names) == 3 {
		b.ReportMetric(first/p(w.took[1], .95), "p95-x-"+w.names[1])
	}
	b.ReportMetric(first-last, "p95-over-floor-ms")
}

// BenchmarkMutationUserType: one user type change (viewer ↔ contributor: the change, two
// ledger rows, the subscription and one audit row), the route answering the member.
func BenchmarkMutationUserType(b *testing.B) {
	e := newMutationEnv(b)
	st := newStockEnv(b)
	const n = 100
	p := e.pools(b, "viewer", 3, n)
	types := [3]map[string]string{{}, {}, {}}
	next := func(k int, id string) string {
		t := "contributor"
		if types[k][id] == t {
			t = "viewer"
		}
		types[k][id] = t
		return t
	}
	w := newWays("roster", "pb", "floor")
	i := 0
	for b.Loop() {
		r, pb, fl := p[0][i%n], p[1][i%n], p[2][i%n]
		w.time(0, func() {
			e.call(b, "POST", "/api/orgs/"+e.org+"/members/"+r+"/user-type", e.owner, map[string]any{"userType": next(0, r)})
		})
		w.time(1, func() {
			st.call(b, "PATCH", "/api/collections/memberships/records/"+pb, map[string]any{"userType": next(1, pb)})
		})
		w.time(2, func() {
			_, err := e.app.DB().NewQuery("UPDATE memberships SET userType = {:t} WHERE id = {:id}").
				Bind(dbx.Params{"t": next(2, fl), "id": fl}).Execute()
			if err != nil {
				b.Fatal(err)
			}
		})
		i++
	}
	w.report(b)
}

// BenchmarkMutationDisable: one disable (status, partner access, every session revoked,
// one audit row), the route answering the member.
func BenchmarkMutationDisable(b *testing.B) {
	e := newMutationEnv(b)
	st := newStockEnv(b)
	const n = 200
	p := e.pools(b, "", 3, n)
	w := newWays("roster", "pb", "floor")
	i := 0
	for b.Loop() {
		if i > 0 && i%n == 0 {
			b.StopTimer()
			for _, ids := range p {
				e.reactivate(b, ids)
			}
			b.StartTimer()
		}
		r, pb, fl := p[0][i%n], p[1][i%n], p[2][i%n]
		w.time(0, func() { e.call(b, "POST", "/api/orgs/"+e.org+"/members/"+r+"/disable", e.owner, nil) })
		w.time(1, func() {
			st.call(b, "PATCH", "/api/collections/memberships/records/"+pb, map[string]any{"status": "disabled"})
		})
		w.time(2, func() {
			_, err := e.app.DB().NewQuery("UPDATE memberships SET status = 'disabled' WHERE id = {:id}").Bind(dbx.Params{"id": fl}).Execute()
			if err != nil {
				b.Fatal(err)
			}
		})
		i++
	}
	w.report(b)
}

// BenchmarkMutationBulkDisable100: a bulk disable of 100 members through the route,
// beside the floor, one UPDATE … WHERE id IN (100 ids) in a transaction.
func BenchmarkMutationBulkDisable100(b *testing.B) {
	e := newMutationEnv(b)
	const rounds = 4
	p := e.pools(b, "", 2, rounds*100)
	w := newWays("roster", "floor")
	i := 0
	for b.Loop() {
		if i > 0 && i%rounds == 0 {
			b.StopTimer()
			for _, ids := range p {
				e.reactivate(b, ids)
			}
			b.StartTimer()
		}
		k := i % rounds
		r, fl := p[0][k*100:(k+1)*100], p[1][k*100:(k+1)*100]
		w.time(0, func() {
			e.call(b, "POST", "/api/orgs/"+e.org+"/members/bulk", e.owner, map[string]any{"action": "disable", "ids": r})
		})
		w.time(1, func() {
			err := e.app.RunInTransaction(func(tx core.App) error {
				_, err := tx.DB().Update("memberships", dbx.Params{"status": "disabled"}, dbx.In("id", anyIDs(fl)...)).Execute()
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		})
		i++
	}
	w.report(b)
}

func anyIDs(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
