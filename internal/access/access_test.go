package access

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"roster/internal/fail"
)

// expected is the policy written out independently of policy.go: for each action, what an
// owner, an admin and a member may act on ("org", "self", "member", "admin"; "-" = nothing).
const expected = `
members.directory      org                org             org
members.list           org                org             -
members.export         org                org             -
members.invite         member,admin       member          -
invitations.revoke     member,admin       member          -
invitations.resend     member,admin       member          -
members.changeRole     member,admin       -               -
org.transferOwnership  member,admin       -               -
members.remove         member,admin       member          -
members.disable        member,admin       member          -
members.enable         member,admin       member          -
members.updateProfile  self,member,admin  self,member     self
members.changeEmail    self,member,admin  self,member     -
members.resetPassword  member,admin       member          -
members.disableMfa     member,admin       member          -
members.changeUserType self,member,admin  member          -
members.manageCredits  self,member,admin  self,member     -
members.partnerAccess  member,admin       member          -
members.endSessions    member,admin       member          -
licenses.manage        org                org             -
licenses.assign        self,member,admin  self,member     -
licenses.revoke        self,member,admin  self,member     -
org.leave              -                  self            self
billing.manage         org                -               -
org.settings           org                -               -
reports.settings       org                -               -
reports.view           org                org             org
audit.view             org                org             -
audit.export           org                org             -
credits.consume        org                org             org
content.create         org                org             org
content.use            org                org             org
`

func parseExpected(t *testing.T) map[Action]map[Role]map[string]bool {
	t.Helper()
	out := map[Action]map[Role]map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(expected), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 {
			t.Fatalf("bad expected line %q", line)
		}
		row := map[Role]map[string]bool{}
		for i, r := range []Role{RoleOwner, RoleAdmin, RoleMember} {
			row[r] = map[string]bool{}
			for _, w := range strings.Split(f[i+1], ",") {
				if w != "-" {
					row[r][w] = true
				}
			}
		}
		out[Action(f[0])] = row
	}
	return out
}

// declaredActions reads every Action constant from file, so that an action added
// without a policy row (or without an expected row) fails this test.
func declaredActions(t *testing.T, file string) []Action {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Action
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Action" {
			for _, v := range vs.Values {
				s, _ := strconv.Unquote(v.(*ast.BasicLit).Value)
				out = append(out, Action(s))
			}
		}
		return true
	})
	return out
}

func TestEveryActionHasARow(t *testing.T) {
	exp := parseExpected(t)
	declared := declaredActions(t, "policy.go")
	if len(declared) != len(Actions()) {
		t.Errorf("%d Action constants declared, %d with a policy row", len(declared), len(Actions()))
	}
	for _, a := range declared {
		if _, ok := policy[a]; !ok {
			t.Errorf("action %q has no policy row", a)
		}
		if _, ok := exp[a]; !ok {
			t.Errorf("action %q has no expected row in this test", a)
		}
	}
	for a := range exp {
		if _, ok := policy[a]; !ok {
			t.Errorf("expected row %q names no action", a)
		}
	}
}

// The audit-only actions (audited.go) are all in Audited, once, and none is the
// policy's: an action the policy decides belongs in policy.go.
func TestEveryAuditOnlyActionIsListed(t *testing.T) {
	declared := declaredActions(t, "audited.go")
	if len(declared) != len(auditOnly) {
		t.Errorf("%d Action constants declared in audited.go, %d listed in auditOnly", len(declared), len(auditOnly))
	}
	seen := map[Action]int{}
	for _, a := range Audited() {
		seen[a]++
	}
	for _, a := range declared {
		if seen[a] != 1 {
			t.Errorf("%q is in Audited() %d times", a, seen[a])
		}
		if _, ok := policy[a]; ok {
			t.Errorf("%q has a policy row: declare it in policy.go", a)
		}
	}
	for _, a := range Actions() {
		if seen[a] != 1 {
			t.Errorf("policy action %q is in Audited() %d times", a, seen[a])
		}
	}
}

