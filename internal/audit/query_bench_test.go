package audit_test

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
)

// benchLog opens an organisation with ROSTER_BENCH_AUDIT_ROWS (default 1 000 000) audit
// rows — 20 actions, 1 000 actors, 20 000 targets, one row a minute — written once by
// SQL into a data dir that later runs reuse. The rows are not hash-chained: the viewer
// does not read the chain.
func benchLog(b *testing.B) (core.App, int) {
	b.Helper()
	n := 1_000_000
	if v := os.Getenv("ROSTER_BENCH_AUDIT_ROWS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("roster-audit-bench-%d", n))
	_, statErr := os.Stat(filepath.Join(dir, "data.db"))
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.ResetBootstrapState() })
	if err := app.RunAllMigrations(); err != nil {
		b.Fatal(err)
	}
	var have int
	_ = app.DB().NewQuery("SELECT count(*) FROM auditLog WHERE org = 'bench'").Row(&have)
	if statErr != nil || have != n {
		_, err := app.DB().NewQuery(`DELETE FROM auditLog WHERE org = 'bench';
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {:n})
		INSERT INTO auditLog (id, org, seq, actor, actorLabel, action, targetType, targetId, targetLabel, details, ip, at, prevHash, hash, created, updated)
		SELECT printf('b%014d', i), 'bench', i, printf('actor%04d', i % 1000), printf('Actor %d <a%d@example.com>', i % 1000, i % 1000),
			CASE i % 20 WHEN 0 THEN 'members.disable' WHEN 1 THEN 'members.enable' WHEN 2 THEN 'members.updateProfile'
			WHEN 3 THEN 'members.changeUserType' WHEN 4 THEN 'members.invite' WHEN 5 THEN 'invitations.resend'
			WHEN 6 THEN 'invitations.revoke' WHEN 7 THEN 'org.settings' WHEN 8 THEN 'billing.changePlan'
			WHEN 9 THEN 'credits.consume' WHEN 10 THEN 'members.manageCredits' WHEN 11 THEN 'members.partnerAccess'
			WHEN 12 THEN 'items.create' WHEN 13 THEN 'groups.create' WHEN 14 THEN 'licenses.assign'
			WHEN 15 THEN 'members.resetPassword' WHEN 16 THEN 'account.passwordChange' WHEN 17 THEN 'members.join'
			WHEN 18 THEN 'members.remove' ELSE 'invitations.expire' END,
			'membership', printf('target%05d', i % 20000), printf('Target %d <t%d@example.com>', i % 20000, i % 20000),
			'{"before":{"status":"active"},"after":{"status":"disabled"}}', '127.0.0.1',
			strftime('%Y-%m-%d %H:%M:%S.000Z', '2024-01-01', '+' || i || ' minutes'), '', printf('%064d', i), '', ''
		FROM s;
		ANALYZE;`).Bind(dbx.Params{"n": n}).Execute()
		if err != nil {
			b.Fatal(err)
		}
	}
	return app, n
}

// BenchmarkAuditList is the viewer's page of 50 at 1 000 000 rows, with each filter.
func BenchmarkAuditList(b *testing.B) {
	app, n := benchLog(b)
	owner := access.Member{ID: "o", Role: access.RoleOwner, UserType: access.Creator, Status: access.Active}
	for _, q := range []string{
		"", "cursor=10", fmt.Sprintf("cursor=%d", n/2), "actor=actor0042", "action=members.disable", "action=members.",
		"action=members.remove&cursor=500000", "target=target01234", "actor=actor0042&action=members.disable", "action=demo.", "action=org.",
		"from=2024-06-01&to=2024-06-30", "from=2025-01-01&action=org.settings", "actor=nobody",
	} {
		vals, _ := url.ParseQuery(q)
		query, err := audit.ParseQuery(vals)
		if err != nil {
			b.Fatal(err)
		}
		query.Language = "fr"
		name := q
		if name == "" {
			name = "newest"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := audit.List(app, owner, "bench", query); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("export:actor", func(b *testing.B) {
		q := audit.Query{Actor: "actor0042", Language: "en"}
		for b.Loop() {
			write, err := audit.Export(app, owner, "bench", q)
			if err != nil {
				b.Fatal(err)
			}
			if err := write(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
