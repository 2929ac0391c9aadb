package audit_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/keyring"
	"roster/internal/testapp"
)

func exec(t *testing.T, app core.App, sql string) {
	t.Helper()
	if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func verify(t *testing.T, app core.App, org string) audit.Report {
	t.Helper()
	rep, err := audit.Verify(app, org)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func broken(t *testing.T, rep audit.Report, at int64, reason string) {
	t.Helper()
	if rep.OK || rep.BrokeAt != at || !strings.Contains(rep.Reason, reason) {
		t.Fatalf("want the chain broken at row %d (%q), got %+v", at, reason, rep)
	}
}

func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// A row rewritten in SQL and the chain after it recomputed no longer verifies: not
// with plain SHA-256 (the chain before it was keyed), not with HMAC under another key,
// even with the head row resealed to match. Recomputed under the instance's own key
// (which data.db does not hold), the rows and head pass and only the witness file,
// which SQL cannot reach, still names the old head: proof that the forgery above is
// faithful and that the key is what stops it.
func TestARewrittenAndRehashedChainDoesNotVerify(t *testing.T) {
	rewrite := `UPDATE auditLog SET details = '{"after":{"status":"active"}}' WHERE org = 'orgA' AND seq = 3`
	for name, key := range map[string][]byte{"plain SHA-256": nil, "HMAC under another key": randomKey()} {
		t.Run(name, func(t *testing.T) {
			app := testapp.New(t)
			writeN(t, app, "orgA", 6)
			exec(t, app, rewrite)
			if err := audit.ForgeChain(app, "orgA", 3, key); err != nil {
				t.Fatal(err)
			}
			broken(t, verify(t, app, "orgA"), 3, "does not match its hash (the row was modified)")
		})
	}
	t.Run("the instance's own key", func(t *testing.T) {
		app := testapp.New(t)
		writeN(t, app, "orgA", 6)
		exec(t, app, rewrite)
		key, err := keyring.Derive(app, "roster audit chain v1")
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.ForgeChain(app, "orgA", 3, key); err != nil {
			t.Fatal(err)
		}
		broken(t, verify(t, app, "orgA"), 6, "is not the row the head witness")
		if err := os.Remove(audit.WitnessPath(app, "orgA")); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, app, "orgA"); !rep.OK {
			t.Fatalf("the forgery under the right key is not faithful: %+v", rep)
		}
	})
}

// Deleting a chain's newest rows leaves the links of the rest whole; the sealed head
// names the rows that are gone, and later writes do not paper over the gap.
func TestDeletingTheNewestRowsIsDetected(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 10)
	writeN(t, app, "orgB", 2)
	if rep := verify(t, app, "orgA"); !rep.OK || rep.Rows != 10 || rep.Head != 10 {
		t.Fatalf("%+v", rep)
	}
	exec(t, app, "DELETE FROM auditLog WHERE org = 'orgA' AND seq > 5")
	broken(t, verify(t, app, "orgA"), 6, "rows 6 to 10 are missing: the sealed head names row 10")

	writeN(t, app, "orgA", 1)
	broken(t, verify(t, app, "orgA"), 11, "expected row 6: a row is missing")
	if rep := verify(t, app, "orgB"); !rep.OK {
		t.Fatalf("another organisation's chain: %+v", rep)
	}
}

