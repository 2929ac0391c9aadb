package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/testapp"
)

// send is one request that does not follow redirects (the mux answers dot segments
// with one), with an optional JSON body.
func send(t *testing.T, c *testapp.Client, method, path, token string, body any) testapp.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := testapp.Response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out.JSON)
	}
	return out
}

// snapshot is every row of every collection, as stored: comparing two shows any write.
func snapshot(t *testing.T, app core.App) map[string]string {
	t.Helper()
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cols {
		if c.IsView() {
			continue
		}
		var rows []dbx.NullStringMap
		if err := app.DB().Select("*").From(c.Name).All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			vals := map[string]string{}
			for k, v := range row {
				vals[k] = v.String
			}
			b, _ := json.Marshal(vals)
			out[c.Name+"/"+row["id"].String] = string(b)
		}
	}
	return out
}

// sameRows reports every row added, removed or changed between two snapshots.
func sameRows(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			diffs = append(diffs, "removed "+k)
		} else if w != v {
			diffs = append(diffs, fmt.Sprintf("changed %s:\n  %s\n  %s", k, v, w))
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, "added "+k+": "+after[k])
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: %d rows differ:\n%s", what, len(diffs), strings.Join(diffs[:min(len(diffs), 20)], "\n"))
	}
}

// Kinds of ids in the world, each the thing a route's {id} (or {token}) names.
const (
	kMember     = "member"
	kItem       = "item"
	kGroup      = "group"
	kLicence    = "licence"
	kInvitation = "invitation"
	kInvoice    = "invoice"
	kPayment    = "payment method"
	kToken      = "invitation token"
	kUser       = "user" // an account id: never what a route takes, always a wrong kind
	kOrg        = "organisation"
)

// idorWorld is Acme (the acting owner's organisation) and Globex next door, each with
// one record of every kind, and the ids of Acme's records that are gone (removed,
// deleted, revoked, accepted or expired).
type idorWorld struct {
	app              *tests.TestApp
	c                *testapp.Client
	a, b             *testapp.Org
	owner, member    *testapp.Member // Acme's
	ownerTok         string
	own, foreign     map[string][]string // kind → ids in Acme, in Globex
	gone             map[string][]string // kind → Acme's ids that no longer name a live record
	card             string              // Acme's payment method, for paying invoices
	seq              int
	invitationTokens map[string]string // Acme's invitation id → its token
}

