package invariants_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

// TestConcurrent fires random actions at one organisation from several goroutines at
// once over HTTP, some of them racing on purpose: the same member disabled and removed
// at once, two accepts of one invitation, a plan change down to a seat limit the
// organisation is close to while invitations are sent and accepted, bulk actions
// overlapping single ones. The order is unknown, so there is no model per step;
// afterwards every answer must have been a 2xx or a 4xx with a code (never a 5xx,
// never "database is locked"), and every invariant must hold: doctor finds nothing,
// billed seats = members = ledger, one active owner, audit rows = the changes the
// answers report, invitations and members add up, and the seat limit holds.
// CONCURRENT_WORKERS (8) and CONCURRENT_OPS (operations per worker, 30) size it.
func TestConcurrent(t *testing.T) {
	workers, ops := envInt(t, "CONCURRENT_WORKERS", 8), envInt(t, "CONCURRENT_OPS", 30)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("CONCURRENT_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("CONCURRENT_SEED=%d (the schedule is the machine's: a seed repeats the choices, not the interleaving)", seed)
	c := newCrowd(t, seed, workers)
	before := c.counts()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(i, ops, rand.New(rand.NewPCG(seed, uint64(i))))
		}()
	}
	wg.Wait()
	raced := time.Since(start)
	c.verify(before)
	c.report(raced)
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// limit is the seat limit the test gives the team plan: the organisation starts just
// under it on the business plan, and one worker keeps moving down to team and back.
const limit = 27

// crowd is the organisation under load and what the workers share.
type crowd struct {
	t       *testing.T
	w       *world
	actors  []string // accounts that act (user ids): the owner and two administrators, never targets
	owner   string   // the owner's account now; only worker 0 transfers ownership
	workers int

	mu       sync.Mutex
	targets  []string // memberships the actions aim at (removed ones stay: 404)
	roles    map[string]access.Role
	pending  []invitation
	calls    []call
	changes  int // audit rows the answers report
	accepted int // 200 accepts
	revoked  int
	created  int
	removed  int
	doubles  int // double accepts of one invitation
	fresh    int
}

// call is one answer and the number of changes it reports.
type call struct {
	kind, path string
	body       any
	r          testapp.Response
	changes    int
}

func newCrowd(t *testing.T, seed uint64, workers int) *crowd {
	w := newWorld(t, "business")
	team, err := w.app.FindFirstRecordByData("plans", "code", "team")
	if err != nil {
		t.Fatal(err)
	}
	team.Set("maxSeats", limit)
	if err := w.app.Save(team); err != nil {
		t.Fatal(err)
	}
	c := &crowd{t: t, w: w, owner: w.a.Owner.User.Id, workers: workers, roles: map[string]access.Role{}}
	rng := rand.New(rand.NewPCG(seed, 1<<32))
	// Two administrators who act, then the members the actions aim at, all joined
	// through invitations; a few own items.
	var rows []map[string]any
	for i := 0; i < 22; i++ {
		role, typ := "member", access.UserTypes[rng.IntN(4)]
		if i < 2 || rng.IntN(5) == 0 {
			role, typ = "admin", access.UserTypes[2+rng.IntN(2)]
		}
		rows = append(rows, map[string]any{"email": c.address(), "role": role, "userType": typ})
	}
	r := w.c.Do("POST", w.orgPath(w.a.ID, "/invitations"), w.token(t, c.owner), map[string]any{"rows": rows})
	if r.Status != 200 {
		t.Fatalf("seeding invitations: %d %s", r.Status, r.Raw)
	}
	for i, row := range resultRows(r) {
		inv, _ := row["invitation"].(map[string]any)
		link, _ := inv["link"].(string)
		a := w.c.Do("POST", "/api/invitations/"+tokenOf(link)+"/accept", "", acceptBody("Seed"))
		rec, _ := a.JSON["record"].(map[string]any)
		user, _ := rec["id"].(string)
		ir, err := w.app.FindRecordById("invitations", inv["id"].(string))
		if a.Status != 200 || err != nil {
			t.Fatalf("seeding: accept %d %s", a.Status, a.Raw)
		}
		id := ir.GetString("acceptedBy")
		if i < 2 {
			c.actors = append(c.actors, user)
			continue
		}
		c.targets = append(c.targets, id)
		c.roles[id] = access.Role(rows[i]["role"].(string))
		if typ := rows[i]["userType"]; (typ == access.Creator || typ == access.Professional) && rng.IntN(3) == 0 {
			it := w.c.Do("POST", w.orgPath(w.a.ID, "/items"), w.token(c.t, user), map[string]any{"kind": "dataset", "title": "Data", "sharing": "org"})
			if it.Status != 200 {
				t.Fatalf("seeding an item: %d %s", it.Status, it.Raw)
			}
		}
	}
	c.actors = append([]string{c.owner}, c.actors...)
	for i := 0; i < 4; i++ {
		c.invite(rng, c.owner, 1)
	}
	c.calls, c.changes, c.created = nil, 0, 0 // the seeding is not part of the race
	return c
}

func (c *crowd) address() string {
	c.fresh++
	return fmt.Sprintf("crowd%d@example.net", c.fresh)
}

// do sends a request and records the answer with the changes it reports.
func (c *crowd) do(kind, method, path, user string, body any, changes func(testapp.Response) int) testapp.Response {
	r := c.w.c.Do(method, path, c.w.token(c.t, user), body)
	c.record(kind, path, body, r, changes)
	return r
}

func (c *crowd) record(kind, path string, body any, r testapp.Response, changes func(testapp.Response) int) {
	n := 0
	if r.Status == 200 {
		n = changes(r)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call{kind: kind, path: path, body: body, r: r, changes: n})
	c.changes += n
}

func one(testapp.Response) int { return 1 }

func changed(r testapp.Response) int {
	n, _ := r.JSON["changed"].(float64)
	return int(n)
}

func (c *crowd) path(suffix string) string { return c.w.orgPath(c.w.a.ID, suffix) }

func (c *crowd) target(rng *rand.Rand) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.targets[rng.IntN(len(c.targets))]
}

