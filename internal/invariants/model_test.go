package invariants_test

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/testapp"
)

// TestModel drives organisation a through random sequences of actions over the HTTP
// API, as its owner, an administrator or a member, and checks every answer (status and
// refusal code) against a plain model of the organisation, then, after every step,
// every invariant: billed seats = active + disabled members = ledger replay, per user
// type; exactly one active owner; one audit row per change (none for a refusal);
// accepted invitations point to a member or a recorded removal; doctor finds nothing.
// Run longer with -rapid.checks=N -rapid.steps=M (or RAPID_CHECKS, RAPID_STEPS).
func TestModel(t *testing.T) {
	st := &stats{kinds: map[string]*tally{}}
	start := time.Now()
	rapid.Check(t, func(rt *rapid.T) {
		s := newState(t, rt, st)
		rt.Repeat(map[string]func(*rapid.T){
			"":          s.check,
			"invite":    s.invite,
			"accept":    s.accept,
			"revoke":    s.revoke,
			"disable":   s.status(access.MembersDisable),
			"enable":    s.status(access.MembersEnable),
			"userType":  s.userType,
			"role":      s.role,
			"remove":    s.remove,
			"transfer":  s.transfer,
			"bulk":      s.bulk,
			"plan":      s.plan,
			"downgrade": s.downgrade,
			"item":      s.item,
			"elsewhere": s.elsewhere,
			"crossOrg":  s.crossOrg,
			"signIn":    s.signIn,
		})
		st.sequences++
	})
	st.report(t, time.Since(start))
}

// ---- the model ----

type member struct {
	id, user, email string
	role            access.Role
	typ             access.UserType
	status          access.Status
	items           int
	signedIn        bool
}

type invitation struct {
	id, email, token string
	role             access.Role
	typ              access.UserType
}

// model is what organisation a should be, in plain Go, and what the model needs to know
// of b next door.
type model struct {
	members  []*member // in joining order
	pending  []*invitation
	spent    []*invitation     // accepted or revoked: their links no longer work
	accepted map[string]string // invitation id → the membership it made
	removed  map[string]bool   // memberships removed
	gone     []string          // addresses of removed members: free again
	plan     string
	audit    int // audit rows of a
	auditB   int // audit rows of b

	bOwner       *member
	bMembers     []*member
	bEmails      map[string]bool // addresses with an account in b
	bInvitations []string

	fresh int // addresses handed out
}

func (m *model) owner() *member {
	for _, x := range m.members {
		if x.role == access.RoleOwner {
			return x
		}
	}
	panic("model: no owner")
}

func (m *model) byID(id string) *member {
	for _, x := range m.members {
		if x.id == id {
			return x
		}
	}
	return nil
}

func (m *model) byEmail(email string) *member {
	for _, x := range m.members {
		if x.email == email {
			return x
		}
	}
	return nil
}

func (m *model) pendingFor(email string) *invitation {
	for _, i := range m.pending {
		if i.email == email {
			return i
		}
	}
	return nil
}

// over says whether n seats exceed a plan's seat limit.
func over(p plan, n int) bool { return p.maxSeats > 0 && n > p.maxSeats }

// reach restates the policy for the member actions the model takes: on whom each role
// may take them. A role without an entry may not take the action at all.
type reach struct{ self, admins, members bool }

var policy = map[access.Action]map[access.Role]reach{
	access.MembersDisable:        {access.RoleOwner: {admins: true, members: true}, access.RoleAdmin: {members: true}},
	access.MembersEnable:         {access.RoleOwner: {admins: true, members: true}, access.RoleAdmin: {members: true}},
	access.MembersRemove:         {access.RoleOwner: {admins: true, members: true}, access.RoleAdmin: {members: true}},
	access.MembersChangeUserType: {access.RoleOwner: {self: true, admins: true, members: true}, access.RoleAdmin: {members: true}},
	access.MembersChangeRole:     {access.RoleOwner: {admins: true, members: true}},
	access.OrgTransferOwnership:  {access.RoleOwner: {admins: true, members: true}},
}

// refused is the policy's 403 code for actor taking action on target ("" = allowed).
func refused(action access.Action, actor, target *member) string {
	r, ok := policy[action][actor.role]
	switch {
	case !ok:
		return "role"
	case target.id == actor.id:
		if !r.self {
			return "self"
		}
	case target.role == access.RoleOwner:
		return "owner_protected"
	case target.role == access.RoleAdmin && !r.admins:
		return "rank"
	case target.role == access.RoleMember && !r.members:
		return "role"
	}
	return ""
}

// canOwn and fits restate the user type rules (access.UserType).
func canOwn(t access.UserType) bool              { return t == access.Creator || t == access.Professional }
func fits(t access.UserType, r access.Role) bool { return r == access.RoleMember || canOwn(t) }

// outcome is an expected answer: 200, or a refusal's status and code ("field:code" for
// a 400). unchanged marks a 200 that changes nothing.
type outcome struct {
	status    int
	code      string
	unchanged bool
}

var ok = outcome{status: 200}

func refuse(status int, code string) outcome { return outcome{status: status, code: code} }

// judge is the model's verdict on actor taking a member action on target (nil: not a
// member of a) with the given user type or role, for the single route and for each
// member of a bulk action.
func (m *model) judge(action access.Action, actor, target *member, typ access.UserType, role access.Role) outcome {
	if target == nil {
		return refuse(404, "")
	}
	if code := refused(action, actor, target); code != "" {
		return refuse(403, code)
	}
	switch action {
	case access.MembersDisable:
		switch {
		case target.status == access.Disabled:
			return refuse(409, "already_disabled")
		case !target.signedIn:
			return refuse(409, "never_signed_in")
		}
	case access.MembersEnable:
		if target.status == access.Active {
			return refuse(409, "already_enabled")
		}
	case access.MembersChangeUserType:
		switch {
		case target.typ == typ:
			return outcome{status: 200, unchanged: true}
		case !canOwn(typ) && target.items > 0:
			return refuse(409, "owns_content")
		case !fits(typ, target.role):
			return refuse(409, "role_incompatible_type")
		}
	case access.MembersChangeRole:
		switch {
		case target.role == role:
			return outcome{status: 200, unchanged: true}
		case !fits(target.typ, role):
			return refuse(409, "role_incompatible_type")
		}
	}
	return ok
}

