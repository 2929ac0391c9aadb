package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/invites"
	"roster/internal/members"
	persons "roster/internal/people"
	"roster/internal/security"
	"roster/internal/testapp"
)

// The HTTP permission matrix (docs/reliability.md §1): every route registered under internal/api
// (one row each in matrix_routes_test.go) is sent as every kind of actor on every kind
// of target through the real router of one app, and each answer is compared with what
// internal/access decides. matrix_guard_test.go fails when a route has no row.
//
// Expectations, in this order: a closed door refuses everyone (403), a public route is
// allowed to anyone; otherwise anonymous
// is 401, a disabled member 403 (refused before anything), another organisation's
// member, resource or path 404 (or 403 when the actor may not take the route's action
// at all, which tells nothing about the id), then the policy: refused is 403 (or a
// refusal the route documents with another status), allowed is anything but
// 401/403/404/5xx (a 409 for a data precondition is fine).

// The actors.
const (
	actOwner     = "owner"
	actAdmin     = "admin"
	actMember    = "member"
	actDisabled  = "disabled member"
	actForeign   = "other org's admin"
	actAnonymous = "anonymous"
)

var matrixActors = []string{actOwner, actAdmin, actMember, actDisabled, actForeign, actAnonymous}

// mxTarget is what a request acts on: a member, the resource a member owns, an
// invitation to a role, or the organisation itself.
type mxTarget int

const (
	tOwner   mxTarget = iota // the owner, or what they own
	tAdmin                   // another administrator, what they own, an invitation as administrator
	tMember                  // another member, what they own, an invitation as member
	tSelf                    // the actor's own membership, account, or resource
	tOrg                     // the organisation, or one of its resources that no member owns
	tForeign                 // the same in another organisation than the actor's
)

func (k mxTarget) String() string {
	return [...]string{"owner", "admin", "member", "self", "this org", "other org"}[k]
}

var (
	mxMemberTargets     = []mxTarget{tOwner, tAdmin, tMember, tSelf, tForeign}
	mxOrgTargets        = []mxTarget{tOrg, tForeign}
	mxSelfTargets       = []mxTarget{tSelf}
	mxInvitationTargets = []mxTarget{tMember, tAdmin, tForeign}
)

// mxAsk is what a route's handler asks internal/access.
type mxAsk int

const (
	askClosed     mxAsk = iota // nothing: the route refuses everyone (a closed door)
	askPublic                  // nothing: no sign-in
	askSignedIn                // any active member: their own account, their organisation's face
	askOrg                     // the actions, on the organisation
	askSelf                    // the actions, on the actor's own membership
	askTarget                  // the actions, on the target member
	askInvitee                 // the actions, on the invitation's role
	askRemoval                 // members.remove on the target, org.leave on oneself
	askModeration              // content.use; then the resource's owner, or members.remove on the owner
)

// mxRule is a route's expectation: who may, in the policy table's words (documentation), and
// what the handler asks the policy (the verdict).
type mxRule struct {
	who     string
	ask     mxAsk
	actions []access.Action
	code    string // a closed door's refusal
}

func mxClosed(who, code string) mxRule { return mxRule{who: who, ask: askClosed, code: code} }

func mxPublic(who string) mxRule   { return mxRule{who: who, ask: askPublic} }
func mxSignedIn(who string) mxRule { return mxRule{who: who, ask: askSignedIn} }
func mxOnOrg(who string, a ...access.Action) mxRule {
	return mxRule{who: who, ask: askOrg, actions: a}
}
func mxOnSelf(who string, a ...access.Action) mxRule {
	return mxRule{who: who, ask: askSelf, actions: a}
}
func mxOnTarget(who string, a ...access.Action) mxRule {
	return mxRule{who: who, ask: askTarget, actions: a}
}
func mxOnInvitee(who string, a access.Action) mxRule {
	return mxRule{who: who, ask: askInvitee, actions: []access.Action{a}}
}
func mxRemoval(who string) mxRule {
	return mxRule{who: who, ask: askRemoval, actions: []access.Action{access.MembersRemove, access.OrgLeave}}
}
func mxModeration(who string) mxRule {
	return mxRule{who: who, ask: askModeration, actions: []access.Action{access.ContentUse, access.MembersRemove}}
}