func (c *crowd) actor(rng *rand.Rand) string { return c.actors[rng.IntN(len(c.actors))] }

// takePending takes a pending invitation out of the shared pool (nil if none).
func (c *crowd) takePending(rng *rand.Rand) *invitation {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	i := rng.IntN(len(c.pending))
	inv := c.pending[i]
	c.pending = append(c.pending[:i], c.pending[i+1:]...)
	return &inv
}

// invite invites n fresh addresses as actor.
func (c *crowd) invite(rng *rand.Rand, actor string, n int) {
	c.sendInvite(actor, c.invitation(rng, n))
}

// invitation is a request for n fresh addresses (and now and then an invalid one and a
// duplicate, skipped).
func (c *crowd) invitation(rng *rand.Rand, n int) map[string]any {
	c.mu.Lock()
	var emails []string
	for len(emails) < n {
		emails = append(emails, c.address())
	}
	c.mu.Unlock()
	if rng.IntN(3) == 0 {
		emails = append(emails, "not-an-email", strings.ToUpper(emails[0]))
	}
	return map[string]any{"emails": emails, "skipInvalid": true, "userType": access.UserTypes[rng.IntN(4)]}
}

// sendInvite sends an invitation request as actor and pools the invitations made.
func (c *crowd) sendInvite(actor string, body map[string]any) {
	r := c.w.c.Do("POST", c.path("/invitations"), c.w.token(c.t, actor), body)
	c.record("invite", c.path("/invitations"), body, r, func(r testapp.Response) int {
		n, _ := r.JSON["created"].(float64)
		return int(n)
	})
	if r.Status != 200 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, row := range resultRows(r) {
		if inv, ok := row["invitation"].(map[string]any); ok {
			c.pending = append(c.pending, invitation{id: inv["id"].(string), token: tokenOf(inv["link"].(string))})
			c.created++
		}
	}
}

func (c *crowd) accept(inv *invitation) testapp.Response {
	r := c.w.c.Do("POST", "/api/invitations/"+inv.token+"/accept", "", acceptBody("Racer"))
	c.record("accept", "/api/invitations/…/accept", nil, r, one)
	if r.Status != 200 {
		return r
	}
	ir, err := c.w.app.FindRecordById("invitations", inv.id)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accepted++
	if err == nil {
		c.targets = append(c.targets, ir.GetString("acceptedBy"))
		c.roles[ir.GetString("acceptedBy")] = access.Role(ir.GetString("role"))
	}
	return r
}