func newIDORWorld(t *testing.T) *idorWorld {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	w := &idorWorld{app: app, c: testapp.Serve(t, app), own: map[string][]string{}, foreign: map[string][]string{},
		gone: map[string][]string{}, invitationTokens: map[string]string{}}
	w.a = testapp.CreateOrg(t, app, "Acme", "business")
	w.b = testapp.CreateOrg(t, app, "Globex", "business")
	w.owner = w.a.Owner
	w.ownerTok = w.owner.Token(t)
	for _, o := range []*testapp.Org{w.a, w.b} {
		org, err := app.FindRecordById("organizations", o.ID)
		if err != nil {
			t.Fatal(err)
		}
		org.Set("creditBudgeting", true)
		org.Set("creditsPool", 100000)
		org.Set("mfaEnabled", true)
		if err := app.Save(org); err != nil {
			t.Fatal(err)
		}
	}
	w.member = w.freshMember(t, w.a)
	w.card = w.create(t, w.a, kPayment)
	for _, k := range []string{kMember, kItem, kGroup, kLicence, kInvitation, kInvoice, kPayment, kToken} {
		w.own[k] = append(w.own[k], w.create(t, w.a, k))
		w.foreign[k] = append(w.foreign[k], w.create(t, w.b, k))
	}
	w.foreign[kMember] = append(w.foreign[kMember], w.b.Owner.ID())
	w.own[kUser] = []string{w.owner.User.Id, w.member.User.Id}
	w.foreign[kUser] = []string{w.b.Owner.User.Id}
	w.own[kOrg], w.foreign[kOrg] = []string{w.a.ID}, []string{w.b.ID}

	// What is gone: each through its own route where there is one.
	for _, k := range []struct{ kind, path string }{
		{kMember, "/members/"}, {kItem, "/items/"}, {kGroup, "/groups/"}, {kLicence, "/licenses/"},
		{kPayment, "/payment-methods/"}, {kInvitation, "/invitations/"},
	} {
		id := w.create(t, w.a, k.kind)
		var body any
		if k.kind == kMember {
			body = map[string]any{}
		}
		w.must(t, "DELETE", w.url(w.a, k.path+id), body)
		w.gone[k.kind] = append(w.gone[k.kind], id) // the invitation is revoked, not deleted
	}
	// An invoice cannot be deleted through the API: one removed from the database.
	inv := w.create(t, w.a, kInvoice)
	rec, err := app.FindRecordById("invoices", inv)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(rec); err != nil {
		t.Fatal(err)
	}
	w.gone[kInvoice] = []string{inv}
	// An invitation removed from the database, and dead join links: revoked, accepted,
	// expired, and the stored hash of a live one in place of its token.
	inv = w.create(t, w.a, kInvitation)
	if rec, err = app.FindRecordById("invitations", inv); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(rec); err != nil {
		t.Fatal(err)
	}
	w.gone[kInvitation] = append(w.gone[kInvitation], inv)
	w.gone[kToken] = append(w.gone[kToken], w.invitationTokens[inv], w.invitationTokens[w.gone[kInvitation][0]])
	accepted := w.create(t, w.a, kToken)
	w.seq++
	w.must(t, "POST", "/api/invitations/"+accepted+"/accept", enrolment(fmt.Sprintf("joiner%d", w.seq)))
	expired := w.create(t, w.a, kToken)
	for id, tok := range w.invitationTokens {
		if tok == expired {
			expireNow(t, app, id)
		}
	}
	// The first use of an expired link marks the invitation expired (and audits it):
	// done here, so that the refusals below write nothing.
	if r := send(t, w.c, "GET", "/api/invitations/"+expired, "", nil); r.Status != 404 {
		t.Fatalf("expired link: %d %s", r.Status, r.Raw)
	}
	live, err := app.FindRecordById("invitations", w.own[kInvitation][0])
	if err != nil {
		t.Fatal(err)
	}
	w.gone[kToken] = append(w.gone[kToken], accepted, expired, live.GetString("tokenHash"), live.Id)
	return w
}

func (w *idorWorld) url(o *testapp.Org, suffix string) string { return "/api/orgs/" + o.ID + suffix }

// must sends a request as the org's owner (Acme's unless the path says Globex) that has
// to succeed.
func (w *idorWorld) must(t *testing.T, method, path string, body any) testapp.Response {
	t.Helper()
	tok := w.ownerTok
	if strings.HasPrefix(path, w.url(w.b, "")) {
		tok = w.b.Owner.Token(t)
	}
	r := send(t, w.c, method, path, tok, body)
	if r.Status >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
	}
	return r
}

// freshMember adds an active member with a billed seat, who signed in and set up TOTP,
// so that every member action can succeed on them.
func (w *idorWorld) freshMember(t *testing.T, o *testapp.Org) *testapp.Member {
	t.Helper()
	m := testapp.AddMember(t, w.app, o, access.RoleMember, access.Creator)
	m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
	m.User.Set("totpEnabled", true)
	if err := w.app.Save(m.User); err != nil {
		t.Fatal(err)
	}
	return m
}

