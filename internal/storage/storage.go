// Package storage owns how Roster's SQLite connections meet the disk, for every
// connection the process opens (importing the package is enough) and through Register:
//
//   - No checkpoint on a commit. By default SQLite checkpoints inside the commit that
//     grows the write-ahead log past 1 000 pages, so one change in a few dozen waited
//     for the copy of the log into the database file and its fsync (~15 ms here): that
//     tail was most of a member change's p95 (docs/benchmarks.md).
//   - Checkpoints in the background, in a quiet moment. Register checkpoints on a
//     connection of its own, without blocking readers or writers (PASSIVE), once an
//     Interval has passed without a commit, or after MaxDelay under a write load that
//     never pauses: a checkpoint's fsyncs slow the commits they meet (on the benchmark's
//     1 GB database a bulk change that met one took 200 ms instead of 50).
//   - Reads through a memory map (MmapSize). In WAL mode every commit makes the other
//     connections drop their page caches, so under sign-ins (each writes lastLogin) a
//     read copied its pages in again; mapped, the pages are read in place from the
//     operating system's cache, which all connections share. The list's p95 under a
//     flood of sign-ins went from about 2.5× to 1.6× idle, and the anonymous memory
//     after the load test from 203 to 95 MiB (docs/benchmarks.md). The mapped pages
//     count in the process's RSS as file pages: they are the page cache, not a heap.
package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"modernc.org/sqlite"
)

// Interval is how often the checkpointer looks for commits; a log with commits but
// none in the last Interval is checkpointed.
const Interval = 250 * time.Millisecond

// MaxDelay is the longest a log with commits waits for a quiet Interval.
const MaxDelay = 5 * time.Second

// MmapSize is how much of a database file a connection reads through a memory map
// (SQLite's own ceiling by default, 2 GB less 64 kB; past it, reads are copied).
const MmapSize = 0x7fff0000

func init() {
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		_, err := conn.ExecContext(context.Background(),
			"PRAGMA wal_autocheckpoint=0; PRAGMA mmap_size="+strconv.Itoa(MmapSize), nil)
		return err
	})
}

// Register checkpoints app's databases from its bootstrap until it terminates. An app
// that is already bootstrapped (a test app: tests.NewTestApp bootstraps it) is
// checkpointed from now on, so that tests and benchmarks run as the binary does.
func Register(app core.App) {
	if app.IsBootstrapped() {
		stopOnTerminate(app, Start(app))
		return
	}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		stopOnTerminate(e.App, Start(e.App))
		return nil
	})
}

// stopOnTerminate stops the checkpointer before app's databases close.
func stopOnTerminate(app core.App, stop func()) {
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop()
		return e.Next()
	})
}

// Start checkpoints the databases (data and auxiliary) of a bootstrapped app until
// stop is called; stop returns once the checkpointer has let go of its connections, so
// that the databases can be closed right after.
func Start(app core.App) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	var once sync.Once
	go func() {
		defer close(finished)
		run(app, done)
	}()
	return func() {
		once.Do(func() { close(done) })
		<-finished
	}
}

func run(app core.App, stop <-chan struct{}) {
	logs := []*watch{{db: app.ConcurrentDB()}, {db: app.AuxConcurrentDB()}}
	defer func() {
		for _, w := range logs {
			w.close()
		}
	}()
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			for _, w := range logs {
				if _, err := w.look(now); err != nil {
					app.Logger().Warn("checkpointing the write-ahead log", "error", err)
				}
			}
		}
	}
}

// watch is one database's log as the checkpointer sees it, through a connection it
// keeps: PRAGMA data_version changes on a connection when another one commits.
type watch struct {
	db      dbx.Builder
	conn    *sql.Conn
	version int64
	dirty   bool      // commits since the last checkpoint
	since   time.Time // the first of them seen
}

// look checkpoints the log when it is due: commits since the last checkpoint, and
// none since the last look, or MaxDelay since they began. It says whether it did.
func (w *watch) look(now time.Time) (checkpointed bool, err error) {
	if w.conn == nil {
		db, ok := w.db.(*dbx.DB)
		if !ok {
			return false, fmt.Errorf("storage: %T is not a database", w.db)
		}
		conn, err := db.DB().Conn(context.Background())
		if err != nil {
			return false, err
		}
		w.conn = conn
	}
	var v int64
	if err := w.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		return false, err
	}
	committed := v != w.version
	w.version = v
	if committed && !w.dirty {
		w.dirty, w.since = true, now
	}
	if !w.dirty || (committed && now.Sub(w.since) < MaxDelay) {
		return false, nil
	}
	var busy, log, copied int
	if err := w.conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err != nil {
		return false, err
	}
	w.dirty = log != copied // readers kept part of it: look again
	w.since = now
	return true, nil
}

func (w *watch) close() {
	if w.conn != nil {
		w.conn.Close()
	}
}