// together runs fs at the same moment, each on its own goroutine, and waits for them.
func together(fs ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f()
		}()
	}
	close(start)
	wg.Wait()
}

// work is one worker's ops operations. Worker 0 also moves the plan down to the seat
// limit and back, and the ownership between the owner and the first administrator;
// it alone does, so it knows the plan and the owner and never asks for what already is.
// Role changes go to a worker's own share of the members for the same reason.
func (c *crowd) work(worker, ops int, rng *rand.Rand) {
	plan := "business"
	for n := 0; n < ops; n++ {
		k := rng.IntN(14)
		if worker == 0 && k < 4 {
			switch {
			case k < 2 && plan == "business":
				// Down to the limit while an invitee accepts and another is invited.
				inv := c.takePending(rng)
				down := func() {
					if c.do("plan", "POST", c.path("/subscription/plan"), c.owner, map[string]any{"plan": "team"}, one).Status == 200 {
						plan = "team"
					}
				}
				asked, by, by2 := c.invitation(rng, 1+rng.IntN(2)), c.actor(rng), c.actor(rng)
				other := func() { c.sendInvite(by, asked) }
				if inv != nil {
					other = func() { c.accept(inv) }
				}
				more := c.invitation(rng, 1)
				together(down, other, func() { c.sendInvite(by2, more) })
			case k < 2:
				if c.do("plan", "POST", c.path("/subscription/plan"), c.owner, map[string]any{"plan": "business"}, one).Status == 200 {
					plan = "business"
				}
			default:
				to := c.actors[1]
				if c.owner == to {
					to = c.actors[0]
				}
				if c.do("transfer", "POST", c.path("/transfer-ownership"), c.owner, map[string]any{"to": membershipOf(c, to), "password": password}, one).Status == 200 {
					c.owner = to
				}
			}
			continue
		}
		actor := c.actor(rng)
		switch k {
		case 0:
			c.invite(rng, actor, 1+rng.IntN(3))
		case 1, 2:
			if inv := c.takePending(rng); inv != nil {
				c.accept(inv)
			}
		case 3:
			// Two accepts of one invitation: one at most may win.
			if inv := c.takePending(rng); inv != nil {
				var a, b testapp.Response
				together(func() { a = c.accept(inv) }, func() { b = c.accept(inv) })
				c.mu.Lock()
				c.doubles++
				c.mu.Unlock()
				// The loser finds the link used: 404, as any used link (not a later check).
				if (a.Status == 200 && b.Status != 404) || (b.Status == 200 && a.Status != 404) {
					c.t.Errorf("two accepts of one invitation: %d %s / %d %s", a.Status, a.Raw, b.Status, b.Raw)
				}
			}
		case 4:
			if inv := c.takePending(rng); inv != nil {
				if c.do("revoke", "DELETE", c.path("/invitations/"+inv.id), actor, nil, one).Status == 200 {
					c.mu.Lock()
					c.revoked++
					c.mu.Unlock()
				}
			}
		case 5, 6:
			verb := []string{"disable", "enable"}[rng.IntN(2)]
			c.do(verb, "POST", c.path("/members/"+c.target(rng)+"/"+verb), actor, nil, one)
		case 7:
			// The same member disabled and removed at once.
			id, other, how := c.target(rng), c.actor(rng), c.removal(rng)
			together(
				func() { c.do("disable", "POST", c.path("/members/"+id+"/disable"), other, nil, one) },
				func() { c.remove(id, actor, how) })
		case 8:
			if rng.IntN(2) == 0 {
				c.remove(c.target(rng), actor, c.removal(rng))
			} else {
				c.invite(rng, actor, 1+rng.IntN(3))
			}
		case 9, 10:
			// A bulk action overlapping single ones on the same members.
			ids := []string{c.target(rng), c.target(rng), c.target(rng), c.target(rng)}
			action := []string{"disable", "enable", "userType"}[rng.IntN(3)]
			body := map[string]any{"action": action, "ids": ids, "skipIneligible": rng.IntN(3) > 0,
				"userType": access.UserTypes[rng.IntN(4)]}
			other, another, how := c.actor(rng), c.actor(rng), c.removal(rng)
			single := func() { c.do("enable", "POST", c.path("/members/"+ids[1]+"/enable"), other, nil, one) }
			if k == 10 {
				single = func() { c.remove(ids[1], other, how) }
			}
			together(
				func() { c.do("bulk", "POST", c.path("/members/bulk"), actor, body, changed) },
				func() { c.do("disable", "POST", c.path("/members/"+ids[0]+"/disable"), another, nil, one) },
				single)
		case 11:
			c.do("bulk", "POST", c.path("/members/bulk"), actor, map[string]any{"action": "userType",
				"ids": []string{c.target(rng), c.target(rng)}, "userType": access.UserTypes[rng.IntN(4)], "skipIneligible": true}, changed)
		default:
			c.toggleRole(worker, actor, rng)
		}
	}
}