// create makes a new record of a kind in an organisation, through its route where
// there is one, and returns its id (a token for kToken).
func (w *idorWorld) create(t *testing.T, o *testapp.Org, kind string) string {
	t.Helper()
	w.seq++
	n := w.seq
	switch kind {
	case kMember:
		return w.freshMember(t, o).ID()
	case kItem:
		return idOf(t, w.must(t, "POST", w.url(o, "/items"), map[string]any{"kind": "map", "title": fmt.Sprint("Map ", n), "sharing": "org"}))
	case kGroup:
		return idOf(t, w.must(t, "POST", w.url(o, "/groups"), map[string]any{"title": fmt.Sprint("Group ", n)}))
	case kLicence:
		return idOf(t, w.must(t, "POST", w.url(o, "/licenses"), map[string]any{"code": fmt.Sprint("LIC", n), "name": fmt.Sprint("Licence ", n),
			"compatibleTypes": []string{"creator", "professional"}, "seats": 10}))
	case kPayment:
		return idOf(t, w.must(t, "POST", w.url(o, "/payment-methods"), visa))
	case kInvoice:
		inv, err := billing.ClosePeriod(w.app, o.ID, time.Now().UTC(), true, audit.ActorSystem)
		if err != nil {
			t.Fatal(err)
		}
		return inv.ID
	case kInvitation, kToken:
		r := w.must(t, "POST", w.url(o, "/invitations"), map[string]any{"emails": []string{fmt.Sprintf("invitee%d@example.net", n)}})
		inv := invRows(r)[0]["invitation"].(map[string]any)
		id, tok := inv["id"].(string), tokenOf(inv["link"].(string))
		if o == w.a {
			w.invitationTokens[id] = tok
		}
		if kind == kToken {
			return tok
		}
		return id
	}
	t.Fatalf("no way to create a %s", kind)
	return ""
}

// idorRoute is a route with an id in its path, called as Acme's owner.
type idorRoute struct {
	method, pattern string // as registered
	kind            string // what {id} or {token} names
	body            func(w *idorWorld) any
	// fresh makes the target of the positive control (default: a new record of kind).
	fresh func(t *testing.T, w *idorWorld) string
}

func noBody(*idorWorld) any { return nil }

func jsonBody(v map[string]any) func(*idorWorld) any { return func(*idorWorld) any { return v } }

