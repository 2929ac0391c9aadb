// Package wal owns when SQLite's write-ahead log is checkpointed: never on a request's
// commit, always in the background. By default SQLite checkpoints inside the commit
// that grows the log past 1 000 pages, so one change in a few dozen waits for the
// copy of the log into the database file and its fsync (~15 ms here): that commit
// tail was most of a member change's p95 (docs/benchmarks.md). Importing the package
// turns the automatic checkpoint off on every SQLite connection the process opens;
// Register checkpoints every Interval while the app runs, on a connection of its own,
// without blocking readers or writers (PASSIVE).
package wal

import (
	"context"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"modernc.org/sqlite"
)

// Interval is how often the log is checkpointed.
const Interval = time.Second

func init() {
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		_, err := conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint=0", nil)
		return err
	})
}

// Register checkpoints app's databases every Interval from its bootstrap until it
// terminates.
func Register(app core.App) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		stop := Start(e.App)
		e.App.OnTerminate().BindFunc(func(te *core.TerminateEvent) error {
			stop()
			return te.Next()
		})
		return nil
	})
}

// Start checkpoints the databases (data and auxiliary) of a bootstrapped app every
// Interval until stop is called.
func Start(app core.App) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	go run(app, done)
	return func() { once.Do(func() { close(done) }) }
}

func run(app core.App, stop <-chan struct{}) {
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			for _, db := range []dbx.Builder{app.DB(), app.AuxDB()} {
				if _, err := Checkpoint(db); err != nil {
					app.Logger().Warn("checkpointing the write-ahead log", "error", err)
				}
			}
		}
	}
}

// Checkpoint copies what it can of db's log into the database file without waiting
// for readers or writers, and says how many log frames it copied.
func Checkpoint(db dbx.Builder) (copied int, err error) {
	var r struct {
		Busy   int `db:"busy"`
		Log    int `db:"log"`
		Copied int `db:"checkpointed"`
	}
	err = db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").One(&r)
	return r.Copied, err
}