// membershipOf is the membership id of account user.
func membershipOf(c *crowd, user string) string {
	m, err := c.w.app.FindFirstRecordByData("memberships", "user", user)
	if err != nil {
		c.t.Errorf("membership of %s: %v", user, err)
		return ""
	}
	return m.Id
}

// removal says what becomes of a removed member's content: deleted, or handed over to
// an administrator who acts (active, and of a type that may own content).
func (c *crowd) removal(rng *rand.Rand) map[string]any {
	if rng.IntN(2) == 0 {
		return map[string]any{"deleteContent": true}
	}
	return map[string]any{"transferTo": membershipOf(c, c.actors[1+rng.IntN(2)])}
}

// remove removes member id as actor.
func (c *crowd) remove(id, actor string, body map[string]any) {
	if c.do("remove", "DELETE", c.path("/members/"+id), actor, body, one).Status == 200 {
		c.mu.Lock()
		c.removed++
		c.mu.Unlock()
	}
}

// toggleRole flips the role of one member of the worker's own share (the targets whose
// position modulo the number of workers is the worker's), whose roles only this worker
// changes, so it never asks for the role the member already has.
func (c *crowd) toggleRole(worker int, actor string, rng *rand.Rand) {
	c.mu.Lock()
	var mine []string
	for i, id := range c.targets {
		if i%c.workers == worker {
			mine = append(mine, id)
		}
	}
	if len(mine) == 0 {
		c.mu.Unlock()
		return
	}
	id := mine[rng.IntN(len(mine))]
	to := access.RoleAdmin
	if c.roles[id] == access.RoleAdmin {
		to = access.RoleMember
	}
	c.mu.Unlock()
	if c.do("role", "POST", c.path("/members/"+id+"/role"), actor, map[string]any{"role": to}, one).Status == 200 {
		c.mu.Lock()
		c.roles[id] = to
		c.mu.Unlock()
	}
}

// census is what the database holds of organisation a.
type census struct {
	members, pending, accepted, audit int
}

