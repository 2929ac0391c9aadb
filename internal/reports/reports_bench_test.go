package reports_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/demo"
	"roster/internal/members"
	"roster/internal/orgsettings"
	"roster/internal/paging"
	"roster/internal/reports"
)

// benchOrg opens an organisation of ROSTER_BENCH_MEMBERS (default 100 000) demo members
// with their sign-ins, credits, seat ledger and invitations, built once by `roster
// demo`'s code into a data dir that later runs reuse.
func benchOrg(b *testing.B) (core.App, access.Actor) {
	b.Helper()
	n := 100000
	if v := os.Getenv("ROSTER_BENCH_MEMBERS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-reports-bench-%d", n))
	_, statErr := os.Stat(filepath.Join(dir, "data.db"))
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.ResetBootstrapState() })
	if err := app.RunAllMigrations(); err != nil {
		b.Fatal(err)
	}
	if statErr != nil {
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

// BenchmarkReports is the reports page at 100 000 members: every section, then each.
func BenchmarkReports(b *testing.B) {
	app, owner := benchOrg(b)
	for _, only := range append([][]string{nil}, sections()...) {
		name := "all"
		if only != nil {
			name = only[0]
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := reports.Build(app, owner, only); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("settings+mfa-compliance", func(b *testing.B) {
		for b.Loop() {
			if _, err := orgsettings.Get(app, owner); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("outbox", func(b *testing.B) {
		for b.Loop() {
			if _, err := reports.Outbox(app, owner, paging.Request{Page: 1, PerPage: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func sections() [][]string {
	var out [][]string
	for _, s := range orgsettings.Sections {
		out = append(out, []string{s})
	}
	return out
}
