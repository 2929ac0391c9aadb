// Command bench measures Roster beside stock PocketBase and the bare SQL floor (DESIGN §11,
// issue 9). It seeds template data dirs with the demo code once (reused between runs), copies
// each into a scratch app per run, serves the full router on loopback and runs every
// workload three ways, interleaved on the same data. `make bench` runs it and writes
// docs/benchmarks.md. It is not a test: `go test ./...` never runs it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/hooks"
	"roster/internal/api"
	"roster/internal/billing"
	"roster/internal/demo"
	"roster/internal/invites"
	"roster/internal/mail"
	_ "roster/pb_migrations"
)

var (
	sizesFlag = flag.String("members", "10000,100000", "organisation sizes, comma separated")
	nFlag     = flag.Int("n", 200, "requests per way for each read workload")
	mutN      = flag.Int("mut", 100, "single mutations per way")
	bulkN     = flag.Int("bulk", 15, "bulk actions (of 100 members) per way")
	concFlag  = flag.String("c", "1,8", "concurrency levels for the reads")
	outFlag   = flag.String("out", "docs/benchmarks.md", "markdown report ('' = none)")
	noteFlag  = flag.String("note", os.Getenv("BENCH_NOTE"), "a line about the run's conditions for the report")
)

func main() {
	flag.Parse()
	var report strings.Builder
	var tables []string
	runs := map[int][]result{}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			log.Fatal(err)
		}
		t, rs := runSize(n)
		fmt.Println(t)
		tables = append(tables, t)
		runs[n] = rs
		sizes = append(sizes, n)
	}
	verdict := targets(sizes, runs)
	fmt.Println(verdict)
	if *outFlag == "" {
		return
	}
	report.WriteString(header())
	if *noteFlag != "" {
		report.WriteString("**Note:** " + *noteFlag + "\n\n")
	}
	for _, t := range tables {
		report.WriteString(t + "\n")
	}
	report.WriteString(verdict + "\n")
	report.WriteString(commentary)
	if err := os.WriteFile(*outFlag, []byte(report.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *outFlag)
}

// template returns the data dir holding n demo members, building it on first use. It is
// the same dir internal/members' BenchmarkMemberList uses.
func template(n int) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-bench-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err == nil {
		return dir
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	must(app.Bootstrap())
	must(app.RunAllMigrations())
	res, err := demo.Run(app, demo.Options{Org: "bench", Members: n, Seed: 1, Password: "bench password"})
	if err != nil {
		os.RemoveAll(dir)
		log.Fatal(err)
	}
	log.Printf("built %d members in %s (%s)", res.Added, res.Took, dir)
	must(app.ResetBootstrapState())
	return dir
}

type env struct {
	app     *tests.TestApp
	url     string
	org     string
	owner   string // Roster token (the organisation's owner)
	su      string // PocketBase superuser token
	dbBytes int64
}

func setup(n int) *env {
	dir := template(n)
	fi, _ := os.Stat(filepath.Join(dir, "data.db"))
	app, err := tests.NewTestApp(dir) // a scratch copy: the mutations never touch the template
	must(err)
	must(app.RunAllMigrations())
	mail.Register(app)
	hooks.Register(app)
	api.Register(app)
	billing.Register(app)
	invites.Register(app)
	r, err := apis.NewRouter(app)
	must(err)
	var handler http.Handler
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	must(app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		handler = mux
		return err
	}))
	srv := httptest.NewServer(handler)

	owner, err := app.FindAuthRecordByEmail("users", "owner@bench.example")
	must(err)
	ownerTok, err := owner.NewAuthToken()
	must(err)
	var org string
	must(app.DB().NewQuery("SELECT org FROM memberships WHERE user = {:u}").Bind(dbx.Params{"u": owner.Id}).Row(&org))

	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	must(err)
	su := core.NewRecord(col)
	su.SetEmail("bench-su@example.com")
	su.SetPassword("bench superuser password")
	must(app.Save(su))
	suTok, err := su.NewAuthToken()
	must(err)

	s := app.Settings()
	s.Batch.Enabled = true
	s.Batch.MaxRequests = 100
	s.Batch.Timeout = 30
	s.RateLimits.Enabled = false
	must(app.Save(s))
	return &env{app: app, url: srv.URL, org: org, owner: ownerTok, su: suTok, dbBytes: fi.Size()}
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call sends one request and fails loudly on an unexpected status.
func (e *env) call(method, path, tok string, body any, want int) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", tok)
	res, err := client.Do(req)
	must(err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		log.Fatalf("%s %s: %d %.400s", method, path, res.StatusCode, raw)
	}
}

