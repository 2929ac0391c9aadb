package wal_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/testapp"
	"roster/internal/wal"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// No connection checkpoints on commit: the writer's, and every reader's.
func TestNoConnectionCheckpointsOnCommit(t *testing.T) {
	app := testapp.New(t)
	for name, db := range map[string]dbx.Builder{"data": app.DB(), "writer": app.NonconcurrentDB(), "aux": app.AuxDB()} {
		for range 3 {
			var n int
			if err := db.NewQuery("PRAGMA wal_autocheckpoint").Row(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("%s: wal_autocheckpoint = %d, want 0", name, n)
			}
		}
	}
}

// Checkpoint copies the whole log, which commits no longer do.
func TestCheckpointCopiesTheLog(t *testing.T) {
	app := testapp.New(t)
	db := app.NonconcurrentDB()
	if _, err := db.NewQuery("CREATE TABLE walTest (v TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		if _, err := db.NewQuery("INSERT INTO walTest (v) VALUES ({:v})").Bind(dbx.Params{"v": strings.Repeat("x", 200_000)}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	var r struct {
		Log    int `db:"log"`
		Copied int `db:"checkpointed"`
	}
	copied, err := wal.Checkpoint(app.DB())
	if err != nil {
		t.Fatal(err)
	}
	if err := app.DB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").One(&r); err != nil {
		t.Fatal(err)
	}
	// ~2 000 pages were written: with SQLite's default, commits would have checkpointed
	// (and restarted) the log past 1 000; here the log holds them all until Checkpoint.
	if copied < 1500 || r.Log != r.Copied {
		t.Fatalf("copied %d frames; then log %d, checkpointed %d", copied, r.Log, r.Copied)
	}
}
