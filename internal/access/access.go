// Package access owns the one policy: which actor may perform which action on which
// target. Can is a pure function fed from one table (policy.go); nothing else in Roster
// compares role strings. It has no PocketBase dependency, so its rules test in microseconds.
package access

import (
	"fmt"
	"strings"

	"roster/internal/fail"
)

// Role is a member's role in the organisation, ordered member < admin < owner.
type Role string

const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
	RoleOwner  Role = "owner"
)

// Roles lists every role, lowest first.
var Roles = []Role{RoleMember, RoleAdmin, RoleOwner}

// Rank orders roles; an unknown role ranks 0, below every real one.
func (r Role) Rank() int {
	switch r {
	case RoleMember:
		return 1
	case RoleAdmin:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.Rank() > 0 }

// UserType is a member's licence level; a seat's price depends on it.
type UserType string

const (
	Viewer       UserType = "viewer"
	Contributor  UserType = "contributor"
	Creator      UserType = "creator"
	Professional UserType = "professional"
)

// UserTypes lists every user type, lowest first.
var UserTypes = []UserType{Viewer, Contributor, Creator, Professional}

// Valid reports whether t is a known user type.
func (t UserType) Valid() bool {
	switch t {
	case Viewer, Contributor, Creator, Professional:
		return true
	}
	return false
}

// Rank orders user types, viewer 1 to professional 4; an unknown type ranks 0.
func (t UserType) Rank() int {
	for i, u := range UserTypes {
		if u == t {
			return i + 1
		}
	}
	return 0
}

// RankSQL is Rank as an SQL expression over column, for every value of all: the member
// index sorts by role and user type in the policy's own order.
func RankSQL[T interface {
	~string
	Rank() int
}](column string, all []T) string {
	var b strings.Builder
	b.WriteString("CASE " + column)
	for _, v := range all {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", string(v), v.Rank())
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

// CanOwn reports whether the type may own items and groups.
func (t UserType) CanOwn() bool { return t == Creator || t == Professional }

// CanEditShared reports whether the type may edit shared-update groups.
func (t UserType) CanEditShared() bool { return t == Contributor || t.CanOwn() }

// Allows reports whether a member of this type may hold the given role.
func (t UserType) Allows(r Role) bool {
	if !t.Valid() || !r.Valid() {
		return false
	}
	return r == RoleMember || t.CanOwn()
}

// French names the roles and user types in French (English uses their codes): the
// audit log's sentences, the CSV import's accepted names.
var French = map[string]string{
	string(RoleOwner): "propriétaire", string(RoleAdmin): "administrateur", string(RoleMember): "membre",
	string(Viewer): "lecteur", string(Contributor): "contributeur", string(Creator): "créateur", string(Professional): "professionnel",
}

// Status is a membership's state.
type Status string

const (
	Active   Status = "active"
	Disabled Status = "disabled"
)

// Member is what the policy needs to know about an actor or a target.
type Member struct {
	ID       string // membership id; empty for a member-to-be (an invitation)
	Role     Role
	UserType UserType
	Status   Status
}

// Can decides whether actor may perform action on target. Target is nil for actions
// on the organisation itself; for invitations it is the member-to-be (no ID, its role).
// Deny by default: the answer is nil, or a *fail.Error of kind Forbidden saying why.
func Can(actor Member, action Action, target *Member) error {
	g, ok := policy[action]
	if !ok {
		return fail.Forbidden("unknown_action", "This action is not known.")
	}
	if actor.Status != Active {
		return fail.Forbidden("actor_disabled", "Your account is disabled.")
	}
	s := g.scope(actor.Role)
	if s == 0 {
		return fail.Forbidden("role", "Your role does not allow this action.")
	}
	if g.needsOwner && !actor.UserType.CanOwn() {
		return fail.Forbidden("user_type", "Your user type cannot own items or groups.")
	}
	if target == nil {
		if s&onOrg == 0 {
			return fail.Forbidden("target_required", "This action needs a member to act on.")
		}
		return nil
	}
	if s&onOrg != 0 && s&(onSelf|onMembers|onAdmins) == 0 {
		return fail.Forbidden("no_target", "This action does not apply to a member.")
	}
	switch {
	case target.ID != "" && target.ID == actor.ID:
		if s&onSelf == 0 {
			return fail.Forbidden("self", "You cannot do this to your own account.")
		}
	case target.Role == RoleOwner:
		return fail.Forbidden("owner_protected", "Nobody can do this to the owner; the owner can only transfer ownership.")
	case target.Role == RoleAdmin:
		if s&onAdmins == 0 {
			return fail.Forbidden("rank", "Administrators can only act on members.")
		}
	case target.Role == RoleMember:
		if s&onMembers == 0 {
			return fail.Forbidden("role", "Your role does not allow this action.")
		}
	default:
		return fail.Forbidden("role", "Unknown target role.")
	}
	return nil
}

// Permissions lists the actions actor may perform on the organisation or on at least
// one kind of target. The UI uses it to decide what to show; the server still asks Can.
func Permissions(actor Member) []Action {
	targets := []*Member{nil, {ID: actor.ID, Role: actor.Role}, {Role: RoleMember}, {Role: RoleAdmin}}
	var out []Action
	for _, a := range Actions() {
		for _, t := range targets {
			if Can(actor, a, t) == nil {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// InvitableRoles lists the roles actor may invite to (the invite dialog's choices).
func InvitableRoles(actor Member) []Role {
	out := []Role{}
	for _, r := range Roles {
		if r != RoleOwner && Can(actor, MembersInvite, &Member{Role: r}) == nil {
			out = append(out, r)
		}
	}
	return out
}

// UserTypesThat lists the user types for which is holds, lowest first: with
// UserType.CanOwn, who may receive content or the organisation; with
// UserType.CanEditShared, who may join a shared-update group.
func UserTypesThat(is func(UserType) bool) []UserType {
	out := []UserType{}
	for _, t := range UserTypes {
		if is(t) {
			out = append(out, t)
		}
	}
	return out
}

// Allowed lists the actions actor may perform on one target member (a row's menu).
func Allowed(actor Member, target Member) []Action {
	var out []Action
	for _, a := range Actions() {
		if g := policy[a]; g.scope(actor.Role)&(onSelf|onMembers|onAdmins) == 0 {
			continue
		}
		if Can(actor, a, &target) == nil {
			out = append(out, a)
		}
	}
	return out
}