// idorRoutes is every route of Roster with an {id} or {token}: TestEveryIDRouteHasIDORRows
// fails when one is missing.
var idorRoutes = []idorRoute{
	{"GET", "/api/orgs/{org}/members/{id}", kMember, noBody, nil},
	{"PATCH", "/api/orgs/{org}/members/{id}", kMember, jsonBody(map[string]any{"description": "IDOR"}), nil},
	{"DELETE", "/api/orgs/{org}/members/{id}", kMember, jsonBody(map[string]any{}), nil},
	{"GET", "/api/orgs/{org}/members/{id}/removal", kMember, noBody, nil},
	{"POST", "/api/orgs/{org}/members/{id}/role", kMember, jsonBody(map[string]any{"role": "admin"}), nil},
	{"POST", "/api/orgs/{org}/members/{id}/disable", kMember, noBody, nil},
	{"POST", "/api/orgs/{org}/members/{id}/end-sessions", kMember, noBody, nil},
	{"POST", "/api/orgs/{org}/members/{id}/enable", kMember, noBody, func(t *testing.T, w *idorWorld) string {
		m := w.freshMember(t, w.a)
		testapp.SetStatus(t, w.app, m, access.Disabled)
		return m.ID()
	}},
	{"POST", "/api/orgs/{org}/members/{id}/user-type", kMember, jsonBody(map[string]any{"userType": "professional"}), nil},
	{"POST", "/api/orgs/{org}/members/{id}/partner-access", kMember, jsonBody(map[string]any{"enabled": true}), nil},
	{"POST", "/api/orgs/{org}/members/{id}/credits", kMember, jsonBody(map[string]any{"allocated": 25}), nil},
	{"POST", "/api/orgs/{org}/members/{id}/reset-password", kMember, noBody, nil},
	{"POST", "/api/orgs/{org}/members/{id}/disable-mfa", kMember, noBody, nil},

	{"GET", "/api/orgs/{org}/items/{id}", kItem, noBody, nil},
	{"PATCH", "/api/orgs/{org}/items/{id}", kItem, jsonBody(map[string]any{"title": "IDOR"}), nil},
	{"DELETE", "/api/orgs/{org}/items/{id}", kItem, noBody, nil},

	{"GET", "/api/orgs/{org}/groups/{id}", kGroup, noBody, nil},
	{"PATCH", "/api/orgs/{org}/groups/{id}", kGroup, jsonBody(map[string]any{"title": "IDOR"}), nil},
	{"DELETE", "/api/orgs/{org}/groups/{id}", kGroup, noBody, nil},
	{"POST", "/api/orgs/{org}/groups/{id}/members", kGroup, func(w *idorWorld) any { return map[string]any{"add": []string{w.member.ID()}} }, nil},

	{"PATCH", "/api/orgs/{org}/licenses/{id}", kLicence, jsonBody(map[string]any{"seats": 20}), nil},
	{"DELETE", "/api/orgs/{org}/licenses/{id}", kLicence, noBody, nil},
	{"POST", "/api/orgs/{org}/licenses/{id}/assign", kLicence, func(w *idorWorld) any { return map[string]any{"members": []string{w.member.ID()}} }, nil},
	{"POST", "/api/orgs/{org}/licenses/{id}/revoke", kLicence, func(w *idorWorld) any { return map[string]any{"members": []string{w.member.ID()}} },
		func(t *testing.T, w *idorWorld) string {
			id := w.create(t, w.a, kLicence)
			w.must(t, "POST", w.url(w.a, "/licenses/"+id+"/assign"), map[string]any{"members": []string{w.member.ID()}})
			return id
		}},

	{"POST", "/api/orgs/{org}/invitations/{id}/resend", kInvitation, noBody, nil},
	{"DELETE", "/api/orgs/{org}/invitations/{id}", kInvitation, noBody, nil},

	{"GET", "/api/orgs/{org}/invoices/{id}", kInvoice, noBody, nil},
	{"POST", "/api/orgs/{org}/invoices/{id}/pay", kInvoice, func(w *idorWorld) any { return map[string]any{"paymentMethod": w.card} }, nil},

	{"PATCH", "/api/orgs/{org}/payment-methods/{id}", kPayment, jsonBody(map[string]any{"label": "IDOR"}), nil},
	{"DELETE", "/api/orgs/{org}/payment-methods/{id}", kPayment, noBody, nil},

	{"GET", "/api/invitations/{token}", kToken, noBody, nil},
	{"POST", "/api/invitations/{token}/accept", kToken, func(w *idorWorld) any {
		w.seq++
		return enrolment(fmt.Sprintf("idor%d", w.seq))
	}, nil},
}

// garbageIDs are ids no route should take for anything: empty-looking, too long, path
// tricks, SQL and LIKE syntax, unicode. They are path-escaped when sent, so each
// reaches the handler as one segment.
var garbageIDs = []string{
	" ", "\x00", "null", "undefined", "0", "-1", "*", "%", "_______________", "%%%%%%%%%%%%%%%",
	strings.Repeat("a", 16), strings.Repeat("z", 14), strings.Repeat("a1", 2500), "ABCDEFGHIJKLMNO",
	"../", "../../members", "..\\..\\", "./", "%2e%2e%2f",
	"'", "' OR '1'='1", "\" OR \"\"=\"", "1; DROP TABLE memberships; --", "') OR 1=1 --", "1 OR 1=1",
	"é", "💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥", "\u202eevil", "ｍｅｍｂｅｒ１２３４５６７８", "abc\u200bdefghijklmn",
	"{id}", "$id", "[object Object]", "a.html", ".html",
}

// randomIDs are well-formed PocketBase ids that name nothing.
func randomIDs(n int) []string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 15)
		for j := range b {
			b[j] = alphabet[rand.IntN(len(alphabet))]
		}
		out[i] = string(b)
	}
	return out
}

// idorCase is one id tried on one route, why, and the refusal expected (404 unless
// said otherwise).
type idorCase struct {
	why, id string
	want    int
}

