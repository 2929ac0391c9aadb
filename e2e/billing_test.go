package e2e

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestBillingClosePeriodCommand(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "org", "create", "--name", "Acme", "--owner-email", "boss@acme.example", "--owner-password", "long enough"); code != 0 {
		t.Fatalf("create: exit %d\n%s", code, out)
	}
	if out, code := roster(t, dir, "billing", "close-period"); code != 0 || !strings.Contains(out, "No period is due.") {
		t.Fatalf("nothing due: exit %d\n%s", code, out)
	}
	if out, code := roster(t, dir, "billing", "close-period", "--force"); code == 0 {
		t.Fatalf("--force without --org: exit 0\n%s", out)
	}
	if out, code := roster(t, dir, "billing", "close-period", "--org", "nope", "--force"); code == 0 {
		t.Fatalf("unknown organisation: exit 0\n%s", out)
	}
	year := time.Now().UTC().Year()
	for i := 1; i <= 2; i++ {
		out, code := roster(t, dir, "billing", "close-period", "--org", "acme", "--force")
		want := fmt.Sprintf("acme: INV-%d-%04d", year, i)
		if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "total €35.00") {
			t.Fatalf("forced close %d: exit %d, want %q\n%s", i, code, want, out)
		}
	}
	if out, code := roster(t, dir, "audit", "verify"); code != 0 {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var invoices, audited int
	if err := db.QueryRow("SELECT count(*) FROM invoices WHERE status = 'open'").Scan(&invoices); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM auditLog WHERE action = 'billing.closePeriod' AND actor = 'superuser'").Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if invoices != 2 || audited != 2 {
		t.Fatalf("%d invoices, %d audit rows", invoices, audited)
	}
}
