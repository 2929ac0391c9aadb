package members_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/testapp"
)

// These tests check the set-based apply of disable, enable and user type changes (the
// bulk path, which a single change shares) through the real router: what PocketBase's
// record saves used to do for them is still done, and nothing is half done.

// crowd is an organisation of signed-in creator members, each holding a billed seat.
type crowd struct {
	app     *tests.TestApp
	c       *testapp.Client
	org     *testapp.Org
	members []*testapp.Member
	tokens  []string // each member's token, taken before any change
}

func newCrowd(t *testing.T, n int) *crowd {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	w := &crowd{app: app, c: testapp.Serve(t, app), org: testapp.CreateOrg(t, app, "Acme", "")}
	for range n {
		m := testapp.AddMember(t, app, w.org, access.RoleMember, access.Creator)
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		if err := app.Save(m.User); err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, m)
		w.tokens = append(w.tokens, m.Token(t))
	}
	return w
}

func (w *crowd) ids(ms []*testapp.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID()
	}
	return out
}

func (w *crowd) bulk(t *testing.T, body map[string]any) testapp.Response {
	t.Helper()
	return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", w.org.Owner.Token(t), body)
}

// state is everything a change to members writes, as text, to compare before and after.
func (w *crowd) state(t *testing.T) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT group_concat(x, ' ') FROM (SELECT id || status || partnerAccess || userType || updated AS x FROM memberships WHERE org = {:o} ORDER BY id)",
		"SELECT group_concat(x, ' ') FROM (SELECT membership || status || userType || typeRank || partnerAccess AS x FROM memberIndex WHERE org = {:o} ORDER BY membership)",
		"SELECT group_concat(x, ' ') FROM (SELECT u.tokenKey || u.updated AS x FROM users u JOIN memberships ms ON ms.user = u.id WHERE ms.org = {:o} ORDER BY u.id)",
		"SELECT count(*) || ' ledger rows' FROM seatLedger WHERE org = {:o}",
		"SELECT count(*) || ' audit rows' FROM auditLog WHERE org = {:o}",
		"SELECT seats || monthlyAmount || updated FROM subscriptions WHERE org = {:o}",
	} {
		var s string
		if err := w.app.DB().NewQuery(q).Bind(dbx.Params{"o": w.org.ID}).Row(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// books fails unless the billing invariants and the audit chain hold.
func (w *crowd) books(t *testing.T) {
	t.Helper()
	problems, err := billing.Verify(w.app, w.org.ID)
	if err != nil || len(problems) > 0 {
		t.Fatalf("billing: %v %v", err, problems)
	}
	if rep, err := audit.Verify(w.app, w.org.ID); err != nil || !rep.OK {
		t.Fatalf("audit: %v %v", err, rep)
	}
}

func (w *crowd) record(t *testing.T, collection, id string) *core.Record {
	t.Helper()
	r, err := w.app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// realtime registers a realtime connection signed in as m.
func (w *crowd) realtime(m *testapp.Member) *subscriptions.DefaultClient {
	c := subscriptions.NewDefaultClient()
	c.Set(apis.RealtimeClientAuthKey, m.User)
	w.app.SubscriptionsBroker().Register(c)
	return c
}

var tokenKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{50}$`)

func TestBulkDisableRevokesEverySessionAndKeepsTheBooks(t *testing.T) {
	w := newCrowd(t, 30)
	off, kept := w.members[:29], w.members[29]
	ms := w.record(t, "memberships", off[0].ID())
	ms.Set("partnerAccess", true)
	if err := w.app.Save(ms); err != nil {
		t.Fatal(err)
	}
	type before struct{ key, userUpdated, updated string }
	was := map[string]before{}
	for i, m := range off {
		u, ms := w.record(t, "users", m.User.Id), w.record(t, "memberships", m.ID())
		was[m.ID()] = before{u.TokenKey(), u.GetString("updated"), ms.GetString("updated")}
		if r := w.c.Do("GET", "/api/me", w.tokens[i], nil); r.Status != 200 {
			t.Fatalf("a token does not work before: %d", r.Status)
		}
	}
	rtOff, rtKept := w.realtime(off[0]), w.realtime(kept)
	time.Sleep(2 * time.Millisecond) // so that "updated" (to the millisecond) must move

	r := w.bulk(t, map[string]any{"action": "disable", "ids": w.ids(off)})
	if r.Status != 200 || r.JSON["changed"] != 29.0 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	keys := map[string]bool{}
	for i, m := range off {
		if got := w.c.Do("GET", "/api/me", w.tokens[i], nil); got.Status != 401 {
			t.Fatalf("member %d's old token: %d %s", i, got.Status, got.Raw)
		}
		u, ms := w.record(t, "users", m.User.Id), w.record(t, "memberships", m.ID())
		key := u.TokenKey()
		if key == was[m.ID()].key || !tokenKeyPattern.MatchString(key) || keys[key] {
			t.Fatalf("member %d's token key %q (was %q)", i, key, was[m.ID()].key)
		}
		keys[key] = true
		if ms.GetString("status") != "disabled" || ms.GetBool("partnerAccess") ||
			ms.GetString("updated") <= was[m.ID()].updated || u.GetString("updated") <= was[m.ID()].userUpdated {
			t.Fatalf("member %d: %v / user updated %s", i, ms.PublicExport(), u.GetString("updated"))
		}
		fresh, err := u.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		if got := w.c.Do("GET", "/api/me", fresh, nil); got.Status != 403 || got.Code() != "account_disabled" {
			t.Fatalf("a new token of a disabled member: %d %s", got.Status, got.Raw)
		}
	}
	if got := w.c.Do("GET", "/api/me", w.tokens[29], nil); got.Status != 200 {
		t.Fatalf("a member outside the bulk lost their session: %d", got.Status)
	}
	if rtOff.Get(apis.RealtimeClientAuthKey) != nil || rtKept.Get(apis.RealtimeClientAuthKey) == nil {
		t.Fatal("realtime auth: the disabled member's connection kept it, or the other's lost it")
	}
	var indexed, audited int
	err := w.app.DB().NewQuery(`SELECT (SELECT count(*) FROM memberIndex WHERE org = {:o} AND status = 'disabled' AND partnerAccess = 0),
		(SELECT count(*) FROM auditLog WHERE org = {:o} AND action = 'members.disable' AND details LIKE '%"sessionsRevoked":true%')`).
		Bind(dbx.Params{"o": w.org.ID}).Row(&indexed, &audited)
	if err != nil || indexed != 29 || audited != 29 {
		t.Fatalf("%v: %d index rows, %d audit rows", err, indexed, audited)
	}
	w.books(t)

	t.Run("enabling them again restores sign-in but not the old sessions nor partner access", func(t *testing.T) {
		r := w.bulk(t, map[string]any{"action": "enable", "ids": w.ids(off)})
		if r.Status != 200 || r.JSON["changed"] != 29.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := w.c.Do("GET", "/api/me", w.tokens[0], nil); got.Status != 401 {
			t.Fatalf("an old token works again: %d", got.Status)
		}
		if ms := w.record(t, "memberships", off[0].ID()); ms.GetString("status") != "active" || ms.GetBool("partnerAccess") {
			t.Fatalf("%v", ms.PublicExport())
		}
		if _, got := w.c.SignIn(off[0].Email, off[0].Password); got.Status != 200 {
			t.Fatalf("sign-in after enable: %d %s", got.Status, got.Raw)
		}
		w.books(t)
	})
}

func (w *crowd) monthly(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.app.DB().NewQuery("SELECT monthlyAmount FROM subscriptions WHERE org = {:o}").Bind(dbx.Params{"o": w.org.ID}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulkUserTypeWritesEveryLedgerRowAndKeepsTheBooks(t *testing.T) {
	w := newCrowd(t, 20)
	amount := w.monthly(t)
	r := w.bulk(t, map[string]any{"action": "userType", "userType": "professional", "ids": w.ids(w.members)})
	if r.Status != 200 || r.JSON["changed"] != 20.0 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if got := w.monthly(t); got != amount+20*(7500-3500) {
		t.Fatalf("monthly amount %d, want %d", got, amount+20*4000)
	}
	var rows []struct {
		Membership string `db:"membership"`
		UserType   string `db:"userType"`
		Delta      int    `db:"delta"`
		Monthly    int    `db:"monthlyDelta"`
		Label      string `db:"memberLabel"`
	}
	err := w.app.DB().NewQuery("SELECT membership, userType, delta, monthlyDelta, memberLabel FROM seatLedger WHERE org = {:o} AND reason = 'type_changed' ORDER BY at, rowid").
		Bind(dbx.Params{"o": w.org.ID}).All(&rows)
	if err != nil || len(rows) != 40 {
		t.Fatalf("%v: %d ledger rows", err, len(rows))
	}
	for i, m := range w.members {
		out, in := rows[2*i], rows[2*i+1]
		if out.Membership != m.ID() || in.Membership != m.ID() || out.UserType != "creator" || out.Delta != -1 || out.Monthly != -3500 ||
			in.UserType != "professional" || in.Delta != 1 || in.Monthly != 7500 || !strings.Contains(in.Label, m.Email) {
			t.Fatalf("member %d: %+v %+v", i, out, in)
		}
	}
	var typed int
	if err := w.app.DB().NewQuery("SELECT count(*) FROM memberIndex WHERE org = {:o} AND userType = 'professional' AND typeRank = 4").
		Bind(dbx.Params{"o": w.org.ID}).Row(&typed); err != nil || typed != 20 {
		t.Fatalf("%v: %d index rows", err, typed)
	}
	w.books(t)

	t.Run("a single change back is the same path with one member", func(t *testing.T) {
		r := w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/"+w.members[0].ID()+"/user-type", w.org.Owner.Token(t), map[string]any{"userType": "creator"})
		if r.Status != 200 || r.JSON["userType"] != "creator" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := w.monthly(t); got != amount+19*4000 {
			t.Fatalf("monthly amount %d", got)
		}
		w.books(t)
	})
}

// A failure after the UPDATEs (in the ledger, the subscription or the audit log) undoes
// every write of the change, single or bulk: memberships, the member index, token keys,
// ledger, subscription and audit rows; the old sessions still work. Once the failure
// is gone, the same request goes through.
func TestAFailureAfterTheUpdatesUndoesTheWholeChange(t *testing.T) {
	for _, c := range []struct {
		name, failOn, path string // failOn: "INSERT ON table" or "UPDATE ON table"
		body               func(w *crowd) map[string]any
	}{
		{"bulk disable, the audit insert fails", "INSERT ON auditLog", "bulk",
			func(w *crowd) map[string]any { return map[string]any{"action": "disable", "ids": w.ids(w.members)} }},
		{"bulk user type, the ledger insert fails", "INSERT ON seatLedger", "bulk",
			func(w *crowd) map[string]any {
				return map[string]any{"action": "userType", "userType": "viewer", "ids": w.ids(w.members)}
			}},
		{"bulk user type, the audit insert fails", "INSERT ON auditLog", "bulk",
			func(w *crowd) map[string]any {
				return map[string]any{"action": "userType", "userType": "viewer", "ids": w.ids(w.members)}
			}},
		{"one disable, the audit insert fails", "INSERT ON auditLog", "disable", nil},
		{"one user type change, the subscription update fails", "UPDATE ON subscriptions", "user-type",
			func(w *crowd) map[string]any { return map[string]any{"userType": "professional"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newCrowd(t, 4)
			path := "/api/orgs/" + w.org.ID + "/members/" + w.members[0].ID() + "/" + c.path
			if c.path == "bulk" {
				path = "/api/orgs/" + w.org.ID + "/members/bulk"
			}
			var body map[string]any
			if c.body != nil {
				body = c.body(w)
			}
			before := w.state(t)
			// A trigger fails the statement that writes after the memberships' UPDATE.
			if _, err := w.app.DB().NewQuery("CREATE TRIGGER injected_failure BEFORE " + c.failOn +
				" BEGIN SELECT RAISE(ABORT, 'injected failure'); END").Execute(); err != nil {
				t.Fatal(err)
			}
			r := w.c.Do("POST", path, w.org.Owner.Token(t), body)
			if _, err := w.app.DB().NewQuery("DROP TRIGGER injected_failure").Execute(); err != nil {
				t.Fatal(err)
			}
			if r.Status != 500 || strings.Contains(r.Raw, "injected") {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			if after := w.state(t); after != before {
				t.Fatalf("half applied:\nbefore %s\nafter  %s", before, after)
			}
			if got := w.c.Do("GET", "/api/me", w.tokens[0], nil); got.Status != 200 {
				t.Fatalf("a session ended: %d", got.Status)
			}
			w.books(t)

			if r := w.c.Do("POST", path, w.org.Owner.Token(t), body); r.Status != 200 {
				t.Fatalf("without the failure: %d %s", r.Status, r.Raw)
			}
			if w.state(t) == before {
				t.Fatal("without the failure, nothing changed")
			}
			w.books(t)
		})
	}
}

// The apply step guards what PocketBase's record hooks guarded, even if the policy and
// the checks before it let something through: the owner is never disabled or enabled,
// and never given a user type their role does not allow. Nothing is half done.
func TestTheApplyStepGuardsTheOwnerUnderThePolicy(t *testing.T) {
	w := newCrowd(t, 1)
	owner, m := w.org.Owner, w.members[0]
	session, err := members.SessionOf(w.app, owner.User)
	if err != nil {
		t.Fatal(err)
	}
	actor := session.Actor
	before := w.state(t)
	for _, c := range []struct {
		req  members.BulkRequest
		code string // "" = any error
	}{
		{members.BulkRequest{Action: members.BulkDisable}, "owner_protected"},
		{members.BulkRequest{Action: members.BulkEnable}, "owner_protected"},
		{members.BulkRequest{Action: members.BulkUserType, UserType: "viewer"}, ""},
		{members.BulkRequest{Action: members.BulkUserType, UserType: "contributor"}, ""},
	} {
		t.Run(fmt.Sprint(c.req.Action, " ", c.req.UserType), func(t *testing.T) {
			err := members.ApplyUnchecked(w.app, actor, c.req, []string{m.ID(), owner.ID()})
			if err == nil || c.code != "" && !fail.Is(err, c.code) {
				t.Fatalf("got %v, want %q", err, c.code)
			}
			if after := w.state(t); after != before {
				t.Fatalf("half applied:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	t.Run("the owner may still become professional", func(t *testing.T) {
		err := members.ApplyUnchecked(w.app, actor, members.BulkRequest{Action: members.BulkUserType, UserType: "professional"}, []string{owner.ID()})
		if err != nil {
			t.Fatal(err)
		}
		if ms := w.record(t, "memberships", owner.ID()); ms.GetString("userType") != "professional" || ms.GetString("role") != "owner" {
			t.Fatalf("%v", ms.PublicExport())
		}
		w.books(t)
	})
}