var errMxNothing = fail.Forbidden("nothing", "The policy allows this member nothing.")

// verdict asks the policy what the handler asks: nil is allowed.
func (r mxRule) verdict(actor access.Member, tm *access.Member, role access.Role) error {
	switch r.ask {
	case askPublic:
		return nil
	case askSignedIn:
		if len(access.Permissions(actor)) == 0 {
			return errMxNothing
		}
		return nil
	case askRemoval:
		if tm.ID == actor.ID {
			return access.Can(actor, access.OrgLeave, tm)
		}
		return access.Can(actor, access.MembersRemove, tm)
	case askModeration:
		if err := access.Can(actor, access.ContentUse, nil); err != nil || tm.ID == actor.ID {
			return err
		}
		return access.Can(actor, access.MembersRemove, tm)
	}
	for _, a := range r.actions {
		var on *access.Member
		switch r.ask {
		case askSelf:
			on = &actor
		case askTarget:
			on = tm
		case askInvitee:
			on = &access.Member{Role: role}
		}
		if err := access.Can(actor, a, on); err != nil {
			return err
		}
	}
	return nil
}

// refusedOutright says whether the actor may not take the route's first action on
// anyone: such a request may be refused (403) before its id is even looked up.
func (r mxRule) refusedOutright(actor access.Member) bool {
	return len(r.actions) > 0 && !slices.Contains(access.Permissions(actor), r.actions[0])
}

// mroute is one row of the matrix: a registered route and how to call it.
type mroute struct {
	key      string // "METHOD /pattern", as registered (matrix_guard_test.go matches it)
	variant  string // what tells apart rows of the same route
	rule     mxRule
	targets  []mxTarget
	orgLevel bool // the target is the path's organisation: another one's is its path
	// mutates: an allowed call changes its target member, who is then a fresh one.
	mutates bool
	// consumesActor: an allowed call uses the actor up (leaving): a fresh one then.
	consumesActor bool
	// refusals the route answers with another status than 403 (code → status).
	refusals map[string]int
	request  func(c *mcase) (path string, body any)
	after    func(c *mcase, r testapp.Response)
	// outcome reads the effective status and code of an answer that reports per member.
	outcome func(w *mxWorld, r testapp.Response) (int, string)
}

func (rt *mroute) method() string { m, _, _ := strings.Cut(rt.key, " "); return m }

// inOrg says whether the route sits in an organisation's path.
func (rt *mroute) inOrg() bool { return strings.Contains(rt.key, "{org}") }

// mxWorld is the matrix's one app: the office (newOffice) on the business plan (no seat
// limit) with credit budgeting and MFA on; next door another organisation, with MFA on,
// an administrator and a member; shared targets apart from the acting admin and member.
type mxWorld struct {
	*office
	t                           *testing.T
	slug                        string
	foreign                     *testapp.Org
	foreignAdmin, foreignMember *testapp.Member
	tAdmin, tMember, bystander  *testapp.Member
	mfaUser                     *testapp.Member
	mfaSecret                   string
	licenses                    map[string]string // org → a licence every type may hold
	invoices                    map[string]string // org → an invoice
	refusalCodes                map[string]bool   // every code access.Can refuses with
	seq                         int
}