// apply makes a member action that the model judged ok happen in the model.
func (m *model) apply(action access.Action, target *member, typ access.UserType, role access.Role) {
	switch action {
	case access.MembersDisable:
		target.status = access.Disabled
	case access.MembersEnable:
		target.status = access.Active
	case access.MembersChangeUserType:
		target.typ = typ
	case access.MembersChangeRole:
		target.role = role
	}
	m.audit++
}

// ---- the test's state: the world, the model, the sequence so far ----

type state struct {
	t   *testing.T
	rt  *rapid.T
	w   *world
	m   *model
	st  *stats
	log []string
}

func newState(t *testing.T, rt *rapid.T, st *stats) *state {
	tb := rapidTB{TB: t, rt: rt}
	planA := rapid.SampledFrom([]string{"starter", "team", "team"}).Draw(rt, "plan")
	w := newWorld(tb, planA)
	s := &state{t: t, rt: rt, w: w, st: st, m: &model{
		plan: planA, accepted: map[string]string{}, removed: map[string]bool{}, bEmails: map[string]bool{},
	}}
	owner := w.a.Owner
	s.m.members = []*member{{id: owner.ID(), user: owner.User.Id, email: owner.Email, role: access.RoleOwner,
		typ: access.Creator, status: access.Active}}
	s.m.bOwner = &member{id: w.b.Owner.ID(), user: w.b.Owner.User.Id, email: w.b.Owner.Email, role: access.RoleOwner,
		typ: access.Creator, status: access.Active}
	s.m.bEmails[w.b.Owner.Email] = true
	s.m.audit, s.m.auditB = w.auditRows(tb, w.a.ID), w.auditRows(tb, w.b.ID)
	// b gets a member through its own invitation, so that there is someone next door to
	// aim at; a starts with a few members who joined the same way.
	s.joinB(s.freshAddress())
	for n := rapid.IntRange(0, 4).Draw(rt, "members to start with"); n > 0; n-- {
		role := rapid.SampledFrom([]access.Role{access.RoleMember, access.RoleMember, access.RoleAdmin}).Draw(rt, "role")
		typ := rapid.SampledFrom(access.UserTypes).Draw(rt, "userType")
		if !fits(typ, role) {
			typ = access.Creator
		}
		s.sendInvite(s.m.owner(), []string{s.freshAddress()}, role, typ, false)
		inv := s.m.pending[len(s.m.pending)-1]
		s.sendAccept(inv, inv.token, "the pending invitation of "+inv.email)
	}
	return s
}

func (s *state) tb() testing.TB { return rapidTB{TB: s.t, rt: s.rt} }

func (s *state) token(x *member) string { return s.w.token(s.tb(), x.user) }

func (s *state) path(suffix string) string { return s.w.orgPath(s.w.a.ID, suffix) }

func (s *state) freshAddress() string {
	s.m.fresh++
	return fmt.Sprintf("guest%d@example.net", s.m.fresh)
}

// expect compares an answer with the model's outcome, logs the step and counts it; a
// mismatch fails the check with the whole sequence. It reports whether the action
// happened (a 200 that changes something).
func (s *state) expect(kind, desc string, r testapp.Response, want outcome) bool {
	got := codeOf(r)
	s.log = append(s.log, fmt.Sprintf("%3d. %s → %d %s", len(s.log)+1, desc, r.Status, got))
	s.st.count(kind, r)
	if r.Status != want.status || (want.code != "" && got != want.code) {
		s.rt.Fatalf("%s: got %d %q, the model says %d %q\nanswer: %.600s\nsequence:\n%s",
			desc, r.Status, got, want.status, want.code, r.Raw, strings.Join(s.log, "\n"))
	}
	return r.Status == 200 && !want.unchanged
}

func (s *state) fail(format string, args ...any) {
	s.rt.Fatalf(format+"\nsequence:\n%s", append(args, strings.Join(s.log, "\n"))...)
}

// drawActor picks who acts: the owner half of the time, else an administrator or a
// member (a disabled one included: every route refuses them).
func (s *state) drawActor(rt *rapid.T) *member {
	var admins, others []*member
	for _, x := range s.m.members {
		switch x.role {
		case access.RoleAdmin:
			admins = append(admins, x)
		case access.RoleMember:
			others = append(others, x)
		}
	}
	switch k := rapid.IntRange(0, 9).Draw(rt, "actor"); {
	case k >= 5 && k <= 8 && len(admins) > 0:
		return admins[rapid.IntRange(0, len(admins)-1).Draw(rt, "admin")]
	case k == 9 && len(others) > 0:
		return others[rapid.IntRange(0, len(others)-1).Draw(rt, "member")]
	}
	return s.m.owner()
}

// ghost is a membership id that exists nowhere.
const ghost = "nosuchmember000"

// drawTarget picks a member of a, or now and then (nil) b's member or an id that
// exists nowhere.
func (s *state) drawTarget(rt *rapid.T, label string) (string, *member) {
	switch rapid.IntRange(0, 11).Draw(rt, label) {
	case 0:
		return s.m.bMembers[0].id, nil
	case 1:
		return ghost, nil
	}
	x := s.m.members[rapid.IntRange(0, len(s.m.members)-1).Draw(rt, label+" member")]
	return x.id, x
}

