package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// procResult is what the real binary showed at the largest size.
type procResult struct {
	members     int
	binBytes    int64
	coldStarts  []time.Duration // exec → first 200 from /api/health
	dbStart     sizes
	dbEnd       sizes
	rssIdle     int64  // kB, after the cold start
	rssEnd, hwm int64  // kB, after the load test
	rssParts    string // RssAnon, RssFile, RssShmem after the load test
	load        *loadResult
	logBusy     int // "database is locked"/SQLITE_BUSY in the server's stored logs
	logErrors   int // error-level entries in the server's stored logs
	stderrBusy  int // the same in its stderr
	stderrLines int
}

// sizes are data.db's and its WAL's bytes.
type sizes struct{ db, wal int64 }

func dbSizes(dir string) sizes {
	var s sizes
	if fi, err := os.Stat(filepath.Join(dir, "data.db")); err == nil {
		s.db = fi.Size()
	}
	if fi, err := os.Stat(filepath.Join(dir, "data.db-wal")); err == nil {
		s.wal = fi.Size()
	}
	return s
}

func dbSize(dir string) int64 { s := dbSizes(dir); return s.db + s.wal }

// server is one running `roster serve`.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
	done   chan error
}

// runProcess builds the real binary, copies the template of n members, times three cold
// starts to healthy, reads the process's memory, and runs the load test on the last one.
func runProcess(n int) *procResult {
	work, err := os.MkdirTemp("", "roster-bench-proc-")
	must(err)
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "roster")
	t0 := time.Now()
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	must(build.Run())
	fi, err := os.Stat(bin)
	must(err)
	log.Printf("built %s in %s", bin, time.Since(t0).Round(time.Millisecond))
	r := &procResult{members: n, binBytes: fi.Size()}

	dir := filepath.Join(work, "data")
	t0 = time.Now()
	copyDir(template(n), dir)
	log.Printf("copied the %d-member template in %s", n, time.Since(t0).Round(time.Millisecond))
	plan := prepare(dir)
	r.dbStart = dbSizes(dir)

	var srv *server
	for i := range 3 {
		var took time.Duration
		srv, took = start(bin, dir)
		r.coldStarts = append(r.coldStarts, took)
		log.Printf("cold start %d: %s", i+1, took.Round(time.Millisecond))
		if i < 2 {
			srv.stop()
		}
	}
	time.Sleep(time.Second)
	r.rssIdle, _, _ = memory(srv.cmd.Process.Pid)
	if want("load") {
		r.load = runLoad(srv, plan)
	}
	r.rssEnd, r.hwm, _ = memory(srv.cmd.Process.Pid)
	r.rssParts = rssParts(srv.cmd.Process.Pid)
	r.dbEnd = dbSizes(dir)
	srv.stop()
	for _, l := range strings.Split(srv.stderr.String(), "\n") {
		if strings.TrimSpace(l) != "" {
			r.stderrLines++
		}
		if busy([]byte(l)) {
			r.stderrBusy++
		}
	}
	r.logBusy, r.logErrors = storedLogs(dir)
	return r
}

// copyDir copies the regular files of a data dir (not its lock and notify files).
func copyDir(from, to string) {
	must(os.MkdirAll(to, 0o755))
	entries, err := os.ReadDir(from)
	must(err)
	for _, en := range entries {
		if !en.Type().IsRegular() || strings.HasSuffix(en.Name(), "-shm") {
			continue
		}
		src, err := os.Open(filepath.Join(from, en.Name()))
		must(err)
		dst, err := os.Create(filepath.Join(to, en.Name()))
		must(err)
		_, err = io.Copy(dst, src)
		must(err)
		src.Close()
		must(dst.Close())
	}
}

// prepare applies pending migrations to the copy (so that each cold start is a restart,
// not an upgrade), exempts 127.0.0.1 from the rate limiter (the load test is every user at
// once from one address; the limiter stays on for every other address) and draws the load
// test's members.
func prepare(dir string) *loadPlan {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	must(app.Bootstrap())
	defer func() { must(app.ResetBootstrapState()) }()
	must(app.RunAllMigrations())
	s := app.Settings()
	s.RateLimits.ExcludedIPs = append(s.RateLimits.ExcludedIPs, "127.0.0.1")
	must(app.Save(s))
	return newLoadPlan(app)
}

// start execs `roster serve` on a free loopback port and waits for /api/health to answer
// 200, polling every 2 ms; it returns the time from exec to that answer.
func start(bin, dir string) (*server, time.Duration) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	srv := &server{url: "http://" + addr, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	srv.cmd = exec.Command(bin, "serve", "--http", addr, "--dir", dir)
	srv.cmd.Stdout = io.Discard
	srv.cmd.Stderr = srv.stderr
	t0 := time.Now()
	must(srv.cmd.Start())
	go func() { srv.done <- srv.cmd.Wait() }()
	for {
		st, _, err := do("GET", srv.url+"/api/health", "", nil)
		if err == nil && st == 200 {
			return srv, time.Since(t0)
		}
		select {
		case err := <-srv.done:
			log.Fatalf("roster serve exited before it was healthy: %v\n%s", err, srv.stderr.String())
		case <-time.After(2 * time.Millisecond):
		}
		if time.Since(t0) > time.Minute {
			log.Fatalf("roster serve not healthy after a minute\n%s", srv.stderr.String())
		}
	}
}

// stop sends SIGTERM (a graceful stop) and waits for the process.
func (s *server) stop() {
	must(s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		log.Fatal("roster serve did not stop within 30 s of SIGTERM")
	}
}

// memory reads VmRSS, VmHWM and RssAnon (kB) of pid.
func memory(pid int) (rss, hwm, anon int64) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		case "RssAnon:":
			anon = v
		}
	}
	return rss, hwm, anon
}

// rssParts is what the resident memory of pid is made of: anonymous (Go's heap and
// SQLite's page caches), file-backed (the binary and the database's mapped pages) and
// shared (SQLite's WAL index).
func rssParts(pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	var parts []string
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && (f[0] == "RssAnon:" || f[0] == "RssFile:" || f[0] == "RssShmem:") {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			parts = append(parts, fmt.Sprintf("%s %.1f MiB", strings.TrimPrefix(strings.TrimSuffix(f[0], ":"), "Rss"), float64(kb)/1024))
		}
	}
	return strings.Join(parts, ", ")
}

// storedLogs counts, in the stopped server's log store (auxiliary.db), the entries that
// report lock contention and the error-level ones.
func storedLogs(dir string) (busyN, errorsN int) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	must(app.Bootstrap())
	defer func() { must(app.ResetBootstrapState()) }()
	must(app.AuxDB().NewQuery(`SELECT count(*) FROM _logs WHERE message LIKE '%database is locked%' OR data LIKE '%database is locked%'
		OR message LIKE '%SQLITE_BUSY%' OR data LIKE '%SQLITE_BUSY%' OR data LIKE '%database table is locked%'`).Row(&busyN))
	must(app.AuxDB().NewQuery("SELECT count(*) FROM _logs WHERE level >= 8").Row(&errorsN))
	return busyN, errorsN
}

// lockedBuffer is a bytes.Buffer safe for the process's writes and our reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
