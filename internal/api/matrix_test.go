package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/testapp"
)

// matrixRoute is one member-targeted route: the policy action it performs, and how to
// call it on a target (body may depend on the target's role).
type matrixRoute struct {
	action access.Action
	method string
	suffix string // after /members/{id}
	body   func(targetRole access.Role) any
}

var matrixRoutes = []matrixRoute{
	{access.MembersUpdateProfile, "PATCH", "", func(access.Role) any { return map[string]any{"description": "Matrix"} }},
	{access.MembersDisable, "POST", "/disable", nil},
	{access.MembersEnable, "POST", "/enable", nil},
	{access.MembersChangeUserType, "POST", "/user-type", func(access.Role) any { return map[string]any{"userType": "professional"} }},
	{access.MembersPartnerAccess, "POST", "/partner-access", func(access.Role) any { return map[string]any{"enabled": true} }},
	{access.MembersManageCredits, "POST", "/credits", func(access.Role) any { return map[string]any{"allocated": 25} }},
	{access.MembersChangeRole, "POST", "/role", func(r access.Role) any {
		if r == access.RoleAdmin {
			return map[string]any{"role": "member"}
		}
		return map[string]any{"role": "admin"}
	}},
	{access.MembersResetPassword, "POST", "/reset-password", nil},
	{access.MembersDisableMfa, "POST", "/disable-mfa", nil},
	{access.MembersRemove, "DELETE", "", func(access.Role) any { return map[string]any{} }},
}

