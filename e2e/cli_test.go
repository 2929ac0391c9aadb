package e2e

import (
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestCommandsExitNonZeroOnFailure(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
	}{
		{"an unknown command", []string{"frobnicate"}},
		{"a missing required flag", []string{"org", "create", "--name", "Acme"}},
		{"an unknown flag", []string{"org", "list", "--colour"}},
		{"an invalid owner email", []string{"org", "create", "--name", "Acme", "--owner-email", "not-an-email", "--owner-password", "long enough"}},
		{"an unknown plan", []string{"org", "create", "--name", "Acme", "--owner-email", "a@example.com", "--plan", "gold"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := roster(t, dir, tc.args...)
			if code == 0 {
				t.Fatalf("exit 0 for %v:\n%s", tc.args, out)
			}
		})
	}
	t.Run("serve on a taken port", func(t *testing.T) {
		s := startServer(t, t.TempDir())
		out, code := roster(t, t.TempDir(), "serve", "--http", strings.TrimPrefix(s.URL, "http://"))
		if code == 0 || !strings.Contains(out, "address already in use") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
}

func TestOrgCommandsAndAuditVerify(t *testing.T) {
	dir := t.TempDir()
	out, code := roster(t, dir, "org", "create", "--name", "Équipe Nord", "--owner-email", "Hélène@example.com", "--language", "fr")
	if code != 0 || !strings.Contains(out, "equipe-nord") || !strings.Contains(out, "Temporary password") {
		t.Fatalf("create: exit %d\n%s", code, out)
	}
	out, code = roster(t, dir, "org", "create", "--name", "Acme", "--owner-email", "boss@acme.example", "--owner-password", "long enough", "--plan", "starter")
	if code != 0 {
		t.Fatalf("create: exit %d\n%s", code, out)
	}
	if out, code := roster(t, dir, "org", "create", "--name", "Again", "--owner-email", "BOSS@acme.example", "--owner-password", "long enough"); code == 0 || !strings.Contains(out, "already has an account") {
		t.Fatalf("duplicate email: exit %d\n%s", code, out)
	}
	out, code = roster(t, dir, "org", "list")
	if code != 0 || !strings.Contains(out, "equipe-nord  Équipe Nord") || !strings.Contains(out, "starter") || !strings.Contains(out, "boss@acme.example") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	out, code = roster(t, dir, "audit", "verify")
	if code != 0 || strings.Count(out, "chain verified") != 2 {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE auditLog SET actorLabel = 'someone else' WHERE rowid = (SELECT min(rowid) FROM auditLog)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, code = roster(t, dir, "audit", "verify")
	if code == 0 || !strings.Contains(out, "chain broken at row 1") {
		t.Fatalf("verify after tampering: exit %d\n%s", code, out)
	}
}

func TestServeOnAFreshInstance(t *testing.T) {
	s := startServer(t, t.TempDir())
	if s.Setup() == "" {
		t.Fatalf("no setup link printed:\n%s", s.Output())
	}
	res, err := http.Get(s.URL + "/api/setup")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	out := s.Output()
	if strings.Contains(out, "pbinstall") {
		t.Errorf("PocketBase's installer link is printed:\n%s", out)
	}
	if strings.Contains(out, "SELECT") {
		t.Errorf("dev mode is on (SQL printed):\n%s", out)
	}
}

func TestDataDirFromEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "elsewhere")
	cmd := exec.Command(binary, "org", "list")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "ROSTER_DATA_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
		t.Fatalf("ROSTER_DATA_DIR ignored: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cmd.Dir, "roster_data")); err == nil {
		t.Fatal("the default data dir was used despite ROSTER_DATA_DIR")
	}
}
