package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestCrashInjection kills `roster serve` with SIGKILL at random moments of three
// operations — a bulk disable of 100 members, the acceptance of an invitation, the
// removal of a member who owns content (handed to another member) — then restarts it
// on the same data directory and proves each operation was all or nothing: through the
// restarted server's API, read-only SQL, and `roster doctor`.
//
// Each run copies a template data directory (seeded once with `roster demo`), signs the
// owner in, starts the operation and kills the server after a delay drawn from
// [0, 1.5 × the operation's typical duration]: its first run, killed right after its
// answer, measures it, and any faster answered run lowers it (a first run is slower). CRASH_RUNS sets the number of runs (default 10; `make
// crash` runs 200) and CRASH_SEED the random seed (logged, to replay a series).
func TestCrashInjection(t *testing.T) {
	runs := envInt(t, "CRASH_RUNS", 10)
	seed := int64(envInt(t, "CRASH_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("%d runs, seed %d (CRASH_SEED=%d CRASH_RUNS=%d replays the same choices)", runs, seed, seed, runs)

	template := t.TempDir()
	if out, code := roster(t, template, "demo", "--org", "crash", "--members", "300", "--seed", "11", "--password", demoPassword); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	fx := readCrashFixture(t, template)
	ops := []crashOp{bulkDisableOp(fx), acceptOp(fx), removalOp(fx)}
	typical := map[string]time.Duration{}
	tally := map[string]*crashTally{}
	for _, op := range ops {
		tally[op.name] = &crashTally{}
	}

	for i := 0; i < runs; i++ {
		op := ops[i%len(ops)]
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
		dir := filepath.Join(t.TempDir(), "data")
		copyDir(t, template, dir)

		p := launch(t, dir)
		owner := apiSignIn(t, p.server, fx.ownerEmail)
		c := op.prepare(t, rng, i, owner)
		after := time.Duration(-1) // the first run of an operation measures it
		if d, ok := typical[op.name]; ok {
			after = time.Duration(rng.Float64() * 1.5 * float64(d))
		}
		k := p.interrupt(t, c.method, c.path, c.token, c.body, after)
		if after < 0 && (!k.answered || k.status != 200) {
			t.Fatalf("run %d (%s): the measuring run answered %v, status %d", i, op.name, k.answered, k.status)
		}
		if d, ok := typical[op.name]; k.answered && (!ok || k.took < d) {
			typical[op.name] = k.took
		}
		if k.answered && k.status != 200 {
			t.Fatalf("run %d (%s): the operation answered %d before the kill", i, op.name, k.status)
		}

		// Restart on the crashed directory: SQLite recovers its WAL on opening.
		p = launch(t, dir)
		owner = apiSignIn(t, p.server, fx.ownerEmail)
		if got, want := owner.count(t, fx.org, ""), fx.countMembers(t, dir); got != want {
			t.Fatalf("run %d (%s): the member list says %d members, the database %d", i, op.name, got, want)
		}
		db := openReadOnly(t, dir)
		committed, err := c.outcome(db, owner)
		db.Close()
		if err != nil {
			t.Fatalf("run %d (%s) killed %s: not all or nothing: %v\n%s", i, op.name, k.when(after), err, p.Output())
		}
		if k.answered && !committed {
			t.Fatalf("run %d (%s): the server answered 200, then the change was lost", i, op.name)
		}
		p.stop(t)
		if out, code := roster(t, dir, "doctor"); code != 0 {
			t.Fatalf("run %d (%s) killed %s: roster doctor exit %d\n%s", i, op.name, k.when(after), code, out)
		}
		tally[op.name].add(k, committed)
		t.Logf("run %d %-7s killed %s → %s", i, op.name, k.when(after), map[bool]string{true: "committed", false: "rolled back"}[committed])
		os.RemoveAll(dir)
	}

	for _, op := range ops {
		t.Logf("%-7s typical %v: %s", op.name, typical[op.name].Round(time.Microsecond), tally[op.name])
	}
}

// crashFixture is what the runs need from the template, read once.
type crashFixture struct {
	org, ownerEmail string
	disablable      []crashMember     // active, signed in before, not the owner
	tokenKeys       map[string]string // user id → token key in the template
	holders         []string          // memberships (not the owner's) owning items or groups
	receivers       []string          // active creators and professionals (not the owner)
}

type crashMember struct{ id, user, email string }

func readCrashFixture(t *testing.T, dir string) crashFixture {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	fx := crashFixture{tokenKeys: map[string]string{}}
	row := db.QueryRow(`SELECT o.id, u.email FROM organizations o JOIN memberships m ON m.org = o.id AND m.role = 'owner'
		JOIN users u ON u.id = m.user WHERE o.slug = 'crash'`)
	if err := row.Scan(&fx.org, &fx.ownerEmail); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT m.id, u.id, u.email, u.tokenKey FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.org = ? AND m.role != 'owner' AND m.status = 'active' AND COALESCE(u.lastLogin, '') != '' ORDER BY m.id`, fx.org)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m crashMember
		var key string
		if err := rows.Scan(&m.id, &m.user, &m.email, &key); err != nil {
			t.Fatal(err)
		}
		fx.disablable = append(fx.disablable, m)
		fx.tokenKeys[m.user] = key
	}
	rows.Close()
	fx.holders = column(t, db, `SELECT m.id FROM memberships m WHERE m.org = ? AND m.role != 'owner'
		AND (EXISTS (SELECT 1 FROM items i WHERE i.owner = m.id) OR EXISTS (SELECT 1 FROM groups g WHERE g.owner = m.id)) ORDER BY m.id`, fx.org)
	fx.receivers = column(t, db, `SELECT id FROM memberships WHERE org = ? AND role != 'owner' AND status = 'active'
		AND userType IN ('creator', 'professional') ORDER BY id`, fx.org)
	if len(fx.disablable) < 150 || len(fx.holders) < 10 || len(fx.receivers) < 10 {
		t.Fatalf("the demo gave %d members to disable, %d content holders, %d receivers", len(fx.disablable), len(fx.holders), len(fx.receivers))
	}
	return fx
}

// countMembers counts the organisation's memberships in dir's database.
func (fx crashFixture) countMembers(t *testing.T, dir string) int {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM memberships WHERE org = ?`, fx.org).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// crashOp is one operation the test interrupts. prepare runs on a fresh server: it
// draws the operation's inputs and answers the request with the check of its outcome.
type crashOp struct {
	name    string
	prepare func(t *testing.T, rng *rand.Rand, run int, owner client) crashCase
}

// crashCase is one prepared operation. outcome runs on the restarted server: it answers
// whether the operation committed, or an error when it is neither all nor nothing.
type crashCase struct {
	method, path, token string
	body                any
	outcome             func(db *sql.DB, c client) (bool, error)
}

// bulkDisableOp disables 100 members at once: afterwards either all 100 are disabled,
// each with a new token key (their sessions revoked) and an audit row, or none is and
// every token key is unchanged. One of them signs in beforehand: their token works
// after the restart exactly when they are still active.
func bulkDisableOp(fx crashFixture) crashOp {
	return crashOp{name: "bulk", prepare: func(t *testing.T, rng *rand.Rand, run int, owner client) crashCase {
		picked := make([]crashMember, 100)
		for i, j := range rng.Perm(len(fx.disablable))[:100] {
			picked[i] = fx.disablable[j]
		}
		ids := make([]string, len(picked))
		for i, m := range picked {
			ids[i] = m.id
		}
		member := apiSignIn(t, owner.s, picked[0].email)
		return crashCase{method: "POST", path: "/api/orgs/" + fx.org + "/members/bulk", token: owner.token,
			body: map[string]any{"action": "disable", "ids": ids},
			outcome: func(db *sql.DB, c client) (bool, error) {
				disabled, revoked := 0, 0
				for _, m := range picked {
					var status, key string
					if err := db.QueryRow(`SELECT m.status, u.tokenKey FROM memberships m JOIN users u ON u.id = m.user WHERE m.id = ?`, m.id).Scan(&status, &key); err != nil {
						return false, fmt.Errorf("member %s: %v", m.id, err)
					}
					off, changed := status == "disabled", key != fx.tokenKeys[m.user]
					if off != changed {
						return false, fmt.Errorf("member %s is %s but its token key changed: %v", m.id, status, changed)
					}
					if off {
						disabled++
					}
					if changed {
						revoked++
					}
				}
				audited := count(db, `SELECT count(*) FROM auditLog WHERE action = 'members.disable' AND targetId IN (`+placeholders(len(ids))+`)`, anys(ids)...)
				if (disabled != 0 && disabled != 100) || audited != disabled {
					return false, fmt.Errorf("%d of 100 disabled, %d sessions revoked, %d audit rows", disabled, revoked, audited)
				}
				want := map[bool]int{true: 401, false: 200}[disabled == 100]
				if got := (client{s: c.s, token: member.token}).status(t, "GET", "/api/me", nil); got != want {
					return false, fmt.Errorf("with %d disabled, a token from before answers %d, want %d", disabled, got, want)
				}
				return disabled == 100, nil
			}}
	}}
}

// acceptOp accepts a fresh invitation: afterwards either it is still pending and no
// account has its address, or it is accepted and the account, the membership, its
// seat-ledger row (+1, joined) and its audit row exist, and the new member signs in.
func acceptOp(fx crashFixture) crashOp {
	return crashOp{name: "accept", prepare: func(t *testing.T, rng *rand.Rand, run int, owner client) crashCase {
		email := fmt.Sprintf("joiner%d.%d@crash.example", run, rng.IntN(1000))
		var res struct {
			Results []struct {
				Invitation struct{ ID, Link string }
			}
		}
		must(t, "invite", owner.send(t, "POST", "/api/orgs/"+fx.org+"/invitations", map[string]any{"emails": []string{email}}, &res), 200)
		if len(res.Results) != 1 || res.Results[0].Invitation.ID == "" {
			t.Fatalf("the invitation answered %+v", res)
		}
		m := joinToken.FindStringSubmatch(res.Results[0].Invitation.Link)
		if m == nil {
			t.Fatalf("no join link in %q", res.Results[0].Invitation.Link)
		}
		inv := res.Results[0].Invitation.ID
		return crashCase{method: "POST", path: "/api/invitations/" + m[1] + "/accept",
			body: map[string]any{"givenName": "Joiner", "familyName": strconv.Itoa(run), "password": demoPassword},
			outcome: func(db *sql.DB, c client) (bool, error) {
				var status, acceptedBy string
				if err := db.QueryRow(`SELECT status, COALESCE(acceptedBy, '') FROM invitations WHERE id = ?`, inv).Scan(&status, &acceptedBy); err != nil {
					return false, err
				}
				accounts := count(db, `SELECT count(*) FROM users WHERE email = ?`, email)
				members := count(db, `SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user WHERE u.email = ? AND m.id = ? AND m.org = ?`, email, acceptedBy, fx.org)
				seats := count(db, `SELECT count(*) FROM seatLedger WHERE membership = ? AND delta = 1 AND reason = 'joined'`, acceptedBy)
				audited := count(db, `SELECT count(*) FROM auditLog WHERE action = 'members.join' AND targetId = ?`, acceptedBy)
				signIn := signInStatus(t, c.s, email, demoPassword)
				switch state := fmt.Sprintf("%s %d %d %d %d %d", status, accounts, members, seats, audited, signIn); state {
				case "pending 0 0 0 0 400":
					return false, nil
				case "accepted 1 1 1 1 200":
					return true, nil
				default:
					return false, fmt.Errorf("invitation, accounts, memberships, ledger rows, audit rows, sign-in: %s", state)
				}
			}}
	}}
}

// removalOp removes a member who owns content, handing it to another member: afterwards
// either the member, their account, their items, groups and licences and their seat are
// all still there, or the member and account are gone, every item and group belongs to
// the receiver, the licences are revoked, and the ledger has the −1 (removed).
func removalOp(fx crashFixture) crashOp {
	return crashOp{name: "removal", prepare: func(t *testing.T, rng *rand.Rand, run int, owner client) crashCase {
		victim := fx.holders[rng.IntN(len(fx.holders))]
		receiver := fx.receivers[rng.IntN(len(fx.receivers))]
		for receiver == victim {
			receiver = fx.receivers[rng.IntN(len(fx.receivers))]
		}
		db := openReadOnly(t, owner.s.DataDir)
		items := column(t, db, `SELECT id FROM items WHERE owner = ?`, victim)
		groups := column(t, db, `SELECT id FROM groups WHERE owner = ?`, victim)
		licences := count(db, `SELECT count(*) FROM licenseAssignments WHERE membership = ?`, victim)
		var user string
		if err := db.QueryRow(`SELECT user FROM memberships WHERE id = ?`, victim).Scan(&user); err != nil {
			t.Fatal(err)
		}
		db.Close()
		return crashCase{method: "DELETE", path: "/api/orgs/" + fx.org + "/members/" + victim, token: owner.token,
			body: map[string]any{"transferTo": receiver, "revokeLicenses": true},
			outcome: func(db *sql.DB, c client) (bool, error) {
				owners := map[string]int{}
				for _, q := range []string{`SELECT owner FROM items WHERE id = ?`, `SELECT owner FROM groups WHERE id = ?`} {
					ids := items
					if strings.Contains(q, "groups") {
						ids = groups
					}
					for _, id := range ids {
						var o string
						if err := db.QueryRow(q, id).Scan(&o); err != nil {
							return false, fmt.Errorf("content %s: %v", id, err)
						}
						owners[o]++
					}
				}
				held := len(items) + len(groups)
				state := fmt.Sprintf("member %d, account %d, content of member %d/%d, of receiver %d/%d, licences %d/%d, ledger −1 %d, audit %d, GET %d",
					count(db, `SELECT count(*) FROM memberships WHERE id = ?`, victim), count(db, `SELECT count(*) FROM users WHERE id = ?`, user),
					owners[victim], held, owners[receiver], held,
					count(db, `SELECT count(*) FROM licenseAssignments WHERE membership = ?`, victim), licences,
					count(db, `SELECT count(*) FROM seatLedger WHERE membership = ? AND delta = -1 AND reason = 'removed'`, victim),
					count(db, `SELECT count(*) FROM auditLog WHERE action = 'members.remove' AND targetId = ?`, victim),
					c.status(t, "GET", "/api/orgs/"+fx.org+"/members/"+victim, nil))
				kept := fmt.Sprintf("member 1, account 1, content of member %d/%d, of receiver 0/%d, licences %d/%d, ledger −1 0, audit 0, GET 200", held, held, held, licences, licences)
				gone := fmt.Sprintf("member 0, account 0, content of member 0/%d, of receiver %d/%d, licences 0/%d, ledger −1 1, audit 1, GET 404", held, held, held, licences)
				switch state {
				case kept:
					return false, nil
				case gone:
					return true, nil
				}
				return false, fmt.Errorf("%s (kept: %s; removed: %s)", state, kept, gone)
			}}
	}}
}

// kill is what one interruption saw.
type kill struct {
	after    time.Duration // from the request written to the kill; < 0: once answered
	answered bool          // an answer came (the server had committed before it died)
	status   int
	took     time.Duration // from the request written to the answer, when answered
	// What the server held of SQLite's locks on data.db when it died (Linux /proc/locks):
	// the WAL write lock means a write transaction was open, a read mark a read.
	writing, reading, lockKnown bool
}

// interrupt sends a request and kills the server with SIGKILL after (from the moment
// the request is written; after < 0: once the answer is in). The process is frozen
// with SIGSTOP first, so the locks it holds can be read at that very moment; nothing
// runs between the freeze and the kill.
func (p *process) interrupt(t *testing.T, method, path, token string, body any, after time.Duration) kill {
	t.Helper()
	raw, _ := json.Marshal(body)
	wrote := make(chan time.Time, 1)
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote <- time.Now() },
	})
	req, _ := http.NewRequestWithContext(ctx, method, p.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	type answer struct {
		status int
		at     time.Time
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := hc.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		answered <- answer{status: res.StatusCode, at: time.Now(), err: err}
	}()
	var sent time.Time
	select {
	case sent = <-wrote:
	case a := <-answered:
		t.Fatalf("%s %s failed before it was sent: %v", method, path, a.err)
	}
	k := kill{after: after}
	var a answer
	if after < 0 {
		a = <-answered
	} else {
		time.Sleep(time.Until(sent.Add(after)))
	}
	pid := p.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitStopped(pid)
	k.writing, k.reading, k.lockKnown = sqliteLocks(pid, filepath.Join(p.DataDir, "data.db-shm"))
	p.kill9(t)
	if after >= 0 {
		a = <-answered
	}
	if a.err == nil {
		k.answered, k.status, k.took = true, a.status, a.at.Sub(sent)
	}
	return k
}