// Whoever can write data.db can keep a copy of an older head row and put it back after
// deleting the rows written since, or delete the head row: the witness file, out of
// SQL's reach, still names the newest row, and no later write moves it.
func TestAnOlderHeadPutBackIsCaughtByTheWitness(t *testing.T) {
	type headRow struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
		Seal string `db:"seal"`
	}
	for _, headToo := range []string{"put back", "deleted"} {
		t.Run("the head row "+headToo, func(t *testing.T) {
			app := testapp.New(t)
			writeN(t, app, "orgA", 5)
			var old headRow
			if err := app.DB().NewQuery("SELECT seq, hash, seal FROM auditHeads WHERE org = 'orgA'").One(&old); err != nil {
				t.Fatal(err)
			}
			writeN(t, app, "orgA", 5)
			exec(t, app, "DELETE FROM auditLog WHERE org = 'orgA' AND seq > 5")
			if headToo == "deleted" {
				exec(t, app, "DELETE FROM auditHeads WHERE org = 'orgA'")
				broken(t, verify(t, app, "orgA"), 5, "the chain has no sealed head")
			} else {
				_, err := app.DB().NewQuery("UPDATE auditHeads SET seq = {:s}, hash = {:h}, seal = {:seal} WHERE org = 'orgA'").
					Bind(dbx.Params{"s": old.Seq, "h": old.Hash, "seal": old.Seal}).Execute()
				if err != nil {
					t.Fatal(err)
				}
				broken(t, verify(t, app, "orgA"), 6, "rows 6 to 10 are missing: the head witness")
			}

			// Later changes write rows 6 to 12 again: the witness still names the old row 10.
			writeN(t, app, "orgA", 7)
			broken(t, verify(t, app, "orgA"), 10, "is not the row the head witness")
		})
	}
}

func TestAChainDeletedWholeIsReported(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 3)
	writeN(t, app, "orgB", 3)
	exec(t, app, "DELETE FROM auditLog WHERE org = 'orgA'")
	reports, err := audit.VerifyAll(app)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 2 || reports[0].Org != "orgA" || reports[0].OK || !strings.Contains(reports[0].Reason, "rows 1 to 3 are missing") || !reports[1].OK {
		t.Fatalf("%+v", reports)
	}
	exec(t, app, "DELETE FROM auditHeads WHERE org = 'orgA'")
	reports, _ = audit.VerifyAll(app)
	if len(reports) != 2 || reports[0].OK || !strings.Contains(reports[0].Reason, "the head witness") {
		t.Fatalf("with its head row deleted too: %+v", reports)
	}
}

func TestAForgedHeadIsDetected(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 4)
	exec(t, app, "UPDATE auditHeads SET seq = 9 WHERE org = 'orgA'")
	broken(t, verify(t, app, "orgA"), 4, "does not match its seal")

	app = testapp.New(t)
	writeN(t, app, "orgA", 4)
	path := audit.WitnessPath(app, "orgA")
	raw, _ := os.ReadFile(path)
	if err := os.WriteFile(path, bytes.Replace(raw, []byte("4 "), []byte("9 "), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	broken(t, verify(t, app, "orgA"), 5, "does not match its seal (it was forged)")
}

// The witness file is written after the commit, so it may lag behind (a crash between
// the two, two processes racing): an older witness of a row the chain holds is not an
// alarm, and the next write moves it on.
func TestALaggingWitnessIsNotAnAlarm(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 3)
	path := audit.WitnessPath(app, "orgA")
	old, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(old), "00000000000000000003 ") {
		t.Fatalf("witness %q: %v", old, err)
	}
	if dir := filepath.Join(app.DataDir(), audit.WitnessDir); filepath.Dir(path) != dir {
		t.Fatalf("the witness %s is not in %s", path, dir)
	}
	writeN(t, app, "orgA", 2)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, app, "orgA"); !rep.OK {
		t.Fatalf("%+v", rep)
	}
	writeN(t, app, "orgA", 1)
	if now, _ := os.ReadFile(path); !strings.HasPrefix(string(now), "00000000000000000006 ") {
		t.Fatalf("the witness did not move on: %q", now)
	}
	// Instance rows (no organisation) have their own witness.
	writeN(t, app, "", 1)
	if _, err := os.Stat(filepath.Join(app.DataDir(), audit.WitnessDir, "instance.head")); err != nil {
		t.Fatal(err)
	}
	if reports, _ := audit.VerifyAll(app); len(reports) != 2 || !reports[0].OK || reports[0].Org != "" {
		t.Fatalf("%+v", reports)
	}
}