func newMxWorld(t *testing.T) *mxWorld {
	o := newOffice(t)
	w := &mxWorld{office: o, t: t, licenses: map[string]string{}, invoices: map[string]string{}}
	org := o.orgRecord(t)
	org.Set("creditBudgeting", true)
	org.Set("creditsPool", 100000)
	org.Set("mfaEnabled", true)
	o.save(t, org)
	w.slug = org.GetString("slug")
	if _, err := billing.ChangePlan(o.app, w.billingActor(o.owner), "business"); err != nil {
		t.Fatal(err)
	}
	w.foreign = &testapp.Org{ID: o.outsider.Membership.GetString("org"), Owner: o.outsider}
	forg, err := o.app.FindRecordById("organizations", w.foreign.ID)
	if err != nil {
		t.Fatal(err)
	}
	forg.Set("mfaEnabled", true)
	o.save(t, forg)
	w.foreignAdmin, w.foreignMember = w.join(w.foreign, access.RoleAdmin), w.join(w.foreign, access.RoleMember)
	w.tAdmin, w.tMember, w.bystander = w.fresh(access.RoleAdmin), w.fresh(access.RoleMember), w.fresh(access.RoleMember)
	w.mfaUser = w.fresh(access.RoleMember)
	w.mfaSecret = w.enrol(w.mfaUser)
	for _, id := range []string{o.org.ID, w.foreign.ID} {
		w.licenses[id] = w.newLicense(id)
		w.newPaymentMethod(id) // the default one, that pays invoices
		w.invoices[id] = w.newInvoice(id)
	}
	w.refusalCodes = mxRefusalCodes()
	return w
}

// fresh adds an active member of the office (join: of org) with a billed seat, who
// signed in and has two-factor on (so that disable and disable-mfa are possible).
func (w *mxWorld) fresh(role access.Role) *testapp.Member { return w.join(w.org, role) }

func (w *mxWorld) join(org *testapp.Org, role access.Role) *testapp.Member {
	t := w.t
	m := testapp.AddMember(t, w.app, org, role, access.Creator)
	m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
	m.User.Set("totpEnabled", true)
	w.save(t, m.User)
	return m
}

// refresh reloads a member's records (a call may have rotated their token key or
// changed their email); a member who is gone stays as they were.
func (w *mxWorld) refresh(m *testapp.Member) {
	if m == nil {
		return
	}
	if u, err := w.app.FindRecordById("users", m.User.Id); err == nil {
		m.User, m.Email = u, u.Email()
	}
	if r, err := w.app.FindRecordById("memberships", m.Membership.Id); err == nil {
		m.Membership = r
	}
}

// policyMember is the policy's view of a member as stored now.
func (w *mxWorld) policyMember(m *testapp.Member) access.Member {
	r := m.Membership
	if stored, err := w.app.FindRecordById("memberships", r.Id); err == nil {
		r = stored
	}
	return persons.Of(r)
}

func (w *mxWorld) billingActor(m *testapp.Member) access.Actor {
	return access.Actor{Member: w.policyMember(m), Org: m.Membership.GetString("org"), Label: m.Email}
}

func (w *mxWorld) ownerOf(org string) *testapp.Member {
	if org == w.foreign.ID {
		return w.foreign.Owner
	}
	return w.owner
}

func (w *mxWorld) next() int { w.seq++; return w.seq }

// record saves a new record of a collection.
func (w *mxWorld) record(collection string, fields map[string]any) string {
	col, err := w.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		w.t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(fields)
	w.save(w.t, r)
	return r.Id
}

func (w *mxWorld) newLicense(org string) string {
	return w.record("licenses", map[string]any{"org": org, "code": fmt.Sprintf("MX%d", w.next()), "name": "Matrix",
		"compatibleTypes": access.UserTypes, "seats": 0})
}

func (w *mxWorld) newInvoice(org string) string {
	inv, err := billing.ClosePeriod(w.app, org, time.Now().UTC(), true, audit.ActorSystem)
	if err != nil {
		w.t.Fatal(err)
	}
	return inv.ID
}

func (w *mxWorld) newPaymentMethod(org string) string {
	body, _ := json.Marshal(mxCard())
	m, err := billing.AddPaymentMethod(w.app, w.billingActor(w.ownerOf(org)), body)
	if err != nil {
		w.t.Fatal(err)
	}
	return m.ID
}

func mxCard() map[string]any {
	return map[string]any{"kind": "card", "brand": "Visa", "last4": "4242", "expMonth": 12,
		"expYear": time.Now().Year() + 2, "holder": "Matrix"}
}