// drawWhere picks, half of the time, a member of a who satisfies good (when one does),
// so that actions succeed often enough to move the organisation along; else any
// target, as drawTarget does.
func (s *state) drawWhere(rt *rapid.T, label string, good func(*member) bool) (string, *member) {
	var fit []*member
	for _, x := range s.m.members {
		if good(x) {
			fit = append(fit, x)
		}
	}
	if len(fit) > 0 && rapid.Bool().Draw(rt, label+" fits?") {
		x := fit[rapid.IntRange(0, len(fit)-1).Draw(rt, label+" fit")]
		return x.id, x
	}
	return s.drawTarget(rt, label)
}

func notOwner(x *member) bool { return x.role != access.RoleOwner }

// denied is the outcome of any request by a disabled member.
var denied = refuse(403, "account_disabled")

// ---- actions ----

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]+$`)

// drawAddress picks one address to invite: mostly fresh ones, else a member's, a
// pending invitee's, a removed member's, b's member's, an invalid one, or one given
// earlier in the same request in other letter case.
func (s *state) drawAddress(rt *rapid.T, earlier []string) string {
	switch k := rapid.IntRange(0, 11).Draw(rt, "address"); {
	case k == 6:
		return s.m.members[rapid.IntRange(0, len(s.m.members)-1).Draw(rt, "member")].email
	case k == 7 && len(s.m.pending) > 0:
		return strings.ToUpper(s.m.pending[rapid.IntRange(0, len(s.m.pending)-1).Draw(rt, "pending")].email)
	case k == 8 && len(s.m.gone) > 0:
		return s.m.gone[rapid.IntRange(0, len(s.m.gone)-1).Draw(rt, "gone")]
	case k == 9:
		return s.m.bMembers[rapid.IntRange(0, len(s.m.bMembers)-1).Draw(rt, "b member")].email
	case k == 10:
		return rapid.SampledFrom([]string{"not-an-email", "guest@", "@example.net", "two@@example.net"}).Draw(rt, "invalid")
	case k == 11 && len(earlier) > 0:
		return strings.ToUpper(earlier[rapid.IntRange(0, len(earlier)-1).Draw(rt, "again")])
	}
	return s.freshAddress()
}

// judgeInvite is the model's verdict on an invitation request, and each row's code.
func (s *state) judgeInvite(actor *member, emails []string, role access.Role, typ access.UserType, skip bool) (outcome, []string) {
	switch {
	case actor.status == access.Disabled:
		return denied, nil
	case actor.role == access.RoleMember:
		return refuse(403, "role"), nil
	case actor.role == access.RoleAdmin && role == access.RoleAdmin:
		return refuse(403, "rank"), nil
	}
	codes := make([]string, len(emails))
	seen := map[string]bool{}
	for i, e := range emails {
		e = strings.ToLower(e)
		switch {
		case !emailPattern.MatchString(e):
			codes[i] = "invalid_email"
			continue
		case !fits(typ, role):
			codes[i] = "role_incompatible_type"
		}
		if seen[e] {
			if codes[i] == "" {
				codes[i] = "duplicate"
			}
			continue
		}
		seen[e] = true
		switch {
		case codes[i] != "":
		case s.m.byEmail(e) != nil:
			codes[i] = "already_member"
		case s.m.bEmails[e]:
			codes[i] = "other_org"
		case s.m.pendingFor(e) != nil:
			codes[i] = "already_invited"
		}
	}
	if p := s.w.plans[s.m.plan]; p.maxSeats > 0 {
		free := max(0, p.maxSeats-len(s.m.members)-len(s.m.pending))
		for i := range codes {
			if codes[i] == "" {
				if free == 0 {
					codes[i] = "seat_limit"
				} else {
					free--
				}
			}
		}
	}
	shared := ""
	for _, c := range codes {
		switch {
		case c == "":
		case shared == "":
			shared = c
		case shared != c:
			shared = "invite_ineligible"
		}
	}
	if shared != "" && !skip {
		return refuse(409, shared), codes
	}
	return ok, codes
}

func (s *state) invite(rt *rapid.T) {
	actor := s.drawActor(rt)
	var emails []string
	for n := rapid.IntRange(1, 4).Draw(rt, "rows"); len(emails) < n; {
		emails = append(emails, s.drawAddress(rt, emails))
	}
	role := access.RoleMember
	if rapid.IntRange(0, 3).Draw(rt, "admin?") == 0 {
		role = access.RoleAdmin
	}
	typ := rapid.SampledFrom(access.UserTypes).Draw(rt, "userType")
	s.sendInvite(actor, emails, role, typ, rapid.Bool().Draw(rt, "skipInvalid"))
}

// sendInvite asks for invitations and checks the answer, row by row, against the model.
func (s *state) sendInvite(actor *member, emails []string, role access.Role, typ access.UserType, skip bool) {
	want, codes := s.judgeInvite(actor, emails, role, typ, skip)
	r := s.w.c.Do("POST", s.path("/invitations"), s.token(actor),
		map[string]any{"emails": emails, "role": role, "userType": typ, "skipInvalid": skip})
	desc := fmt.Sprintf("invite %v as %s %s, skipInvalid %v, by %s", emails, role, typ, skip, actor.role)
	happened := s.expect("invite", desc, r, want)
	if codes == nil || r.Status == 403 {
		return
	}
	rows := resultRows(r)
	if len(rows) != len(codes) {
		s.fail("%s: %d results, want %d: %s", desc, len(rows), len(codes), r.Raw)
	}
	for i, row := range rows {
		if code, _ := row["code"].(string); code != codes[i] || row["ok"] != (codes[i] == "") {
			s.fail("%s: row %d (%s) got %v %q, the model says %q", desc, i, emails[i], row["ok"], code, codes[i])
		}
	}
	if !happened {
		return
	}
	created := 0
	for i, row := range rows {
		if codes[i] != "" {
			continue
		}
		inv, _ := row["invitation"].(map[string]any)
		id, _ := inv["id"].(string)
		link, _ := inv["link"].(string)
		if id == "" || link == "" {
			s.fail("%s: row %d has no invitation or link: %s", desc, i, r.Raw)
		}
		s.m.pending = append(s.m.pending, &invitation{id: id, email: strings.ToLower(emails[i]), token: tokenOf(link), role: role, typ: typ})
		created++
	}
	if r.JSON["created"] != float64(created) {
		s.fail("%s: created %v, want %d", desc, r.JSON["created"], created)
	}
	s.m.audit += created
}

// resultRows is the per-row or per-member results of an answer (data.results for a 409).
func resultRows(r testapp.Response) []map[string]any {
	list, _ := r.JSON["results"].([]any)
	if d, ok := r.JSON["data"].(map[string]any); ok && list == nil {
		list, _ = d["results"].([]any)
	}
	out := make([]map[string]any, len(list))
	for i, v := range list {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// noToken decodes to 32 bytes, as a real token does, and matches no invitation.
var noToken = strings.Repeat("A", 43)

func (s *state) accept(rt *rapid.T) {
	var inv *invitation
	token, from := noToken, "an unknown token"
	switch k := rapid.IntRange(0, 9).Draw(rt, "which"); {
	case k >= 2 && len(s.m.pending) > 0:
		inv = s.m.pending[rapid.IntRange(0, len(s.m.pending)-1).Draw(rt, "pending")]
		token, from = inv.token, "the pending invitation of "+inv.email
	case k >= 2 && len(s.m.spent) > 0:
		rt.Skip("no pending invitation")
	case k == 1 && len(s.m.spent) > 0:
		used := s.m.spent[rapid.IntRange(0, len(s.m.spent)-1).Draw(rt, "spent")]
		token, from = used.token, "the used link of "+used.email
	}
	s.sendAccept(inv, token, from)
}

// sendAccept accepts an invitation (inv nil: a token that is no longer, or never was,
// an invitation's) and checks the answer against the model.
func (s *state) sendAccept(inv *invitation, token, from string) {
	want := refuse(404, "")
	if inv != nil {
		switch {
		case over(s.w.plans[s.m.plan], len(s.m.members)+1):
			want = refuse(409, "seat_limit")
		case s.m.byEmail(inv.email) != nil || s.m.bEmails[inv.email]:
			want = refuse(409, "email_taken")
		default:
			want = ok
		}
	}
	r := s.w.c.Do("POST", "/api/invitations/"+token+"/accept", "", acceptBody("Ivy"))
	if !s.expect("accept", "accept "+from, r, want) {
		return
	}
	rec, _ := r.JSON["record"].(map[string]any)
	user, _ := rec["id"].(string)
	ir, err := s.w.app.FindRecordById("invitations", inv.id)
	if err != nil || user == "" {
		s.fail("accept %s: user %q, invitation %v", inv.email, user, err)
	}
	id := ir.GetString("acceptedBy")
	s.m.members = append(s.m.members, &member{id: id, user: user, email: inv.email, role: inv.role, typ: inv.typ,
		status: access.Active, signedIn: true})
	s.m.pending = slices.DeleteFunc(s.m.pending, func(x *invitation) bool { return x == inv })
	s.m.spent = append(s.m.spent, inv)
	s.m.accepted[inv.id] = id
	s.m.audit++
}

func (s *state) revoke(rt *rapid.T) {
	actor := s.drawActor(rt)
	var inv *invitation
	id, what := "", ""
	switch k := rapid.IntRange(0, 9).Draw(rt, "which"); {
	case k >= 3 && len(s.m.pending) > 0:
		inv = s.m.pending[rapid.IntRange(0, len(s.m.pending)-1).Draw(rt, "pending")]
		id, what = inv.id, "pending "+inv.email
	case k >= 3:
		rt.Skip("no pending invitation")
	case k >= 1 && len(s.m.spent) > 0:
		used := s.m.spent[rapid.IntRange(0, len(s.m.spent)-1).Draw(rt, "spent")]
		id, what = used.id, "spent "+used.email
	default:
		id, what = s.m.bInvitations[0], "b's invitation"
	}
	var want outcome
	var role access.Role
	for _, x := range append(slices.Clone(s.m.pending), s.m.spent...) {
		if x.id == id {
			role = x.role
		}
	}
	switch {
	case actor.status == access.Disabled:
		want = denied
	case role == "":
		want = refuse(404, "")
	case actor.role == access.RoleMember:
		want = refuse(403, "role")
	case actor.role == access.RoleAdmin && role == access.RoleAdmin:
		want = refuse(403, "rank")
	case inv == nil:
		want = refuse(409, "not_pending")
	default:
		want = ok
	}
	r := s.w.c.Do("DELETE", s.path("/invitations/"+id), s.token(actor), nil)
	if !s.expect("revoke", fmt.Sprintf("revoke %s by %s", what, actor.role), r, want) {
		return
	}
	s.m.pending = slices.DeleteFunc(s.m.pending, func(x *invitation) bool { return x == inv })
	s.m.spent = append(s.m.spent, inv)
	s.m.audit++
}

// status is disable or enable of one member.
func (s *state) status(action access.Action) func(*rapid.T) {
	verb := strings.TrimPrefix(string(action), "members.")
	return func(rt *rapid.T) {
		actor := s.drawActor(rt)
		id, target := s.drawWhere(rt, "target", func(x *member) bool {
			return x.role != access.RoleOwner && (x.status == access.Active) == (action == access.MembersDisable)
		})
		want := s.m.judge(action, actor, target, "", "")
		if actor.status == access.Disabled {
			want = denied
		}
		r := s.w.c.Do("POST", s.path("/members/"+id+"/"+verb), s.token(actor), nil)
		if s.expect(verb, fmt.Sprintf("%s %s by %s", verb, describe(id, target), actor.role), r, want) {
			s.m.apply(action, target, "", "")
		}
	}
}

func describe(id string, x *member) string {
	if x == nil {
		return "outsider " + id
	}
	return fmt.Sprintf("%s (%s %s %s, %d items)", x.email, x.role, x.typ, x.status, x.items)
}

func (s *state) userType(rt *rapid.T) {
	actor := s.drawActor(rt)
	id, target := s.drawWhere(rt, "target", notOwner)
	typ := rapid.SampledFrom(append(slices.Clone(access.UserTypes), "superuser")).Draw(rt, "userType")
	want := s.m.judge(access.MembersChangeUserType, actor, target, typ, "")
	switch {
	case actor.status == access.Disabled:
		want = denied
	case !typ.Valid():
		want = refuse(400, "userType:invalid_choice")
	}
	r := s.w.c.Do("POST", s.path("/members/"+id+"/user-type"), s.token(actor), map[string]any{"userType": typ})
	if s.expect("userType", fmt.Sprintf("user type of %s → %s by %s", describe(id, target), typ, actor.role), r, want) {
		s.m.apply(access.MembersChangeUserType, target, typ, "")
	}
}

func (s *state) role(rt *rapid.T) {
	actor := s.drawActor(rt)
	id, target := s.drawWhere(rt, "target", notOwner)
	role := rapid.SampledFrom([]access.Role{access.RoleAdmin, access.RoleMember, access.RoleAdmin, access.RoleOwner}).Draw(rt, "role")
	want := s.m.judge(access.MembersChangeRole, actor, target, "", role)
	switch {
	case actor.status == access.Disabled:
		want = denied
	case role == access.RoleOwner:
		want = refuse(400, "role:use_transfer")
	}
	r := s.w.c.Do("POST", s.path("/members/"+id+"/role"), s.token(actor), map[string]any{"role": role})
	if s.expect("role", fmt.Sprintf("role of %s → %s by %s", describe(id, target), role, actor.role), r, want) {
		s.m.apply(access.MembersChangeRole, target, "", role)
	}
}

func (s *state) remove(rt *rapid.T) {
	actor := s.drawActor(rt)
	id, target := s.drawWhere(rt, "target", notOwner)
	body := map[string]any{}
	var toID string
	var to *member
	how := "as is"
	switch k := rapid.IntRange(0, 9).Draw(rt, "content"); {
	case k >= 4 && k <= 5:
		body["deleteContent"], how = true, "deleting content"
	case k >= 6:
		toID, to = s.drawWhere(rt, "transferTo", func(x *member) bool { return x.status == access.Active && canOwn(x.typ) })
		body["transferTo"], how = toID, "content to "+describe(toID, to)
		if k == 9 {
			body["deleteContent"], how = true, how+" and deleting it"
		}
	}
	want := s.m.judge(access.MembersRemove, actor, target, "", "")
	switch {
	case actor.status == access.Disabled:
		want = denied
	case body["deleteContent"] == true && toID != "":
		want = refuse(400, "transferTo:choose_one")
	case want.status != 200:
	case toID == id:
		want = refuse(409, "transfer_target_ineligible")
	case toID != "" && to == nil:
		want = refuse(409, "transfer_target_ineligible")
	case to != nil && (to.status != access.Active || !canOwn(to.typ)):
		want = refuse(409, "transfer_target_ineligible")
	case target.items > 0 && to == nil && body["deleteContent"] != true:
		want = refuse(409, "owns_content")
	}
	r := s.w.c.Do("DELETE", s.path("/members/"+id), s.token(actor), body)
	if !s.expect("remove", fmt.Sprintf("remove %s, %s, by %s", describe(id, target), how, actor.role), r, want) {
		return
	}
	if to != nil {
		to.items += target.items
	}
	s.m.members = slices.DeleteFunc(s.m.members, func(x *member) bool { return x == target })
	s.m.removed[target.id] = true
	s.m.gone = append(s.m.gone, target.email)
	s.m.audit++
}

func (s *state) transfer(rt *rapid.T) {
	actor := s.m.owner()
	if rapid.IntRange(0, 4).Draw(rt, "not the owner?") == 0 {
		actor = s.drawActor(rt)
	}
	id, target := s.drawWhere(rt, "to", func(x *member) bool {
		return x.role != access.RoleOwner && x.status == access.Active && canOwn(x.typ)
	})
	pw := password
	if rapid.IntRange(0, 4).Draw(rt, "wrong password?") == 0 {
		pw = "not the password"
	}
	want := s.m.judge(access.OrgTransferOwnership, actor, target, "", "")
	switch {
	case actor.status == access.Disabled:
		want = denied
	case want.status != 200:
	case target.status != access.Active || !canOwn(target.typ):
		want = refuse(409, "target_ineligible")
	case pw != password:
		want = refuse(403, "step_up_failed")
	}
	r := s.w.c.Do("POST", s.path("/transfer-ownership"), s.token(actor), map[string]any{"to": id, "password": pw})
	desc := fmt.Sprintf("transfer ownership to %s by %s, right password %v", describe(id, target), actor.role, pw == password)
	if !s.expect("transfer", desc, r, want) {
		return
	}
	s.m.owner().role = access.RoleAdmin
	target.role = access.RoleOwner
	s.m.audit++
}

func (s *state) bulk(rt *rapid.T) {
	actor := s.drawActor(rt)
	action := rapid.SampledFrom([]access.Action{access.MembersDisable, access.MembersEnable, access.MembersChangeUserType}).Draw(rt, "action")
	name := map[access.Action]string{access.MembersDisable: "disable", access.MembersEnable: "enable", access.MembersChangeUserType: "userType"}[action]
	typ := rapid.SampledFrom(access.UserTypes).Draw(rt, "userType")
	skip := rapid.Bool().Draw(rt, "skipIneligible")
	var ids []string
	targets := map[string]*member{}
	for n := rapid.IntRange(1, 5).Draw(rt, "size"); len(ids) < n; {
		id, x := s.drawTarget(rt, "id")
		ids = append(ids, id)
		targets[id] = x
	}
	// The model's results: one per distinct id, in the order asked.
	var order []string
	var results []outcome
	refusedAny := false
	for _, id := range ids {
		if slices.Contains(order, id) {
			continue
		}
		o := s.m.judge(action, actor, targets[id], typ, "")
		if o.status == 404 {
			o.code = "not_found"
		}
		order = append(order, id)
		results = append(results, o)
		refusedAny = refusedAny || o.status != 200
	}
	want := ok
	switch {
	case actor.status == access.Disabled:
		want = denied
	case actor.role == access.RoleMember:
		want = refuse(403, "role")
	case refusedAny && !skip:
		want = refuse(409, "bulk_ineligible")
	}
	r := s.w.c.Do("POST", s.path("/members/bulk"), s.token(actor),
		map[string]any{"action": name, "ids": ids, "userType": typ, "skipIneligible": skip})
	var names []string
	for _, id := range ids {
		names = append(names, describe(id, targets[id]))
	}
	desc := fmt.Sprintf("bulk %s (%s) of [%s], skipIneligible %v, by %s", name, typ, strings.Join(names, "; "), skip, actor.role)
	happened := s.expect("bulk", desc, r, want)
	if want.status == 403 {
		return
	}
	rows := resultRows(r)
	if len(rows) != len(order) {
		s.fail("%s: %d results, want %d: %s", desc, len(rows), len(order), r.Raw)
	}
	changed := 0
	for i, row := range rows {
		w := results[i]
		code, _ := row["code"].(string)
		wantCode := w.code
		if w.unchanged {
			wantCode = "unchanged"
		}
		if row["id"] != order[i] || row["ok"] != (w.status == 200) || code != wantCode {
			s.fail("%s: result %d %v, the model says %s ok=%v code %q", desc, i, row, order[i], w.status == 200, wantCode)
		}
		if w.status == 200 && !w.unchanged {
			changed++
		}
	}
	if !happened {
		return
	}
	if r.JSON["changed"] != float64(changed) {
		s.fail("%s: changed %v, the model says %d", desc, r.JSON["changed"], changed)
	}
	for i, id := range order {
		if results[i].status == 200 && !results[i].unchanged {
			s.m.apply(action, targets[id], typ, "")
		}
	}
}

func (s *state) plan(rt *rapid.T) {
	actor := s.m.owner()
	if rapid.IntRange(0, 4).Draw(rt, "not the owner?") == 0 {
		actor = s.drawActor(rt)
	}
	s.changePlan(actor, rapid.SampledFrom([]string{"starter", "team", "business", "platinum"}).Draw(rt, "plan"))
}

// downgrade: the owner moves to the next smaller plan (business → team → starter), where
// the seat limit meets the members and the pending invitations.
func (s *state) downgrade(rt *rapid.T) {
	code := map[string]string{"business": "team", "team": "starter"}[s.m.plan]
	if code == "" {
		rt.Skip("already on the smallest plan")
	}
	s.changePlan(s.m.owner(), code)
}

func (s *state) changePlan(actor *member, code string) {
	p, known := s.w.plans[code]
	want := ok
	switch {
	case actor.status == access.Disabled:
		want = denied
	case actor.role != access.RoleOwner:
		want = refuse(403, "role")
	case !known:
		want = refuse(400, "plan:unknown")
	case code == s.m.plan:
		want.unchanged = true
	case over(p, len(s.m.members)+len(s.m.pending)):
		want = refuse(409, "seat_limit")
	}
	r := s.w.c.Do("POST", s.path("/subscription/plan"), s.token(actor), map[string]any{"plan": code})
	desc := fmt.Sprintf("plan %s → %s by %s (%d members, %d pending)", s.m.plan, code, actor.role, len(s.m.members), len(s.m.pending))
	if s.expect("plan", desc, r, want) {
		s.m.plan = code
		s.m.audit++
	}
}

// item: a member creates an item of their own, so that removals and type changes meet
// members who own content.
func (s *state) item(rt *rapid.T) {
	x := s.m.members[rapid.IntRange(0, len(s.m.members)-1).Draw(rt, "member")]
	want := ok
	switch {
	case x.status == access.Disabled:
		want = denied
	case !canOwn(x.typ):
		want = refuse(403, "user_type")
	}
	r := s.w.c.Do("POST", s.path("/items"), s.token(x), map[string]any{"kind": "map", "title": "Map of " + x.email, "sharing": "org"})
	if s.expect("item", "item created by "+describe(x.id, x), r, want) {
		x.items++
		s.m.audit++
	}
}

// signIn: a member signs in with their password (the seeded owner never has, and
// nobody who never signed in can be disabled).
func (s *state) signIn(rt *rapid.T) {
	x := s.m.members[rapid.IntRange(0, len(s.m.members)-1).Draw(rt, "member")]
	want := ok
	if x.status == access.Disabled {
		want = denied
	}
	_, r := s.w.c.SignIn(x.email, password)
	if s.expect("signIn", "sign-in of "+describe(x.id, x), r, want) {
		x.signedIn = true
	}
}

// elsewhere: b's owner invites an address that has a pending invitation to a (or a
// fresh one), and it joins b: a's invitation then meets an account in another
// organisation (accept: email_taken; invite: other_org).
func (s *state) elsewhere(rt *rapid.T) {
	var free []string
	for _, i := range s.m.pending {
		if !s.m.bEmails[i.email] {
			free = append(free, i.email)
		}
	}
	if len(free) > 0 && rapid.Bool().Draw(rt, "a's invitee?") {
		s.joinB(free[rapid.IntRange(0, len(free)-1).Draw(rt, "pending")])
	} else {
		s.joinB(s.freshAddress())
	}
}

// joinB invites email to b as its owner and accepts the invitation.
func (s *state) joinB(email string) {
	tok := s.w.token(s.tb(), s.m.bOwner.user)
	r := s.w.c.Do("POST", s.w.orgPath(s.w.b.ID, "/invitations"), tok, map[string]any{"emails": []string{email}})
	s.expect("elsewhere", "b invites "+email, r, ok)
	rows := resultRows(r)
	inv, _ := rows[0]["invitation"].(map[string]any)
	link, _ := inv["link"].(string)
	id, _ := inv["id"].(string)
	r = s.w.c.Do("POST", "/api/invitations/"+tokenOf(link)+"/accept", "", acceptBody("Bea"))
	s.expect("elsewhere", email+" joins b", r, ok)
	ir, err := s.w.app.FindRecordById("invitations", id)
	if err != nil {
		s.fail("b's invitation: %v", err)
	}
	rec, _ := r.JSON["record"].(map[string]any)
	user, _ := rec["id"].(string)
	s.m.bMembers = append(s.m.bMembers, &member{id: ir.GetString("acceptedBy"), user: user, email: email,
		role: access.RoleMember, typ: access.Creator, status: access.Active})
	s.m.bEmails[email] = true
	s.m.bInvitations = append(s.m.bInvitations, id)
	s.m.auditB += 2
}

// crossOrg: a's owner aims at b through b's routes, and b's owner at a through a's:
// both are 404, and nothing changes on either side.
func (s *state) crossOrg(rt *rapid.T) {
	aOwner, bOwner := s.m.owner(), s.m.bOwner
	bMember := s.m.bMembers[0]
	aMember := s.m.members[rapid.IntRange(0, len(s.m.members)-1).Draw(rt, "member of a")]
	var r testapp.Response
	desc := ""
	switch k := rapid.IntRange(0, 3).Draw(rt, "probe"); k {
	case 0:
		desc = "a's owner disables b's member through b's routes"
		r = s.w.c.Do("POST", s.w.orgPath(s.w.b.ID, "/members/"+bMember.id+"/disable"), s.token(aOwner), nil)
	case 1:
		desc = "b's owner removes " + aMember.email + " through a's routes"
		r = s.w.c.Do("DELETE", s.path("/members/"+aMember.id), s.token(bOwner), map[string]any{"deleteContent": true})
	case 2:
		desc = "b's owner bulk-disables " + aMember.email + " through b's routes"
		r = s.w.c.Do("POST", s.w.orgPath(s.w.b.ID, "/members/bulk"), s.token(bOwner),
			map[string]any{"action": "disable", "ids": []string{aMember.id}, "skipIneligible": true})
		rows := resultRows(r)
		if r.Status == 200 && (len(rows) != 1 || rows[0]["code"] != "not_found" || r.JSON["changed"] != 0.0) {
			s.fail("%s: %s", desc, r.Raw)
		}
		s.expect("crossOrg", desc, r, ok)
		return
	case 3:
		desc = "b's owner makes " + aMember.email + " b's owner"
		r = s.w.c.Do("POST", s.w.orgPath(s.w.b.ID, "/transfer-ownership"), s.token(bOwner), map[string]any{"to": aMember.id, "password": password})
	}
	s.expect("crossOrg", desc, r, refuse(404, ""))
}

// ---- the invariants, after every step ----

func (s *state) check(rt *rapid.T) {
	s.rt = rt
	tb := s.tb()
	if problems := s.w.healthy(tb); len(problems) > 0 {
		s.fail("the database is not healthy:\n%s", strings.Join(problems, "\n"))
	}
	m, w := s.m, s.w
	// Audit: one row per change, none for a refusal, in a and in b.
	if got := w.auditRows(tb, w.a.ID); got != m.audit {
		s.fail("a has %d audit rows, the model says %d", got, m.audit)
	}
	if got := w.auditRows(tb, w.b.ID); got != m.auditB {
		s.fail("b has %d audit rows, the model says %d", got, m.auditB)
	}
	// Seats per user type: the model's members, the subscription API, the ledger.
	want := map[string]int{}
	active, disabled, amount := 0, 0, 0
	prices := w.plans[m.plan].prices
	for _, x := range m.members {
		want[string(x.typ)]++
		amount += prices[x.typ]
		if x.status == access.Active {
			active++
		} else {
			disabled++
		}
	}
	owner := m.owner()
	r := w.c.Do("GET", s.path("/subscription"), s.token(owner), nil)
	if r.Status != 200 {
		s.fail("subscription: %d %s", r.Status, r.Raw)
	}
	planCode, _ := r.JSON["plan"].(map[string]any)["code"].(string)
	if planCode != m.plan || r.JSON["billedSeats"] != float64(len(m.members)) || r.JSON["activeMembers"] != float64(active) ||
		r.JSON["disabledMembers"] != float64(disabled) || r.JSON["pendingInvitations"] != float64(len(m.pending)) ||
		r.JSON["monthlyAmount"] != float64(amount) {
		s.fail("subscription %s: plan %s billedSeats %v active %v disabled %v pending %v amount %v; the model says %s %d %d %d %d %d",
			r.Raw[:min(len(r.Raw), 300)], planCode, r.JSON["billedSeats"], r.JSON["activeMembers"], r.JSON["disabledMembers"],
			r.JSON["pendingInvitations"], r.JSON["monthlyAmount"], m.plan, len(m.members), active, disabled, len(m.pending), amount)
	}
	seats, _ := r.JSON["seats"].([]any)
	for _, v := range seats {
		sc, _ := v.(map[string]any)
		ut, _ := sc["userType"].(string)
		if sc["count"] != float64(want[ut]) {
			s.fail("subscription: %d %s seats, the model says %d", sc["count"], ut, want[ut])
		}
	}
	if over(w.plans[m.plan], len(m.members)+len(m.pending)) {
		s.fail("%d members and %d pending invitations exceed the %s plan's seats", len(m.members), len(m.pending), m.plan)
	}
	sums, err := billing.LedgerSums(w.app, w.a.ID)
	if err != nil {
		s.fail("ledger: %v", err)
	}
	for _, t := range access.UserTypes {
		if sums.Seats[string(t)] != want[string(t)] {
			s.fail("ledger replay: %d %s seats, the model says %d", sums.Seats[string(t)], t, want[string(t)])
		}
	}
	if sums.MonthlyAmount != amount {
		s.fail("ledger: monthly amount %d, the model says %d", sums.MonthlyAmount, amount)
	}
	// The member list, as the owner sees it, and one filtered view.
	s.checkList(owner)
	// Exactly one active owner: the model's.
	if owners := w.ownersOf(tb, w.a.ID); len(owners) != 1 || owners[0] != owner.id+":active" {
		s.fail("a's owners %v, the model says %s", owners, owner.id)
	}
	// Items per owner.
	items := w.itemsOwned(tb, w.a.ID)
	for _, x := range m.members {
		if items[x.id] != x.items {
			s.fail("%s owns %d items, the model says %d", x.email, items[x.id], x.items)
		}
		delete(items, x.id)
	}
	if len(items) > 0 {
		s.fail("items owned by no member: %v", items)
	}
	s.checkInvitations(owner)
}

func (s *state) checkList(owner *member) {
	r := s.w.c.Do("GET", s.path("/members?perPage=200&sort=added"), s.token(owner), nil)
	items, _ := r.JSON["items"].([]any)
	if r.Status != 200 || r.JSON["totalItems"] != float64(len(s.m.members)) || len(items) != len(s.m.members) {
		s.fail("member list: %d, totalItems %v, %d items; the model has %d members: %.300s",
			r.Status, r.JSON["totalItems"], len(items), len(s.m.members), r.Raw)
	}
	for _, v := range items {
		it, _ := v.(map[string]any)
		id, _ := it["id"].(string)
		x := s.m.byID(id)
		if x == nil || it["role"] != string(x.role) || it["userType"] != string(x.typ) || it["status"] != string(x.status) || it["email"] != x.email {
			s.fail("member list: %s %v %v %v %v; the model: %s", id, it["email"], it["role"], it["userType"], it["status"], describe(id, x))
		}
	}
	disabled := 0
	for _, x := range s.m.members {
		if x.status == access.Disabled {
			disabled++
		}
	}
	r = s.w.c.Do("GET", s.path("/members?status=disabled&perPage=200"), s.token(owner), nil)
	if r.Status != 200 || r.JSON["totalItems"] != float64(disabled) {
		s.fail("disabled members: %d totalItems %v, the model says %d", r.Status, r.JSON["totalItems"], disabled)
	}
}

// checkInvitations compares a's invitations with the model: the pending ones, and every
// accepted one points to the member it made, who is still a member or was removed.
func (s *state) checkInvitations(owner *member) {
	r := s.w.c.Do("GET", s.path("/invitations?status=pending&perPage=200"), s.token(owner), nil)
	items, _ := r.JSON["items"].([]any)
	var got, want []string
	for _, v := range items {
		it, _ := v.(map[string]any)
		id, _ := it["id"].(string)
		got = append(got, id)
	}
	for _, i := range s.m.pending {
		want = append(want, i.id)
	}
	sort.Strings(got)
	sort.Strings(want)
	if r.Status != 200 || !slices.Equal(got, want) {
		s.fail("pending invitations %v, the model says %v (%d)", got, want, r.Status)
	}
	recs, err := s.w.app.FindAllRecords("invitations")
	if err != nil {
		s.fail("%v", err)
	}
	accepted := 0
	for _, rec := range recs {
		if rec.GetString("org") != s.w.a.ID || rec.GetString("status") != "accepted" {
			continue
		}
		accepted++
		by := rec.GetString("acceptedBy")
		if s.m.accepted[rec.Id] != by || (s.m.byID(by) == nil && !s.m.removed[by]) {
			s.fail("invitation of %s accepted by %q: the model says %q (member %v, removed %v)",
				rec.GetString("email"), by, s.m.accepted[rec.Id], s.m.byID(by) != nil, s.m.removed[by])
		}
	}
	if accepted != len(s.m.accepted) {
		s.fail("%d accepted invitations, the model says %d", accepted, len(s.m.accepted))
	}
}

// ---- counts ----

// tally counts one kind of action's answers: done, and refused by code.
type tally struct {
	ok      int
	refused map[string]int
}

type stats struct {
	sequences, steps int
	kinds            map[string]*tally
}

func (st *stats) count(kind string, r testapp.Response) {
	st.steps++
	k := st.kinds[kind]
	if k == nil {
		k = &tally{refused: map[string]int{}}
		st.kinds[kind] = k
	}
	if r.Status == 200 {
		k.ok++
	} else {
		k.refused[fmt.Sprintf("%d %s", r.Status, codeOf(r))]++
	}
}

func (st *stats) report(t *testing.T, took time.Duration) {
	names := make([]string, 0, len(st.kinds))
	for k := range st.kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		codes := make([]string, 0, len(st.kinds[k].refused))
		for c, n := range st.kinds[k].refused {
			codes = append(codes, fmt.Sprintf("%s ×%d", c, n))
		}
		sort.Strings(codes)
		fmt.Fprintf(&b, "\n  %-9s %4d done; refused: %s", k, st.kinds[k].ok, strings.Join(codes, ", "))
	}
	t.Logf("%d sequences, %d requests checked against the model, in %v:%s", st.sequences, st.steps, took.Round(time.Millisecond), b.String())
}
