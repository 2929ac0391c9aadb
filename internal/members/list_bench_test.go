package members_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/demo"
	"roster/internal/members"
)

// benchApp opens an organisation of ROSTER_BENCH_MEMBERS (default 100 000) demo members,
// built once by `roster demo`'s code into a data dir that later runs reuse.
func benchApp(b *testing.B) (core.App, access.Actor) {
	b.Helper()
	n := 100000
	if v := os.Getenv("ROSTER_BENCH_MEMBERS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-bench-%d", n))
	fresh := false
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
		fresh = true
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.ResetBootstrapState() })
	if err := app.RunAllMigrations(); err != nil {
		b.Fatal(err)
	}
	if fresh {
		res, err := demo.Run(app, demo.Options{Org: "bench", Members: n, Seed: 1, Password: "bench password"})
		if err != nil {
			os.RemoveAll(dir)
			b.Fatal(err)
		}
		b.Logf("built %d members in %s (%s)", res.Added, res.Took, dir)
	}
	owner, err := app.FindAuthRecordByEmail("users", "owner@bench.example")
	if err != nil {
		b.Fatal(err)
	}
	session, err := members.SessionOf(app, owner)
	if err != nil {
		b.Fatal(err)
	}
	a := session.Actor
	return app, a
}

// cpuTime is the process's CPU time, user and system (Linux: /proc/self/stat, in
// USER_HZ = 100 ticks a second), or false where there is none. On a shared machine it
// moves much less with the others' load than ns/op, which counts the wait for a core.
func cpuTime() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // from field 3 (state) on
	if len(fields) < 13 {
		return 0, false
	}
	user, err1 := strconv.ParseInt(fields[11], 10, 64) // field 14, utime
	sys, err2 := strconv.ParseInt(fields[12], 10, 64)  // field 15, stime
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(user+sys) * time.Second / 100, true
}

// BenchmarkMemberList measures the member list as the API runs it (filters, sort, page,
// total, enrichment), beside the bare SQL floor of reading one page of the index.
func BenchmarkMemberList(b *testing.B) {
	app, actor := benchApp(b)
	for _, q := range []string{
		"", "page=50", "sort=-lastLogin", "userType=viewer&status=active", "role=admin&sort=-added",
		"userType=creator&status=active&sort=name", "userType=creator&status=active&sort=name&page=50",
		"neverSignedIn=true", "creditsMin=10", "mfa=off", "mfa=on", "mfa=off&sort=-lastLogin&page=50", "search=helene", "search=dupr", "search=du", "search=helene&userType=creator&sort=-lastLogin",
	} {
		vals, _ := url.ParseQuery(q)
		f, err := members.ParseFilter(vals)
		if err != nil {
			b.Fatal(err)
		}
		name := q
		if name == "" {
			name = "first-page"
		}
		b.Run(name, func(b *testing.B) {
			cpu0, ok := cpuTime()
			for b.Loop() {
				if _, err := members.List(app, actor, f); err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok1 := cpuTime(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			}
		})
	}
	b.Run("floor:sql-page", func(b *testing.B) {
		for b.Loop() {
			var ids []string
			err := app.DB().NewQuery("SELECT membership FROM memberIndex WHERE org = {:o} ORDER BY sortName LIMIT 50").
				Bind(dbx.Params{"o": actor.Org}).Column(&ids)
			if err != nil || len(ids) != 50 {
				b.Fatal(err, len(ids))
			}
		}
	})
}