// when says when the kill came, for the log.
func (k kill) when(after time.Duration) string {
	at := "after the answer"
	if after >= 0 {
		at = "at " + after.Round(time.Microsecond).String()
	}
	switch {
	case k.answered:
		return at + " (answered)"
	case !k.lockKnown:
		return at + " (unanswered)"
	case k.writing:
		return at + " (mid-transaction: write lock held)"
	case k.reading:
		return at + " (unanswered, reading)"
	}
	return at + " (unanswered, no lock held)"
}

// waitStopped waits (briefly) until every thread of pid is stopped.
func waitStopped(pid int) {
	for i := 0; i < 200; i++ {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
		stopped := len(tasks) > 0
		for _, f := range tasks {
			b, err := os.ReadFile(f)
			// The state follows the command name in parentheses: "pid (comm) T …".
			if i := bytes.LastIndexByte(b, ')'); err != nil || i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
				stopped = false
				break
			}
		}
		if stopped {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// sqliteLocks reads /proc/locks for the POSIX locks pid holds on the WAL index (shm):
// byte 120 is SQLite's WAL write lock, bytes 123–127 its read marks (see unixShmLock
// in sqlite3.c: the locks start at byte 120). known is false where /proc/locks or the
// file cannot be read.
func sqliteLocks(pid int, shm string) (writing, reading, known bool) {
	info, err := os.Stat(shm)
	if err != nil {
		return false, false, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false, false, false
	}
	raw, err := os.ReadFile("/proc/locks")
	if err != nil {
		return false, false, false
	}
	inode := ":" + strconv.FormatUint(st.Ino, 10)
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		// "1: POSIX  ADVISORY  WRITE 24311 fe:00:9987448 120 120"; blocked waiters have "->".
		if len(f) != 8 || f[1] != "POSIX" || f[4] != strconv.Itoa(pid) || !strings.HasSuffix(f[5], inode) {
			continue
		}
		start, _ := strconv.Atoi(f[6])
		end, _ := strconv.Atoi(f[7])
		if f[3] == "WRITE" && start <= 120 && 120 <= end {
			writing = true
		}
		if start <= 127 && 123 <= end {
			reading = true
		}
	}
	return writing, reading, true
}

// crashTally counts one operation's runs by outcome and by where the kill landed.
type crashTally struct {
	runs, committed, rolledBack         int
	answered, writing, reading, nothing int
	unansweredCommitted, unknown        int
}

func (c *crashTally) add(k kill, committed bool) {
	c.runs++
	if committed {
		c.committed++
	} else {
		c.rolledBack++
	}
	switch {
	case k.answered:
		c.answered++
	case !k.lockKnown:
		c.unknown++
	case k.writing:
		c.writing++
	case k.reading:
		c.reading++
	default:
		c.nothing++
	}
	if !k.answered && committed {
		c.unansweredCommitted++
	}
}

func (c *crashTally) String() string {
	return fmt.Sprintf("%d runs: %d committed, %d rolled back; killed mid-transaction (write lock held) %d, while reading %d, "+
		"holding no lock %d, after the answer %d, lock state unknown %d; committed without an answer %d",
		c.runs, c.committed, c.rolledBack, c.writing, c.reading, c.nothing, c.answered, c.unknown, c.unansweredCommitted)
}

// envInt reads a positive integer from the environment, or answers def.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// openReadOnly opens dir's data.db for reading only.
func openReadOnly(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// count answers a count(*) query, or -1 when it fails (which no check accepts).
func count(db *sql.DB, query string, args ...any) int {
	n := -1
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		return -1
	}
	return n
}

// column answers a query's first column.
func column(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