func (c *crowd) counts() census {
	var n census
	err := c.w.app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM memberships WHERE org = {:org}),
		(SELECT count(*) FROM invitations WHERE org = {:org} AND status = 'pending'),
		(SELECT count(*) FROM invitations WHERE org = {:org} AND status = 'accepted'),
		(SELECT count(*) FROM auditLog WHERE org = {:org})`).Bind(dbx.Params{"org": c.w.a.ID}).
		Row(&n.members, &n.pending, &n.accepted, &n.audit)
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

func (c *crowd) verify(before census) {
	t := c.t
	for _, k := range c.calls {
		if k.r.Status >= 500 || (k.r.Status >= 300 && codeOf(k.r) == "") || strings.Contains(k.r.Raw, "database is locked") {
			t.Errorf("%s: %d %.300s", k.kind, k.r.Status, k.r.Raw)
		}
	}
	for _, p := range c.w.healthy(t) {
		t.Error(p)
	}
	after := c.counts()
	if after.audit != before.audit+c.changes {
		t.Errorf("audit rows: %d before, %d after; the answers report %d changes", before.audit, after.audit, c.changes)
		c.explain(before)
	}
	if after.members != before.members+c.accepted-c.removed {
		t.Errorf("members: %d before, %d after; the answers report %d joined and %d removed", before.members, after.members, c.accepted, c.removed)
	}
	if after.accepted != before.accepted+c.accepted || after.pending != before.pending+c.created-c.accepted-c.revoked {
		t.Errorf("invitations: pending %d → %d, accepted %d → %d; the answers report %d created, %d accepted, %d revoked",
			before.pending, after.pending, before.accepted, after.accepted, c.created, c.accepted, c.revoked)
	}
	r := c.w.c.Do("GET", c.path("/subscription"), c.w.token(t, c.owner), nil)
	plan, _ := r.JSON["plan"].(map[string]any)
	billed, _ := r.JSON["billedSeats"].(float64)
	pending, _ := r.JSON["pendingInvitations"].(float64)
	max, _ := plan["maxSeats"].(float64)
	if r.Status != 200 || int(billed) != after.members || int(pending) != after.pending {
		t.Errorf("subscription: %d billed %v pending %v; the database has %d members, %d pending", r.Status, billed, pending, after.members, after.pending)
	}
	if max > 0 && billed+pending > max {
		t.Errorf("plan %v: %v billed seats and %v pending invitations exceed its %v seats", plan["code"], billed, pending, max)
	}
}

func (c *crowd) report(raced time.Duration) {
	byKind := map[string]map[int]int{}
	for _, k := range c.calls {
		if byKind[k.kind] == nil {
			byKind[k.kind] = map[int]int{}
		}
		byKind[k.kind][k.r.Status]++
	}
	var b strings.Builder
	for _, kind := range []string{"invite", "accept", "revoke", "disable", "enable", "remove", "bulk", "role", "plan", "transfer"} {
		fmt.Fprintf(&b, "\n  %-9s %v", kind, byKind[kind])
	}
	c.t.Logf("%d requests in %v (%d double accepts); %d changes, %d joined, %d removed, %d invited, %d revoked; statuses by kind:%s",
		len(c.calls), raced.Round(time.Millisecond), c.doubles, c.changes, c.accepted, c.removed, c.created, c.revoked, b.String())
}

// explain logs the member changes whose audit rows and answers disagree, by action and
// target: what each 200 answer says it changed against the rows written during the race.
func (c *crowd) explain(before census) {
	var rows []struct {
		Action string `db:"action"`
		Target string `db:"targetId"`
	}
	err := c.w.app.DB().NewQuery("SELECT action, targetId FROM auditLog WHERE org = {:org} ORDER BY seq").
		Bind(dbx.Params{"org": c.w.a.ID}).All(&rows)
	if err != nil {
		c.t.Log(err)
		return
	}
	diff := map[string]int{}
	for _, r := range rows[before.audit:] {
		diff[r.Action+" "+r.Target]++
	}
	actions := map[string]string{"disable": "members.disable", "enable": "members.enable", "role": "members.changeRole",
		"remove": "members.remove"}
	bulk := map[string]string{"disable": "members.disable", "enable": "members.enable", "userType": "members.changeUserType"}
	for _, k := range c.calls {
		if k.r.Status != 200 {
			continue
		}
		if a, ok := actions[k.kind]; ok {
			id := strings.TrimPrefix(k.path, c.path("/members/"))
			diff[a+" "+strings.SplitN(id, "/", 2)[0]]--
		}
		if k.kind == "bulk" {
			a := bulk[k.body.(map[string]any)["action"].(string)]
			results, _ := k.r.JSON["results"].([]any)
			for _, r := range results {
				r, _ := r.(map[string]any)
				if ok, _ := r["ok"].(bool); ok && r["code"] == nil {
					diff[a+" "+r["id"].(string)]--
				}
			}
		}
	}
	for key, n := range diff {
		action, target, _ := strings.Cut(key, " ")
		if n == 0 || !strings.HasPrefix(action, "members.") || action == "members.invite" || action == "members.join" {
			continue
		}
		var audit []struct {
			Seq     int    `db:"seq"`
			Action  string `db:"action"`
			Actor   string `db:"actor"`
			Details string `db:"details"`
			Created string `db:"created"`
		}
		_ = c.w.app.DB().NewQuery("SELECT seq, action, actor, details, created FROM auditLog WHERE targetId = {:t} ORDER BY seq").
			Bind(dbx.Params{"t": target}).All(&audit)
		c.t.Logf("%s on %s: %+d audit rows against the 200 answers; its rows: %+v; the calls on it:", action, target, n, audit)
		for _, k := range c.calls {
			if strings.Contains(k.path, target) || strings.Contains(k.r.Raw, target) || strings.Contains(fmt.Sprint(k.body), target) {
				c.t.Logf("  %s %s %d %.400s", k.kind, k.path, k.r.Status, k.r.Raw)
			}
		}
	}
}