// Under another instance key (a restore without <data>/.roster_key), the log no longer
// verifies from its first row, and the reason says the key may be why.
func TestAnotherKeyDoesNotVerifyTheLog(t *testing.T) {
	t.Setenv(keyring.Env, "")
	app := testapp.New(t)
	writeN(t, app, "orgA", 2)
	t.Setenv(keyring.Env, base64.StdEncoding.EncodeToString(randomKey()))
	keyring.Forget(app)
	broken(t, verify(t, app, "orgA"), 1, "ROSTER_ENCRYPTION_KEY or <data>/.roster_key, is not the one that wrote the log")
}

type rekeyed struct {
	Seq     int64  `db:"seq"`
	Actor   string `db:"actor"`
	Details string `db:"details"`
}

func rekeyRow(t *testing.T, app core.App, org string) rekeyed {
	t.Helper()
	var r rekeyed
	err := app.DB().NewQuery("SELECT seq, actor, details FROM auditLog WHERE org = {:o} AND action = 'audit.rekeyed'").
		Bind(dbx.Params{"o": org}).One(&r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The migration's step: a chain written before it was keyed is checked as it was, then
// re-hashed under the key and sealed by one audit.rekeyed row; it verifies, and an
// edit after it is caught.
func TestRekeyConvertsAPlainChain(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 4)
	writeN(t, app, "orgB", 2)
	for _, org := range []string{"orgA", "orgB"} {
		if err := audit.Unkey(app, org); err != nil {
			t.Fatal(err)
		}
	}
	broken(t, verify(t, app, "orgA"), 1, "does not match its hash")
	if err := audit.Rekey(app); err != nil {
		t.Fatal(err)
	}
	for org, n := range map[string]int64{"orgA": 4, "orgB": 2} {
		if rep := verify(t, app, org); !rep.OK || rep.Head != n+1 {
			t.Fatalf("%s: %+v", org, rep)
		}
		r := rekeyRow(t, app, org)
		if r.Seq != n+1 || r.Actor != audit.ActorSystem || !strings.Contains(r.Details, `"verified":`) || strings.Contains(r.Details, "brokeAt") {
			t.Fatalf("%s: %+v", org, r)
		}
		if _, err := os.Stat(audit.WitnessPath(app, org)); err != nil {
			t.Fatalf("%s has no witness: %v", org, err)
		}
	}
	exec(t, app, "UPDATE auditLog SET actorLabel = 'x' WHERE org = 'orgA' AND seq = 2")
	broken(t, verify(t, app, "orgA"), 2, "does not match its hash")
}

// A chain already broken before the migration is not laundered: the rows before the
// break are re-hashed, the break is still reported at the same row, and the
// audit.rekeyed row says where it was.
func TestRekeyKeepsABreak(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 6)
	if err := audit.Unkey(app, "orgA"); err != nil {
		t.Fatal(err)
	}
	exec(t, app, "UPDATE auditLog SET actor = 'intruder' WHERE org = 'orgA' AND seq = 4")
	if err := audit.Rekey(app); err != nil {
		t.Fatal(err)
	}
	broken(t, verify(t, app, "orgA"), 4, "")
	r := rekeyRow(t, app, "orgA")
	if r.Seq != 7 || !strings.Contains(r.Details, `"brokeAt":4`) || !strings.Contains(r.Details, `"verified":3`) || !strings.Contains(r.Details, `"rows":6`) {
		t.Fatalf("%+v", r)
	}
	p := audit.Describe(audit.Row{Actor: "system", ActorLabel: "system", Action: "audit.rekeyed", Details: r.Details}, "fr")
	if p != "Le système a scellé le journal d’audit avec la clé de l’instance\u202f; la chaîne était déjà rompue à l’entrée 4 (3 entrées vérifiées sur 6)." {
		t.Fatalf("%q", p)
	}
}

// With no audit row yet (a new instance), the migration needs no key and writes none.
func TestRekeyOfNothingMakesNoKey(t *testing.T) {
	t.Setenv(keyring.Env, "")
	app := testapp.New(t)
	if err := audit.Rekey(app); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), keyring.File)); !os.IsNotExist(err) {
		t.Fatalf("a key file was written: %v", err)
	}
}