func TestCanMatchesTheTable(t *testing.T) {
	exp := parseExpected(t)
	type targetCase struct {
		kind   string // org, self, member, admin, owner
		target func(actor Member) *Member
	}
	targets := []targetCase{
		{"org", func(Member) *Member { return nil }},
		{"self", func(a Member) *Member { s := a; return &s }},
		{"member", func(Member) *Member { return &Member{ID: "m2", Role: RoleMember, UserType: Creator, Status: Active} }},
		{"admin", func(Member) *Member { return &Member{ID: "a2", Role: RoleAdmin, UserType: Creator, Status: Active} }},
		{"owner", func(Member) *Member { return &Member{ID: "o2", Role: RoleOwner, UserType: Creator, Status: Active} }},
		{"invite-member", func(Member) *Member { return &Member{Role: RoleMember} }},
		{"invite-admin", func(Member) *Member { return &Member{Role: RoleAdmin} }},
	}
	cases := 0
	for _, action := range Actions() {
		for _, role := range Roles {
			for _, status := range []Status{Active, Disabled} {
				for _, ut := range UserTypes {
					for _, tc := range targets {
						actor := Member{ID: "me", Role: role, UserType: ut, Status: status}
						target := tc.target(actor)
						want := false
						allowed := exp[action][role]
						switch tc.kind {
						case "org":
							want = allowed["org"]
						case "self":
							want = allowed["self"]
						case "member", "invite-member":
							want = allowed["member"]
						case "admin", "invite-admin":
							want = allowed["admin"]
						case "owner":
							want = false // nobody acts on the owner
						}
						if status == Disabled {
							want = false // a disabled member can do nothing
						}
						if action == ContentCreate && !ut.CanOwn() {
							want = false // viewer and contributor cannot own
						}
						err := Can(actor, action, target)
						if got := err == nil; got != want {
							t.Errorf("Can(%s %s %s, %s, %s) = %v, want allowed=%v", status, role, ut, action, tc.kind, err, want)
						}
						if err != nil {
							if fe, ok := fail.As(err); !ok || fe.Kind != fail.KindForbidden || fe.Message == "" {
								t.Errorf("Can(%s, %s) returned %v, want a Forbidden *fail.Error with a message", action, tc.kind, err)
							}
						}
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
}

// The structural rules under the policy table, checked over the real policy.
func TestRulesUnderTheTable(t *testing.T) {
	others := []Member{{ID: "m", Role: RoleMember, Status: Active}, {ID: "a", Role: RoleAdmin, Status: Active}, {ID: "o", Role: RoleOwner, Status: Active}}
	neverOnSelf := []Action{MembersRemove, MembersDisable, MembersEnable, MembersResetPassword, MembersDisableMfa, MembersChangeRole, MembersPartnerAccess, MembersEndSessions, OrgTransferOwnership}
	for _, role := range Roles {
		actor := Member{ID: "me", Role: role, UserType: Professional, Status: Active}
		for _, a := range neverOnSelf {
			if Can(actor, a, &actor) == nil {
				t.Errorf("%s may %s on themselves", role, a)
			}
		}
		for _, a := range Actions() {
			for _, target := range others {
				if Can(actor, a, &target) != nil {
					continue
				}
				if target.Role.Rank() >= actor.Role.Rank() {
					t.Errorf("%s may %s on a %s (equal or higher role)", role, a, target.Role)
				}
			}
		}
	}
}

func TestUnknownActionIsDenied(t *testing.T) {
	err := Can(Member{ID: "x", Role: RoleOwner, UserType: Creator, Status: Active}, "members.nuke", nil)
	if !fail.Is(err, "unknown_action") {
		t.Fatalf("got %v", err)
	}
}

func TestPermissionsAndAllowed(t *testing.T) {
	member := Member{ID: "me", Role: RoleMember, UserType: Viewer, Status: Active}
	got := map[Action]bool{}
	for _, a := range Permissions(member) {
		got[a] = true
	}
	for _, a := range []Action{MembersDirectory, MembersUpdateProfile, OrgLeave, ReportsView} {
		if !got[a] {
			t.Errorf("member lacks %s", a)
		}
	}
	for _, a := range []Action{MembersList, BillingManage, ContentCreate, MembersInvite} {
		if got[a] {
			t.Errorf("viewer member has %s", a)
		}
	}
	owner := Member{ID: "o", Role: RoleOwner, UserType: Creator, Status: Active}
	allowed := Allowed(owner, Member{ID: "a", Role: RoleAdmin, UserType: Creator, Status: Active})
	want := map[Action]bool{MembersChangeRole: true, MembersRemove: true, OrgTransferOwnership: true}
	n := 0
	for _, a := range allowed {
		if want[a] {
			n++
		}
		if a == MembersList {
			t.Errorf("org-level action %s listed for a row", a)
		}
	}
	if n != len(want) {
		t.Errorf("owner on admin: got %v", allowed)
	}
	if len(Permissions(Member{ID: "d", Role: RoleOwner, UserType: Creator, Status: Disabled})) != 0 {
		t.Error("a disabled owner has permissions")
	}
}

func TestUserTypeRules(t *testing.T) {
	if Viewer.Allows(RoleAdmin) || Contributor.Allows(RoleAdmin) || !Creator.Allows(RoleOwner) || !Viewer.Allows(RoleMember) {
		t.Error("role compatibility")
	}
	if Viewer.CanEditShared() || !Contributor.CanEditShared() || Contributor.CanOwn() || !Professional.CanOwn() {
		t.Error("ownership rules")
	}
	if RoleMember.Rank() >= RoleAdmin.Rank() || RoleAdmin.Rank() >= RoleOwner.Rank() || Role("x").Valid() {
		t.Error("role order")
	}
}

// The member index sorts by the policy's ranks: its SQL is written from them.
func TestRankSQLFollowsTheRanks(t *testing.T) {
	if got, want := RankSQL("ms.role", Roles), "CASE ms.role WHEN 'member' THEN 1 WHEN 'admin' THEN 2 WHEN 'owner' THEN 3 ELSE 0 END"; got != want {
		t.Errorf("roles: %s", got)
	}
	if got, want := RankSQL("t", UserTypes), "CASE t WHEN 'viewer' THEN 1 WHEN 'contributor' THEN 2 WHEN 'creator' THEN 3 WHEN 'professional' THEN 4 ELSE 0 END"; got != want {
		t.Errorf("user types: %s", got)
	}
}
