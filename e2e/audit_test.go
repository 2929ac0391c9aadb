package e2e

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// The keyed audit chain through the binary (docs/reliability.md §9): someone who can rewrite
// data.db but has no instance key cannot edit a row and recompute the chain, nor delete
// the newest rows, nor put an older head back, without `roster audit verify` and
// `roster doctor` exiting non-zero and naming the row; a healthy instance passes both;
// and `migrate up` turns a chain written before §14 into a keyed one.
func TestAuditChainAttacks(t *testing.T) {
	healthy := t.TempDir()
	if out, code := roster(t, healthy, "demo", "--org", "carto", "--members", "20", "--seed", "3", "--password", "demo password 42"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	for i := range 9 {
		if out, code := roster(t, healthy, "invite", "--org", "carto", "--email", fmt.Sprintf("guest%d@example.com", i)); code != 0 {
			t.Fatalf("invite: exit %d\n%s", code, out)
		}
	}
	if out, code := roster(t, healthy, "audit", "verify"); code != 0 || !strings.Contains(out, "11 rows, chain verified, head sealed at row 11") {
		t.Fatalf("verify on a healthy instance: exit %d\n%s", code, out)
	}
	if out, code := roster(t, healthy, "doctor"); code != 0 || !strings.Contains(out, "OK    audit hash chains") {
		t.Fatalf("doctor on a healthy instance: exit %d\n%s", code, out)
	}

	wrongKey := make([]byte, 32)
	rand.Read(wrongKey)
	attacks := []struct {
		name   string
		attack func(db *sql.DB, org string) error
		want   string
	}{
		{"row 4 rewritten, the chain recomputed with plain SHA-256", func(db *sql.DB, org string) error {
			return rewriteAndRechain(db, org, 4, nil)
		}, "chain broken at row 4: its content does not match its hash"},
		{"row 4 rewritten, the chain recomputed with HMAC under another key", func(db *sql.DB, org string) error {
			return rewriteAndRechain(db, org, 4, wrongKey)
		}, "chain broken at row 4: its content does not match its hash"},
		{"the newest 5 rows deleted", func(db *sql.DB, org string) error {
			_, err := db.Exec("DELETE FROM auditLog WHERE org = ? AND seq > 6", org)
			return err
		}, "chain broken at row 7: rows 7 to 11 are missing"},
		{"the newest 5 rows deleted and the head row deleted too", func(db *sql.DB, org string) error {
			if _, err := db.Exec("DELETE FROM auditLog WHERE org = ? AND seq > 6", org); err != nil {
				return err
			}
			_, err := db.Exec("DELETE FROM auditHeads WHERE org = ?", org)
			return err
		}, "chain broken at row 6: the chain has no sealed head"},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			dir := copyOf(t, healthy)
			withDB(t, dir, func(db *sql.DB) error { return a.attack(db, chainOrg(t, db)) })
			out, code := roster(t, dir, "audit", "verify")
			if code == 0 || !strings.Contains(out, a.want) {
				t.Fatalf("verify: exit %d, want %q in\n%s", code, a.want, out)
			}
			out, code = roster(t, dir, "doctor")
			if code == 0 || !strings.Contains(out, "FAIL  audit hash chains") || !strings.Contains(out, a.want) {
				t.Fatalf("doctor: exit %d, want %q in\n%s", code, a.want, out)
			}
		})
	}

	t.Run("an older head put back after deleting the rows written since", func(t *testing.T) {
		dir := copyOf(t, healthy)
		var seq int64
		var h, seal string
		withDB(t, dir, func(db *sql.DB) error {
			return db.QueryRow("SELECT seq, hash, seal FROM auditHeads WHERE org = ?", chainOrg(t, db)).Scan(&seq, &h, &seal)
		})
		for i := range 3 {
			if out, code := roster(t, dir, "invite", "--org", "carto", "--email", fmt.Sprintf("later%d@example.com", i)); code != 0 {
				t.Fatalf("invite: exit %d\n%s", code, out)
			}
		}
		withDB(t, dir, func(db *sql.DB) error {
			org := chainOrg(t, db)
			if _, err := db.Exec("DELETE FROM auditLog WHERE org = ? AND seq > ?", org, seq); err != nil {
				return err
			}
			_, err := db.Exec("UPDATE auditHeads SET seq = ?, hash = ?, seal = ? WHERE org = ?", seq, h, seal, org)
			return err
		})
		want := "chain broken at row 12: rows 12 to 14 are missing: the head witness"
		if out, code := roster(t, dir, "audit", "verify"); code == 0 || !strings.Contains(out, want) {
			t.Fatalf("verify: exit %d, want %q in\n%s", code, want, out)
		}
		if out, code := roster(t, dir, "doctor"); code == 0 || !strings.Contains(out, want) {
			t.Fatalf("doctor: exit %d, want %q in\n%s", code, want, out)
		}
	})

	t.Run("migrate up re-keys a chain written before the keyed chain", func(t *testing.T) {
		dir := copyOf(t, healthy)
		withDB(t, dir, func(db *sql.DB) error {
			if err := rechain(db, chainOrg(t, db), 1, nil); err != nil {
				return err
			}
			if _, err := db.Exec("DROP TABLE auditHeads"); err != nil {
				return err
			}
			_, err := db.Exec("DELETE FROM _migrations WHERE file = '1795601400_audit_keyed.go'")
			return err
		})
		if err := os.RemoveAll(filepath.Join(dir, "audit_heads")); err != nil {
			t.Fatal(err)
		}
		if out, code := roster(t, dir, "migrate", "up"); code != 0 {
			t.Fatalf("migrate up: exit %d\n%s", code, out)
		}
		if out, code := roster(t, dir, "audit", "verify"); code != 0 || !strings.Contains(out, "12 rows, chain verified, head sealed at row 12") {
			t.Fatalf("verify after the migration: exit %d\n%s", code, out)
		}
		// All 11 rows passed the plain SHA-256 check before being re-hashed.
		withDB(t, dir, func(db *sql.DB) error {
			var details string
			err := db.QueryRow("SELECT details FROM auditLog WHERE action = 'audit.rekeyed' AND seq = 12").Scan(&details)
			if err == nil && details != `{"rows":11,"verified":11}` {
				err = fmt.Errorf("the audit.rekeyed row says %s", details)
			}
			return err
		})
		if out, code := roster(t, dir, "doctor"); code != 0 {
			t.Fatalf("doctor after the migration: exit %d\n%s", code, out)
		}
	})
}