// ids picks active members of role member who have signed in, of the given type ("" = any), in a stable order.
func (e *env) ids(userType string, limit int) []string {
	var out []string
	q := "SELECT id FROM memberships WHERE org = {:o} AND role = 'member' AND status = 'active'" +
		" AND user IN (SELECT id FROM users WHERE lastLogin != '')" // never-signed-in members cannot be disabled
	if userType != "" {
		q += " AND userType = {:t}"
	}
	must(e.app.DB().NewQuery(q + " ORDER BY id LIMIT {:l}").Bind(dbx.Params{"o": e.org, "t": userType, "l": limit}).Column(&out))
	if len(out) < limit {
		log.Fatalf("only %d %q members, want %d", len(out), userType, limit)
	}
	return out
}

// way is one of the three ways of doing a workload; i numbers the call within its way.
type way func(i int)

type result struct {
	name              string
	c                 int
	roster, pb, floor []time.Duration
}

// measure runs total calls of each way, interleaved (roster, PocketBase, floor, roster…),
// spread over c workers.
func measure(name string, c, total int, ways [3]way) result {
	lat := [3][]time.Duration{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		for i := 0; i < total; i++ {
			next <- i
		}
		close(next)
	}()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				for k := 0; k < 3; k++ {
					k := (k + i) % 3 // rotate who goes first
					t0 := time.Now()
					ways[k](i)
					d := time.Since(t0)
					mu.Lock()
					lat[k] = append(lat[k], d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	log.Printf("%s, c=%d: Roster p95 %s ms, PocketBase p95 %s ms, floor p95 %s ms", name, c, ms(pct(lat[0], .95)), ms(pct(lat[1], .95)), ms(pct(lat[2], .95)))
	return result{name: name, c: c, roster: lat[0], pb: lat[1], floor: lat[2]}
}

func runSize(n int) (string, []result) {
	t0 := time.Now()
	e := setup(n)
	defer e.app.Cleanup()
	log.Printf("%d members: app ready in %s", n, time.Since(t0).Round(time.Millisecond))
	db := e.app.DB()
	o := e.org
	q := url.QueryEscape

	listPB := func(page int) string {
		return "/api/collections/memberships/records?perPage=50&page=" + strconv.Itoa(page) +
			"&filter=" + q(fmt.Sprintf("org='%s' && userType='creator' && status='active'", o)) +
			"&sort=" + q("user.familyName,user.givenName") + "&expand=user"
	}
	listFloor := func(page int) {
		var total int
		must(db.NewQuery("SELECT COUNT(*) FROM memberIndex WHERE org = {:o} AND userType = 'creator' AND status = 'active'").
			Bind(dbx.Params{"o": o}).Row(&total))
		var rows []dbx.NullStringMap
		must(db.NewQuery("SELECT ms.*, u.* FROM memberIndex x JOIN memberships ms ON ms.id = x.membership JOIN users u ON u.id = x.user" +
			" WHERE x.org = {:o} AND x.userType = 'creator' AND x.status = 'active' ORDER BY x.sortName LIMIT 50 OFFSET {:off}").
			Bind(dbx.Params{"o": o, "off": (page - 1) * 50}).All(&rows))
		if len(rows) != 50 {
			log.Fatalf("floor page %d: %d rows", page, len(rows))
		}
	}
	read := func(name string, c int, rosterPath, pbPath string, floor func()) result {
		return measure(name, c, *nFlag, [3]way{
			func(int) { e.call("GET", rosterPath, e.owner, nil, 200) },
			func(int) { e.call("GET", pbPath, e.su, nil, 200) },
			func(int) { floor() },
		})
	}
	var results []result
	for _, cs := range strings.Split(*concFlag, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(cs))
		must(err)
		base := "/api/orgs/" + o + "/members?userType=creator&status=active&sort=name"
		// Warm both paths and the page cache once.
		e.call("GET", base, e.owner, nil, 200)
		e.call("GET", listPB(1), e.su, nil, 200)
		results = append(results,
			read("list page 1 (creator, active, by name, total)", c, base, listPB(1), func() { listFloor(1) }),
			read("list page 50", c, base+"&page=50", listPB(50), func() { listFloor(50) }),
			read("search 'helene'", c, "/api/orgs/"+o+"/members?search=helene",
				"/api/collections/memberships/records?perPage=50&expand=user&sort="+q("user.familyName,user.givenName")+"&filter="+
					q(fmt.Sprintf("org='%s' && (user.familyName ~ 'helene' || user.givenName ~ 'helene' || user.email ~ 'helene')", o)),
				func() {
					p := dbx.Params{"o": o, "s": "%helene%"}
					var total int
					must(db.NewQuery("SELECT COUNT(*) FROM memberIndex WHERE org = {:o} AND (sortName LIKE {:s} OR email LIKE {:s})").Bind(p).Row(&total))
					var rows []dbx.NullStringMap
					must(db.NewQuery("SELECT ms.*, u.* FROM memberIndex x JOIN memberships ms ON ms.id = x.membership JOIN users u ON u.id = x.user" +
						" WHERE x.org = {:o} AND (x.sortName LIKE {:s} OR x.email LIKE {:s}) ORDER BY x.sortName LIMIT 50").Bind(p).All(&rows))
				}),
		)
	}

	// One mutation: viewer -> contributor on a different member each call and way.
	viewers := e.ids("viewer", 3**mutN)
	results = append(results, measure("user type change (1 member)", 1, *mutN, [3]way{
		func(i int) {
			e.call("POST", "/api/orgs/"+o+"/members/"+viewers[3*i]+"/user-type", e.owner, map[string]any{"userType": "contributor"}, 200)
		},
		func(i int) {
			e.call("PATCH", "/api/collections/memberships/records/"+viewers[3*i+1], e.su, map[string]any{"userType": "contributor"}, 200)
		},
		func(i int) {
			_, err := db.NewQuery("UPDATE memberships SET userType = 'contributor' WHERE id = {:id}").Bind(dbx.Params{"id": viewers[3*i+2]}).Execute()
			must(err)
		},
	}))

	// Bulk disable of 100 distinct active members per call and way.
	act := e.ids("", 300**bulkN)
	chunk := func(i, k int) []string { return act[(3*i+k)*100 : (3*i+k+1)*100] }
	results = append(results, measure("bulk disable 100", 1, *bulkN, [3]way{
		func(i int) {
			e.call("POST", "/api/orgs/"+o+"/members/bulk", e.owner, map[string]any{"action": "disable", "ids": chunk(i, 0)}, 200)
		},
		func(i int) {
			reqs := []map[string]any{}
			for _, id := range chunk(i, 1) {
				reqs = append(reqs, map[string]any{"method": "PATCH", "url": "/api/collections/memberships/records/" + id, "body": map[string]any{"status": "disabled"}})
			}
			e.call("POST", "/api/batch", e.su, map[string]any{"requests": reqs}, 200)
		},
		func(i int) {
			must(e.app.RunInTransaction(func(tx core.App) error {
				ids := []any{}
				for _, id := range chunk(i, 2) {
					ids = append(ids, id)
				}
				_, err := tx.DB().Update("memberships", dbx.Params{"status": "disabled"}, dbx.In("id", ids...)).Execute()
				return err
			}))
		},
	}))
	return table(n, e.dbBytes, results), results
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := 1; i < len(s); i++ { // insertion sort: a few hundred values
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	i := int(p*float64(len(s))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func table(n int, dbBytes int64, rs []result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %d members (data.db %.0f MB)\n\n", n, float64(dbBytes)/1e6)
	b.WriteString("Milliseconds, p50 / p95 / p99. Ratio and difference are on p95.\n\n")
	b.WriteString("| workload | c | n | Roster | PocketBase | SQL floor | Roster/PB p95 | Roster − floor p95 |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		three := func(ds []time.Duration) string {
			return ms(pct(ds, .5)) + " / " + ms(pct(ds, .95)) + " / " + ms(pct(ds, .99))
		}
		rp, pp, fp := pct(r.roster, .95), pct(r.pb, .95), pct(r.floor, .95)
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %.2f× | %s ms |\n", r.name, r.c, len(r.roster),
			three(r.roster), three(r.pb), three(r.floor), float64(rp)/float64(pp), ms(rp-fp))
	}
	return b.String()
}

func header() string {
	cpu := "unknown"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := "unknown"
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(raw), "\n", 2)[0])
		if len(f) >= 2 {
			kb, _ := strconv.Atoi(f[1])
			mem = fmt.Sprintf("%.1f GiB", float64(kb)/1024/1024)
		}
	}
	return fmt.Sprintf(`# Benchmarks

Generated by `+"`make bench`"+` (`+"`go run ./bench`"+`) on %s.
Machine: %d CPUs (`+"`runtime.NumCPU`"+`), %s, %s, %s, linux/%s.

`, time.Now().UTC().Format("2006-01-02 15:04 MST"), numCPU(), cpu, mem, goVersion(), goArch())
}