// newInvitation invites a fresh address to org as role; it answers its id and join token.
func (w *mxWorld) newInvitation(org string, role access.Role) (id, token string) {
	res, err := invites.InviteAsOperator(w.app, org, invites.Request{Rows: []invites.Row{
		{Email: fmt.Sprintf("invitee%d@example.com", w.next()), Role: string(role), UserType: string(access.Creator)}}})
	if err != nil || res.Created != 1 {
		w.t.Fatalf("invitation: %v %+v", err, res)
	}
	inv := res.Results[0].Invitation
	_, token, _ = strings.Cut(inv.Link, "/join/")
	return inv.ID, token
}

// Two-factor, through the services: setupTOTP starts an enrolment and answers the
// secret, enrol also enables it, clearTOTP turns it off, forgetSteps lets the current
// code be used again (code, in security_test.go, computes it).
func (w *mxWorld) setupTOTP(m *testapp.Member) string {
	w.clearTOTP(m)
	en, err := security.Setup(w.app, w.memberActor(m))
	if err != nil {
		w.t.Fatal(err)
	}
	return en.Secret
}

func (w *mxWorld) enrol(m *testapp.Member) string {
	secret := w.setupTOTP(m)
	if _, err := security.Enable(w.app, w.memberActor(m), code(w.t, secret)); err != nil {
		w.t.Fatal(err)
	}
	w.forgetSteps(m)
	return secret
}

func (w *mxWorld) memberActor(m *testapp.Member) access.Actor {
	session, err := members.SessionOf(w.app, m.User)
	if err != nil {
		w.t.Fatal(err)
	}
	a := session.Actor
	return a
}

func (w *mxWorld) clearTOTP(m *testapp.Member) {
	u, err := w.app.FindRecordById("users", m.User.Id)
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range map[string]any{"totpEnabled": false, "totpSecret": "", "totpLastStep": 0, "recoveryCodes": ""} {
		u.Set(k, v)
	}
	w.save(w.t, u)
	m.User = u
}

func (w *mxWorld) forgetSteps(m *testapp.Member) {
	_, err := w.app.DB().Update("users", dbx.Params{"totpLastStep": 0, "failedLogins": 0, "lockedUntil": ""},
		dbx.HashExp{"id": m.User.Id}).Execute()
	if err != nil {
		w.t.Fatal(err)
	}
}

// challenge signs the MFA user in with their password: the mfaId of the second step.
func (w *mxWorld) challenge() string {
	w.forgetSteps(w.mfaUser)
	r := w.c.Do("POST", "/api/collections/users/auth-with-password", "",
		map[string]string{"identity": w.mfaUser.Email, "password": w.mfaUser.Password})
	d, _ := r.JSON["data"].(map[string]any)
	id, _ := d["mfaId"].(string)
	if r.Status != 401 || id == "" {
		w.t.Fatalf("sign-in challenge: %d %s", r.Status, r.Raw)
	}
	return id
}

// mxRefusalCodes lists every code access.Can refuses with, over every action,
// actor and kind of target.
func mxRefusalCodes() map[string]bool {
	out := map[string]bool{}
	for _, a := range access.Actions() {
		for _, role := range access.Roles {
			for _, st := range []access.Status{access.Active, access.Disabled} {
				for _, ut := range access.UserTypes {
					actor := access.Member{ID: "me", Role: role, UserType: ut, Status: st}
					for _, tm := range []*access.Member{nil, &actor, {ID: "m", Role: access.RoleMember},
						{ID: "a", Role: access.RoleAdmin}, {ID: "o", Role: access.RoleOwner}, {Role: "?"}} {
						if fe, ok := fail.As(access.Can(actor, a, tm)); ok {
							out[fe.Code] = true
						}
					}
				}
			}
		}
	}
	return out
}