func copyOf(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	copyDir(t, src, dst)
	return dst
}

// chainOrg is the organisation with the most audit rows (the demo's).
func chainOrg(t *testing.T, db *sql.DB) string {
	t.Helper()
	var org string
	if err := db.QueryRow("SELECT org FROM auditLog GROUP BY org ORDER BY count(*) DESC LIMIT 1").Scan(&org); err != nil {
		t.Fatal(err)
	}
	return org
}

func withDB(t *testing.T, dir string, f func(*sql.DB) error) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := f(db); err != nil {
		t.Fatal(err)
	}
}

// rewriteAndRechain edits row seq's details and recomputes the chain from it.
func rewriteAndRechain(db *sql.DB, org string, seq int64, key []byte) error {
	if _, err := db.Exec(`UPDATE auditLog SET details = '{"forged":true}' WHERE org = ? AND seq = ?`, org, seq); err != nil {
		return err
	}
	return rechain(db, org, seq, key)
}

// rechain recomputes org's chain from row from on as the attacker would, knowing the
// row format (it is in the source): plain SHA-256 when key is nil, else HMAC-SHA256
// under key (each message led by what it seals); and it reseals the head row, if there
// is one, the same way.
func rechain(db *sql.DB, org string, from int64, key []byte) error {
	sum := func(what string, fields ...string) string {
		h := sha256.New()
		if key != nil {
			h = hmac.New(sha256.New, key)
			fields = append([]string{what}, fields...)
		}
		for _, v := range fields {
			fmt.Fprintf(h, "%d:%s;", len(v), v)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	var prev string
	if err := db.QueryRow("SELECT coalesce((SELECT hash FROM auditLog WHERE org = ? AND seq = ?), '')", org, from-1).Scan(&prev); err != nil {
		return err
	}
	rows, err := db.Query(`SELECT id, seq, actor, actorLabel, action, targetType, targetId, targetLabel, details, ip, at
		FROM auditLog WHERE org = ? AND seq >= ? ORDER BY seq`, org, from)
	if err != nil {
		return err
	}
	type link struct {
		id, prev, hash string
		seq            int64
	}
	var chain []link
	for rows.Next() {
		var id, actor, actorLabel, action, targetType, targetID, targetLabel, details, ip, at string
		var seq int64
		if err := rows.Scan(&id, &seq, &actor, &actorLabel, &action, &targetType, &targetID, &targetLabel, &details, &ip, &at); err != nil {
			return err
		}
		d := json.NewDecoder(strings.NewReader(details))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			return err
		}
		canonical, _ := json.Marshal(v)
		l := link{id: id, prev: prev, seq: seq}
		l.hash = sum("row", prev, org, fmt.Sprint(seq), actor, actorLabel, action, targetType, targetID, targetLabel,
			string(canonical), ip, at)
		chain, prev = append(chain, l), l.hash
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, l := range chain {
		if _, err := db.Exec("UPDATE auditLog SET prevHash = ?, hash = ? WHERE id = ?", l.prev, l.hash, l.id); err != nil {
			return err
		}
	}
	last := chain[len(chain)-1]
	seal := sum("head", org, fmt.Sprint(last.seq), last.hash)
	_, err = db.Exec("UPDATE auditHeads SET seq = ?, hash = ?, seal = ? WHERE org = ?", last.seq, last.hash, seal, org)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		err = nil // a chain from before the sealed heads
	}
	return err
}