// TestPermissionMatrix sends every member-targeted route as every kind of actor on every
// kind of target through the real router, and compares the answer with the policy
// table (access.Can): a refusal must be the expected 401/403/404, an allowed request
// must not be refused (a 409 for a data precondition is fine). Targets that can change
// are fresh for each case, so a removal or a role change never spoils another case.
func TestPermissionMatrix(t *testing.T) {
	o := newOffice(t)
	org := o.orgRecord(t)
	org.Set("creditBudgeting", true)
	org.Set("creditsPool", 100000)
	org.Set("mfaEnabled", true)
	o.save(t, org)
	otherOrg := &testapp.Org{ID: o.outsider.Membership.GetString("org"), Owner: o.outsider}
	foreignAdmin := testapp.AddMember(t, o.app, otherOrg, access.RoleAdmin, access.Creator)
	foreignMember := testapp.AddMember(t, o.app, otherOrg, access.RoleMember, access.Creator)
	for _, m := range []*testapp.Member{foreignAdmin, foreignMember} {
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		o.save(t, m.User)
	}

	// fresh adds an active member of the office with a billed seat, who signed in and
	// set up TOTP (so that disable and disable-mfa are possible).
	fresh := func(role access.Role) *testapp.Member {
		m := testapp.AddMember(t, o.app, o.org, role, access.Creator)
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		m.User.Set("totpEnabled", true)
		o.save(t, m.User)
		if err := billing.SeatChanged(o.app, billing.Seat{Org: o.org.ID, Membership: m.ID(), Label: m.Email,
			UserType: access.Creator, Delta: 1, Reason: billing.Joined, Actor: o.owner.ID()}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	policyMember := func(m *testapp.Member) access.Member {
		r := m.Membership
		if fresh, err := o.app.FindRecordById("memberships", r.Id); err == nil {
			r = fresh
		}
		return access.Member{ID: r.Id, Role: access.Role(r.GetString("role")), UserType: access.UserType(r.GetString("userType")),
			Status: access.Status(r.GetString("status"))}
	}

	type actorKind struct {
		name string
		who  func() *testapp.Member // nil: anonymous
	}
	// Actors acting on themselves may change their own role or type: the owner, the
	// admin and the member are fresh per case too, except the owner (only one).
	actors := []actorKind{
		{"owner", func() *testapp.Member { return o.owner }},
		{"admin", func() *testapp.Member { return fresh(access.RoleAdmin) }},
		{"member", func() *testapp.Member { return fresh(access.RoleMember) }},
		{"disabled member", func() *testapp.Member { return o.disabled }},
		{"other org's admin", func() *testapp.Member { return foreignAdmin }},
		{"anonymous", nil},
	}
	targets := []string{"owner", "admin", "member", "self", "other org's member"}

	var cases, allowed, refused int
	var escalations, falseRefusals, wrongRefusals []string
	statuses := map[int]int{}
	for _, rt := range matrixRoutes {
		for _, ak := range actors {
			for _, tk := range targets {
				var who *testapp.Member
				if ak.who != nil {
					who = ak.who()
				}
				orgID := o.org.ID
				var target *testapp.Member
				switch tk {
				case "owner":
					target = o.owner
				case "admin":
					target = fresh(access.RoleAdmin)
				case "member":
					target = fresh(access.RoleMember)
				case "self":
					if who == nil {
						target = fresh(access.RoleMember) // anonymous has no self
					} else {
						target = who
					}
				case "other org's member":
					target = foreignMember
				}
				if rt.action == access.MembersEnable && target != o.owner && target != who && target != foreignMember {
					testapp.SetStatus(t, o.app, target, access.Disabled)
				}
				// want: 0 = allowed, else the refusal status.
				want := 0
				switch {
				case who == nil:
					want = 401
				case ak.name == "disabled member":
					want = 403
				case ak.name == "other org's admin":
					want = 404
					if tk == "other org's member" {
						// The foreign admin's own organisation, an office member's id: an IDOR probe.
						orgID = otherOrg.ID
						target = o.member
					}
				case tk == "other org's member":
					want = 404
				default:
					tm := policyMember(target)
					if err := access.Can(policyMember(who), rt.action, &tm); err != nil {
						want = 403
					}
				}
				role := access.Role(target.Membership.GetString("role"))
				var body any
				if rt.body != nil {
					body = rt.body(role)
				}
				tok := ""
				if who != nil {
					tok = who.Token(t)
				}
				path := "/api/orgs/" + orgID + "/members/" + target.ID() + rt.suffix
				r := o.c.Do(rt.method, path, tok, body)
				cases++
				statuses[r.Status]++
				label := fmt.Sprintf("%s as %s on %s: %s %s → %d %s", rt.action, ak.name, tk, rt.method, rt.suffix, r.Status, r.Code())
				refusal := r.Status == 401 || r.Status == 403 || r.Status == 404
				switch {
				case want == 0 && refusal:
					falseRefusals = append(falseRefusals, label+" "+r.Raw)
				case want == 0 && r.Status >= 500:
					falseRefusals = append(falseRefusals, label+" (server error) "+r.Raw)
				case want == 0:
					allowed++
				case !refusal:
					escalations = append(escalations, label+" "+r.Raw)
				case r.Status != want:
					wrongRefusals = append(wrongRefusals, fmt.Sprintf("%s (want %d)", label, want))
				default:
					refused++
				}
			}
		}
	}
	for _, e := range escalations {
		t.Errorf("ESCALATION: %s", e)
	}
	for _, e := range falseRefusals {
		t.Errorf("FALSE REFUSAL: %s", e)
	}
	for _, e := range wrongRefusals {
		t.Errorf("wrong refusal status: %s", e)
	}
	var st []string
	for s, n := range statuses {
		st = append(st, fmt.Sprintf("%d×%d", s, n))
	}
	sort.Strings(st)
	t.Logf("permission matrix: %d routes × %d actors × %d targets = %d cases: %d allowed, %d refused as expected, %d escalations, %d false refusals, %d wrong refusal codes; statuses %s",
		len(matrixRoutes), len(actors), len(targets), cases, allowed, refused, len(escalations), len(falseRefusals), len(wrongRefusals), strings.Join(st, " "))
}

// The matrix covers every member-targeted action of the policy that has a route of
// its own (changeEmail is PATCH /members/{id} with an email; transferOwnership,
// licences and org.leave have their own tests).
func TestPermissionMatrixCoversMemberActions(t *testing.T) {
	covered := map[access.Action]bool{}
	for _, r := range matrixRoutes {
		covered[r.action] = true
	}
	elsewhere := map[access.Action]bool{access.MembersChangeEmail: true, access.OrgTransferOwnership: true,
		access.LicensesAssign: true, access.LicensesRevoke: true, access.OrgLeave: true,
		access.MembersInvite: true, access.InvitationsRevoke: true, access.InvitationsResend: true}
	for _, a := range access.Actions() {
		if strings.HasPrefix(string(a), "members.") && a != access.MembersDirectory && a != access.MembersList &&
			a != access.MembersExport && !covered[a] && !elsewhere[a] {
			t.Errorf("member action %s is not in the permission matrix", a)
		}
	}
}