// mcase is one request of the matrix.
type mcase struct {
	w        *mxWorld
	rt       *mroute
	actor    string
	who      *testapp.Member // nil: anonymous
	kind     mxTarget
	member   *testapp.Member // the member targeted, or the resource's owner
	fresh    bool            // member is a fresh one, for this case alone
	role     access.Role     // the invitee's role
	home     string          // the organisation in the path
	res      string          // the organisation the target belongs to
	allowed  bool            // the policy allows it: prepare what a real success needs
	password string          // a new password the request sets
}

func (c *mcase) org(suffix string) string { return "/api/orgs/" + c.home + suffix }
func (c *mcase) memberPath(suffix string) string {
	return c.org("/members/" + c.member.ID() + suffix)
}
func (c *mcase) token() string {
	if c.who == nil {
		return ""
	}
	return c.who.Token(c.w.t)
}

// expectation is what a case must answer.
type expectation struct {
	status int    // 0: allowed
	alt    int    // another refusal status accepted
	code   string // the refusal's data.code, when it must be one
}

// expect derives the expectation from the policy (see the top of this file).
func (c *mcase) expect() expectation {
	r := c.rt.rule
	switch r.ask {
	case askClosed:
		return expectation{status: 403, code: r.code}
	case askPublic:
		return expectation{}
	}
	if c.who == nil {
		return expectation{status: 401}
	}
	actor := c.w.policyMember(c.who)
	if actor.Status != access.Active {
		return expectation{status: 403, code: "account_disabled"} // loadActor, before anything
	}
	if c.rt.inOrg() && (c.actor == actForeign || c.kind == tForeign) {
		e := expectation{status: 404}
		if c.home == c.who.Membership.GetString("org") && r.refusedOutright(actor) {
			e.alt = 403
		}
		return e
	}
	var tm *access.Member
	if c.member != nil {
		m := c.w.policyMember(c.member)
		tm = &m
	}
	err := r.verdict(actor, tm, c.role)
	if err == nil {
		return expectation{}
	}
	e := expectation{status: 403}
	if fe, ok := fail.As(err); ok {
		e.code = fe.Code
	}
	if r.ask == askModeration && access.Can(actor, access.ContentUse, nil) == nil {
		e.code = "not_owner" // content names the moderation refusal itself
	}
	return e
}

// matrixStats counts what the matrix saw.
type matrixStats struct {
	current                                   string // the case being sent
	done                                      bool
	cases, allowed, refused                   int
	routes                                    map[string]bool
	escalations, falseRefusals, wrongRefusals []string
	statuses                                  map[int]int
}

