package invariants_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
	"pgregory.net/rapid"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/doctor"
	"roster/internal/testapp"
)

// world is a fresh Roster app served on loopback HTTP, with the organisation under
// test (a) and one next door (b, to catch what leaks from one to the other).
type world struct {
	app   *tests.TestApp
	c     *testapp.Client
	a, b  *testapp.Org
	plans map[string]plan // by code, as seeded
}

// plan is what the model needs of a seeded plan.
type plan struct {
	maxSeats int // 0 = unlimited
	prices   map[access.UserType]int
}

// password is every account's password in these tests, the seeded owners' included.
const password = testapp.Password

func newWorld(t testing.TB, planA string) *world {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false // thousands of requests from one address
	w := &world{app: app, c: testapp.Serve(t, app), plans: map[string]plan{}}
	w.a = testapp.CreateOrg(t, app, "Alpha", planA)
	w.b = testapp.CreateOrg(t, app, "Bravo", "business")
	recs, err := app.FindAllRecords("plans")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		var prices map[access.UserType]int
		if err := r.UnmarshalJSONField("seatPrices", &prices); err != nil {
			t.Fatal(err)
		}
		w.plans[r.GetString("code")] = plan{maxSeats: r.GetInt("maxSeats"), prices: prices}
	}
	return w
}

// token signs a token for account userID as it now is (a disable or role change
// rotates the account's token key, so tokens are made afresh for each request).
func (w *world) token(t testing.TB, userID string) string {
	t.Helper()
	u, err := w.app.FindRecordById("users", userID)
	if err != nil {
		t.Fatalf("account %s: %v", userID, err)
	}
	tok, err := u.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (w *world) orgPath(org, suffix string) string { return "/api/orgs/" + org + suffix }

// acceptBody is an invitee's enrolment.
func acceptBody(given string) map[string]any {
	return map[string]any{"password": password, "givenName": given, "familyName": "Invited"}
}

// tokenOf is the join token at the end of an invitation link.
func tokenOf(link string) string { return link[strings.LastIndex(link, "/")+1:] }

// auditRows counts org's audit rows.
func (w *world) auditRows(t testing.TB, org string) int {
	t.Helper()
	var n int
	if err := w.app.DB().NewQuery("SELECT count(*) FROM auditLog WHERE org = {:org}").Bind(dbx.Params{"org": org}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// ownersOf lists org's owners as "id:status".
func (w *world) ownersOf(t testing.TB, org string) []string {
	t.Helper()
	var owners []string
	err := w.app.DB().NewQuery("SELECT id || ':' || status FROM memberships WHERE org = {:org} AND role = 'owner' ORDER BY id").
		Bind(dbx.Params{"org": org}).Column(&owners)
	if err != nil {
		t.Fatal(err)
	}
	return owners
}

// itemsOwned counts org's items per owning membership.
func (w *world) itemsOwned(t testing.TB, org string) map[string]int {
	t.Helper()
	var rows []struct {
		Owner string `db:"owner"`
		N     int    `db:"n"`
	}
	err := w.app.DB().NewQuery("SELECT owner, count(*) AS n FROM items WHERE org = {:org} GROUP BY owner").
		Bind(dbx.Params{"org": org}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Owner] = r.N
	}
	return out
}

// healthy is what must hold of the database whatever happened, model or not: doctor
// finds nothing, billing.Verify finds nothing in either organisation, and each has
// exactly one owner, active. It returns the problems, for the caller to fail with.
func (w *world) healthy(t testing.TB) []string {
	t.Helper()
	var problems []string
	rep, err := doctor.Run(w.app)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		var b strings.Builder
		rep.Write(&b)
		problems = append(problems, "doctor:\n"+b.String())
	}
	for _, org := range []*testapp.Org{w.a, w.b} {
		p, err := billing.Verify(w.app, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p {
			problems = append(problems, "billing.Verify: "+s)
		}
		if owners := w.ownersOf(t, org.ID); len(owners) != 1 || !strings.HasSuffix(owners[0], ":active") {
			problems = append(problems, fmt.Sprintf("owners %v, want exactly one, active", owners))
		}
	}
	return problems
}

// codeOf is an answer's refusal code: data.code, or "field:code" for a 400.
func codeOf(r testapp.Response) string {
	if c := r.Code(); c != "" || r.Status != 400 {
		return c
	}
	d, _ := r.JSON["data"].(map[string]any)
	fields := make([]string, 0, len(d))
	for k := range d {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if c := r.FieldCode(f); c != "" {
			return f + ":" + c
		}
	}
	return ""
}

// rapidTB lets testapp, which takes a testing.TB, work inside a rapid check: a failure
// fails the check (so that rapid shrinks the sequence) and cleanups run when the check
// ends. The enclosing test provides whatever is not overridden.
type rapidTB struct {
	testing.TB
	rt *rapid.T
}

func (r rapidTB) Helper()                      {}
func (r rapidTB) Cleanup(f func())             { r.rt.Cleanup(f) }
func (r rapidTB) Fatal(args ...any)            { r.rt.Fatal(args...) }
func (r rapidTB) Fatalf(f string, args ...any) { r.rt.Fatalf(f, args...) }
func (r rapidTB) Error(args ...any)            { r.rt.Error(args...) }
func (r rapidTB) Errorf(f string, args ...any) { r.rt.Errorf(f, args...) }
func (r rapidTB) Log(args ...any)              { r.rt.Log(args...) }
func (r rapidTB) Logf(f string, args ...any)   { r.rt.Logf(f, args...) }
func (r rapidTB) FailNow()                     { r.rt.FailNow() }
func (r rapidTB) Fail()                        { r.rt.Fail() }
func (r rapidTB) Failed() bool                 { return r.rt.Failed() }
func (r rapidTB) Skip(args ...any)             { r.rt.Skip(args...) }
func (r rapidTB) Skipf(f string, args ...any)  { r.rt.Skipf(f, args...) }
func (r rapidTB) SkipNow()                     { r.rt.SkipNow() }