// cases lists what the owner tries on a route of a kind: (a) the same kind in the other
// organisation, (b) random and garbage ids, (c) Acme's records that are gone, (d) Acme's
// live records of every other kind.
func (w *idorWorld) cases(kind string) []idorCase {
	var out []idorCase
	for _, id := range w.foreign[kind] {
		// A join link is a capability that works for whoever holds it, whichever the
		// organisation: only its near misses are tried.
		if kind != kToken {
			out = append(out, idorCase{why: "Globex's " + kind, id: id})
		}
		out = append(out, idorCase{why: "Globex's " + kind + " in upper case", id: strings.ToUpper(id)},
			idorCase{why: "Globex's " + kind + " with a trailing space", id: id + " "})
	}
	for _, id := range randomIDs(3) {
		out = append(out, idorCase{why: "a random id", id: id})
	}
	for _, id := range garbageIDs {
		out = append(out, idorCase{why: "garbage", id: id})
	}
	for i, id := range w.gone[kind] {
		c := idorCase{why: "a gone " + kind, id: id}
		if kind == kInvitation && i == 0 {
			// Revoked, not deleted: still Acme's, so the answer is the precondition.
			c.why, c.want = "a revoked invitation", 409
		}
		out = append(out, c)
	}
	kinds := make([]string, 0, len(w.own))
	for k := range w.own {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if k == kind || kind == kToken && k == kInvitation {
			continue // an invitation id as a token is in gone
		}
		for _, id := range w.own[k] {
			out = append(out, idorCase{why: "Acme's " + k + " (wrong kind)", id: id})
		}
	}
	return out
}

func (rt idorRoute) path(org, id string) string {
	return strings.NewReplacer("{org}", org, "{id}", url.PathEscape(id), "{token}", url.PathEscape(id)).Replace(rt.pattern)
}

// TestEveryIDRouteHasIDORRows fails when a route with an id in its path has no row in
// idorRoutes, or a row names a route that no longer exists.
func TestEveryIDRouteHasIDORRows(t *testing.T) {
	app := testapp.New(t)
	rows := map[string]bool{}
	for _, rt := range idorRoutes {
		rows[rt.method+" "+rt.pattern] = true
	}
	registered := map[string]bool{}
	for _, r := range rosterRoutes(t, app) {
		registered[r] = true
		rest := strings.ReplaceAll(r, "{org}", "")
		if !strings.Contains(rest, "{") || strings.Contains(rest, "...}") {
			continue // no id besides the organisation (TestIDORForeignOrganisationIDs), or a catch-all
		}
		if !rows[r] {
			t.Errorf("%s takes an id but has no row in idorRoutes: add one (kind, body, fresh target)", r)
		}
	}
	for r := range rows {
		if !registered[r] {
			t.Errorf("idorRoutes names %s, which is not a route any more", r)
		}
	}
}