// targets checks DESIGN §11's ratios that this harness measures, on p95 at concurrency 1.
func targets(sizes []int, runs map[int][]result) string {
	var b strings.Builder
	b.WriteString("## DESIGN §11 targets (p95, concurrency 1)\n\n| target | size | measured | met |\n|---|---|---|---|\n")
	row := func(target string, n int, measured string, ok bool) {
		m := "no"
		if ok {
			m = "yes"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", target, n, measured, m)
	}
	find := func(n int, prefix string) *result {
		for i, r := range runs[n] {
			if r.c == 1 && strings.HasPrefix(r.name, prefix) {
				return &runs[n][i]
			}
		}
		return nil
	}
	for _, n := range sizes {
		for _, w := range []string{"list page 1", "list page 50"} {
			if r := find(n, w); r != nil {
				rp, pp, fp := pct(r.roster, .95), pct(r.pb, .95), pct(r.floor, .95)
				row(w+": ≤ 1.0× PocketBase", n, fmt.Sprintf("%.2f×", float64(rp)/float64(pp)), rp <= pp)
				row(w+": ≤ floor + 5 ms", n, "floor + "+ms(rp-fp)+" ms", rp-fp <= 5*time.Millisecond)
			}
		}
		if r := find(n, "search"); r != nil {
			rp, pp := pct(r.roster, .95), pct(r.pb, .95)
			row("search: ≤ 0.25× PocketBase `~`", n, fmt.Sprintf("%.2f×", float64(rp)/float64(pp)), float64(rp) <= 0.25*float64(pp))
		}
		if r := find(n, "user type"); r != nil {
			rp, pp := pct(r.roster, .95), pct(r.pb, .95)
			row("one mutation: ≤ 2× PocketBase PATCH", n, fmt.Sprintf("%.2f×", float64(rp)/float64(pp)), float64(rp) <= 2*float64(pp))
		}
		if r := find(n, "bulk"); r != nil {
			rp, fp := pct(r.roster, .95), pct(r.floor, .95)
			row("bulk 100: ≤ floor + 50 ms", n, "floor + "+ms(rp-fp)+" ms", rp-fp <= 50*time.Millisecond)
		}
	}
	if len(sizes) >= 2 {
		lo, hi := sizes[0], sizes[len(sizes)-1]
		for _, w := range []string{"list page 1", "list page 50", "search"} {
			a, z := find(lo, w), find(hi, w)
			if a != nil && z != nil {
				f := float64(pct(z.roster, .95)) / float64(pct(a.roster, .95))
				row(fmt.Sprintf("%s: %d/%d ≤ 1.5", w, hi, lo), hi, fmt.Sprintf("%.2f", f), f <= 1.5)
			}
		}
	}
	return b.String()
}
