package e2e

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// roster doctor on a demo instance passes; each corruption of data.db by raw SQL (on
// tables without triggers that need the binary's SQL functions) makes it exit non-zero
// and name the problem.
func TestDoctor(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "carto", "--members", "80", "--seed", "5", "--password", "demo password 42"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	out, code := roster(t, dir, "doctor")
	if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "checks passed") {
		t.Fatalf("doctor on a healthy instance: exit %d\n%s", code, out)
	}

	corruptions := []struct {
		name, sql, want string
	}{
		{"a ledger row deleted", `DELETE FROM seatLedger WHERE rowid = (SELECT max(rowid) FROM seatLedger)`, "FAIL  billed seats"},
		{"a memberIndex row deleted", `DELETE FROM memberIndex WHERE membership = (SELECT min(membership) FROM memberIndex)`, "without a memberIndex row"},
		{"an audit row edited", `UPDATE auditLog SET actorLabel = 'someone else' WHERE rowid = (SELECT min(rowid) FROM auditLog)`, "chain broken at row 1"},
		{"the subscription cache edited", `UPDATE subscriptions SET monthlyAmount = monthlyAmount + 1`, "monthly amount: cached"},
		{"every plan shrunk to one seat", `UPDATE plans SET maxSeats = 1`, "billed seats, plan maxSeats 1"},
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range corruptions {
		// Each corruption adds to the ones before: the report must name every one so far.
		res, err := db.Exec(c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("%s changed nothing", c.name)
		}
		out, code = roster(t, dir, "doctor")
		if code == 0 || !strings.Contains(out, c.want) || !strings.Contains(out, "checks failed") {
			t.Fatalf("after %s: exit %d, want %q in\n%s", c.name, code, c.want, out)
		}
	}
	t.Logf("after %d corruptions:\n%s", len(corruptions), out)
}