// TestIDOR calls every id-bearing route, as the strongest actor (Acme's owner), with ids
// that are not Acme's live record of the route's kind. Each must be refused with 404
// (400 for garbage a route validates), never 2xx or 5xx, and nothing anywhere may
// change. Then each route is called once on a fresh record of its own kind and must
// succeed, so that the refusals above come from the id and not from the body.
func TestIDOR(t *testing.T) {
	w := newIDORWorld(t)
	before := snapshot(t, w.app)
	var sent int
	statuses := map[int]int{}
	for _, rt := range idorRoutes {
		for _, c := range w.cases(rt.kind) {
			ids := []string{c.id}
			if rt.kind == kInvoice && rt.method == "GET" {
				ids = append(ids, c.id+".html") // the printable invoice
			}
			for _, id := range ids {
				r := send(t, w.c, rt.method, rt.path(w.a.ID, id), w.ownerTok, rt.body(w))
				sent++
				statuses[r.Status]++
				want := c.want
				if want == 0 {
					want = 404
				}
				if r.Status != want && !(r.Status == 400 && c.why == "garbage") {
					t.Errorf("%s %s with %s %.40q: %d %.300s", rt.method, rt.pattern, c.why, id, r.Status, r.Raw)
				}
			}
		}
	}
	// Dot segments left raw never reach a handler: the mux redirects to the cleaned path
	// (and this client does not follow).
	for _, rt := range idorRoutes {
		p := strings.NewReplacer("{org}", w.a.ID, "{id}", "..", "{token}", "..").Replace(rt.pattern)
		r := send(t, w.c, rt.method, p, w.ownerTok, rt.body(w))
		sent++
		statuses[r.Status]++
		if r.Status != 307 && r.Status != 404 {
			t.Errorf("%s %s: %d %.200s, want the mux's redirect", rt.method, p, r.Status, r.Raw)
		}
	}
	sameRows(t, "after the refused requests", before, snapshot(t, w.app))

	globex := snapshot(t, w.app)
	for _, rt := range idorRoutes {
		var id string
		if rt.fresh != nil {
			id = rt.fresh(t, w)
		} else {
			id = w.create(t, w.a, rt.kind)
		}
		r := send(t, w.c, rt.method, rt.path(w.a.ID, id), w.ownerTok, rt.body(w))
		sent++
		if r.Status < 200 || r.Status > 299 {
			t.Errorf("positive control %s %s on a fresh %s: %d %.300s", rt.method, rt.pattern, rt.kind, r.Status, r.Raw)
		}
	}
	after := snapshot(t, w.app)
	for k, v := range globex {
		if strings.Contains(v, w.b.ID) && after[k] != v {
			t.Errorf("Globex's %s changed while Acme's owner worked on Acme", k)
		}
	}
	t.Logf("%d routes, %d requests; statuses %v", len(idorRoutes), sent, statuses)
}

// TestIDORForeignOrganisationIDs calls every organisation route (enumerated from the route
// table) with an organisation id that is not the caller's: the other organisation's,
// random, garbage, and ids of other kinds. Each must be the membership middleware's
// 404, before any handler runs, and nothing may change.
func TestIDORForeignOrganisationIDs(t *testing.T) {
	w := newIDORWorld(t)
	bodies := map[string]idorRoute{}
	for _, rt := range idorRoutes {
		bodies[rt.method+" "+rt.pattern] = rt
	}
	before := snapshot(t, w.app)
	var orgIDs []idorCase
	for _, id := range []string{w.b.ID, strings.ToUpper(w.a.ID), w.a.ID + " ", w.owner.User.Id, w.owner.ID()} {
		orgIDs = append(orgIDs, idorCase{why: "not Acme", id: id})
	}
	for _, id := range randomIDs(2) {
		orgIDs = append(orgIDs, idorCase{why: "a random id", id: id})
	}
	for _, id := range garbageIDs {
		orgIDs = append(orgIDs, idorCase{why: "garbage", id: id})
	}
	var routes, sent int
	for _, r := range rosterRoutes(t, w.app) {
		method, pattern, _ := strings.Cut(r, " ")
		if !strings.Contains(pattern, "{org}") {
			continue
		}
		routes++
		rt, ok := bodies[r]
		var body any = map[string]any{}
		id := w.own[kMember][0]
		if ok {
			body, id = rt.body(w), w.own[rt.kind][0]
		}
		for _, c := range orgIDs {
			p := strings.NewReplacer("{org}", url.PathEscape(c.id), "{id}", id).Replace(pattern)
			res := send(t, w.c, method, p, w.ownerTok, body)
			sent++
			if res.Status != 404 || !strings.Contains(res.Raw, "Organisation not found.") {
				t.Errorf("%s %s with %s %.40q: %d %.200s", method, pattern, c.why, c.id, res.Status, res.Raw)
			}
		}
	}
	sameRows(t, "after the refused requests", before, snapshot(t, w.app))
	if routes < 40 {
		t.Fatalf("only %d organisation routes", routes)
	}
	t.Logf("%d organisation routes × %d ids = %d requests", routes, len(orgIDs), sent)
}
