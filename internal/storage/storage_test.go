package storage_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/storage"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// Every connection, the writer's and every reader's, never checkpoints on commit and
// reads through a memory map.
func TestEveryConnectionIsSetUp(t *testing.T) {
	app := testapp.New(t)
	for name, db := range map[string]dbx.Builder{"data": app.DB(), "writer": app.NonconcurrentDB(), "aux": app.AuxDB()} {
		for range 3 {
			var checkpoint, mmap int
			if err := db.NewQuery("PRAGMA wal_autocheckpoint").Row(&checkpoint); err != nil {
				t.Fatal(err)
			}
			if err := db.NewQuery("PRAGMA mmap_size").Row(&mmap); err != nil {
				t.Fatal(err)
			}
			if checkpoint != 0 || mmap != storage.MmapSize {
				t.Fatalf("%s: wal_autocheckpoint = %d, mmap_size = %d; want 0 and %d", name, checkpoint, mmap, storage.MmapSize)
			}
		}
	}
}

// Commits no longer checkpoint: after ~2 000 pages of commits the log still holds
// them all (SQLite's default would have checkpointed and restarted it past 1 000), and
// one checkpoint copies them.
func TestCommitsDoNotCheckpoint(t *testing.T) {
	app := storage.BareApp(t) // no checkpointer: the log must keep every commit
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
	if err := app.DB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").One(&r); err != nil {
		t.Fatal(err)
	}
	if r.Log < 1500 || r.Log != r.Copied {
		t.Fatalf("the log held %d frames, %d copied", r.Log, r.Copied)
	}
}