// run sends one case and judges its answer.
func (w *mxWorld) run(rt *mroute, actorName string, k mxTarget, st *matrixStats) {
	c := &mcase{w: w, rt: rt, actor: actorName, kind: k, home: w.org.ID, role: access.RoleMember}
	switch actorName {
	case actOwner:
		c.who = w.owner
	case actAdmin:
		c.who = w.admin
	case actMember:
		c.who = w.member
	case actDisabled:
		c.who = w.disabled
	case actForeign:
		c.who = w.foreignAdmin
	}
	switch k {
	case tOwner:
		c.member = w.owner
	case tAdmin:
		c.member, c.role = w.tAdmin, access.RoleAdmin
	case tMember:
		c.member = w.tMember
	case tSelf:
		c.member = c.who
		if c.who == nil {
			c.member = w.tMember // anonymous has no self
		}
	case tForeign:
		switch {
		case actorName == actForeign && rt.orgLevel:
			return // their own organisation is no other organisation
		case actorName == actForeign:
			// An IDOR probe: their own organisation in the path, the office's member or resource.
			c.home, c.member = w.foreign.ID, w.tMember
		default:
			c.member = w.foreignMember
			if rt.orgLevel {
				c.home = w.foreign.ID
			}
		}
	}
	c.res = w.org.ID
	if c.member != nil {
		c.res = c.member.Membership.GetString("org")
	}
	want := c.expect()
	c.allowed = want.status == 0
	if c.allowed && rt.consumesActor && (actorName == actAdmin || actorName == actMember) {
		c.who = w.fresh(access.Role(actorName))
		if k == tSelf {
			c.member = c.who
		}
	}
	if c.allowed && rt.mutates && (k == tAdmin || k == tMember) {
		c.member, c.fresh = w.fresh(c.role), true
	}
	st.current = fmt.Sprintf("%s%s as %s on %s", rt.key, mxVariant(rt), actorName, k)
	path, body := rt.request(c)
	r := w.c.Do(rt.method(), path, c.token(), body)
	if rt.after != nil {
		rt.after(c, r)
	}
	if rt.method() != "GET" {
		w.refresh(c.who)
		w.refresh(c.member)
	}

	status, code := r.Status, r.Code()
	if rt.outcome != nil {
		status, code = rt.outcome(w, r)
	}
	st.cases++
	st.routes[rt.key] = true
	st.statuses[status]++
	documented := status != 0 && rt.refusals[code] == status
	refusal := status == 401 || status == 403 || status == 404 || documented
	label := fmt.Sprintf("%s%s as %s on %s (who may: %s): %s %s → %d %s", rt.key, mxVariant(rt), actorName, k, rt.rule.who,
		rt.method(), path, status, code)
	switch {
	case want.status == 0 && refusal:
		st.falseRefusals = append(st.falseRefusals, label+" "+mxClip(r.Raw))
	case want.status == 0 && status >= 500:
		st.falseRefusals = append(st.falseRefusals, label+" (server error) "+mxClip(r.Raw))
	case want.status == 0:
		st.allowed++
	case !refusal:
		st.escalations = append(st.escalations, label+" "+mxClip(r.Raw))
	case documented && want.status == 403:
		st.refused++
	case status != want.status && status != want.alt:
		st.wrongRefusals = append(st.wrongRefusals, fmt.Sprintf("%s (want %d)", label, want.status))
	case status == 403 && want.code != "" && code != want.code:
		st.wrongRefusals = append(st.wrongRefusals, fmt.Sprintf("%s (want the policy's %s)", label, want.code))
	default:
		st.refused++
	}
}

func mxVariant(rt *mroute) string {
	if rt.variant == "" {
		return ""
	}
	return " (" + rt.variant + ")"
}

func mxClip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestPermissionMatrix sends every route as every kind of actor on every kind of target
// and compares each answer with the policy: zero escalations, zero false refusals.
func TestPermissionMatrix(t *testing.T) {
	start := time.Now()
	w := newMxWorld(t)
	setup := time.Since(start)
	st := &matrixStats{routes: map[string]bool{}, statuses: map[int]int{}}
	defer st.report(t, setup, start) // also when a case stops the test: what it saw until then
	for i := range matrixRoutes {
		rt := &matrixRoutes[i]
		for _, a := range matrixActors {
			for _, k := range rt.targets {
				w.run(rt, a, k, st)
			}
		}
	}
	st.done = true
}

func (st *matrixStats) report(t *testing.T, setup time.Duration, start time.Time) {
	if !st.done {
		t.Errorf("the matrix stopped during %s", st.current)
	}
	for _, e := range st.escalations {
		t.Errorf("ESCALATION: %s", e)
	}
	for _, e := range st.falseRefusals {
		t.Errorf("FALSE REFUSAL: %s", e)
	}
	for _, e := range st.wrongRefusals {
		t.Errorf("wrong refusal: %s", e)
	}
	var codes []string
	for s, n := range st.statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", s, n))
	}
	sort.Strings(codes)
	t.Logf("permission matrix: %d routes (%d rows) × %d actors × their targets = %d cases: %d allowed, %d refused as expected, "+
		"%d escalations, %d false refusals, %d wrong refusals; statuses %s; setup %s, total %s",
		len(st.routes), len(matrixRoutes), len(matrixActors), st.cases, st.allowed, st.refused,
		len(st.escalations), len(st.falseRefusals), len(st.wrongRefusals), strings.Join(codes, " "),
		setup.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}
