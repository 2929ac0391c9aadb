package members

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
)

// ChangeUserType moves member id to another user type (a licence level; the seat price
// follows). The seat ledger gets two rows, the old type's seat leaving and the new one's
// arriving, and the subscription's monthly amount moves by the difference. Unchanged is
// a no-op. Access: members.changeUserType.
// Errors: 400 userType unknown, 404, 403 from the policy, and 409 when the
// new type cannot carry what the member holds: owns_content (items or groups, and the
// type cannot own), incompatible_licenses, shared_update_groups, role_incompatible_type
// (an admin or the owner must stay creator or professional). Every 409 carries the
// counts of all the blockers, and "reasons" lists each of them.
func ChangeUserType(app core.App, actor access.Actor, id string, userType access.UserType) error {
	if err := validUserType(userType); err != nil {
		return err
	}
	return runOne(app, actor, id, userTypeOp(actor, userType))
}

func validUserType(t access.UserType) error {
	if !t.Valid() {
		return fail.Invalid("userType", "invalid_choice", "Choose one of: viewer, contributor, creator, professional.")
	}
	return nil
}

// holdings is what a member holds that a user type may not be able to carry.
type holdings struct {
	Items, Groups, IncompatibleLicenses, SharedUpdateGroups int
}

func userTypeOp(actor access.Actor, to access.UserType) op {
	var held map[string]*holdings
	return op{
		seats: func(t *target) map[access.UserType]int {
			return map[access.UserType]int{t.Policy().UserType: -1, to: 1}
		},
		prepare: func(tx core.App, ts []*target) (err error) {
			held, err = holdingsOf(tx, actor.Org, ts, to)
			return err
		},
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersChangeUserType, t); err != nil {
				return err
			}
			if access.UserType(t.M.GetString("userType")) == to {
				return errUnchanged
			}
			h := held[t.M.Id]
			if h == nil {
				h = &holdings{}
			}
			return typeFits(to, access.Role(t.M.GetString("role")), *h)
		},
		apply: func(tx core.App, ts []*target) error {
			if err := updateAll(tx, actor.Org, ts, dbx.Params{"userType": string(to)}, dbx.In("role", rolesAllowing(to)...)); err != nil {
				return err
			}
			seats := make([]billing.Seat, 0, 2*len(ts))
			entries := make([]audit.Entry, len(ts))
			for i, t := range ts {
				from := access.UserType(t.M.GetString("userType"))
				for _, s := range []billing.Seat{
					{UserType: from, Delta: -1},
					{UserType: to, Delta: +1},
				} {
					s.Org, s.Membership, s.Label, s.Reason, s.Actor = actor.Org, t.M.Id, t.Label(), billing.TypeChanged, actor.ID
					seats = append(seats, s)
				}
				entries[i] = entry(actor, access.MembersChangeUserType, t,
					map[string]any{"userType": string(from)}, map[string]any{"userType": string(to)})
			}
			if err := billing.SeatsChanged(tx, seats); err != nil {
				return err
			}
			return audit.WriteMany(tx, entries)
		},
	}
}

// rolesAllowing lists the roles a member of user type t may hold: the type change's
// UPDATE touches no other membership (typeFits refuses the others first), so that the
// owner, whom it may change, stays creator or professional.
func rolesAllowing(t access.UserType) []any {
	var out []any
	for _, r := range access.Roles {
		if t.Allows(r) {
			out = append(out, string(r))
		}
	}
	return out
}

// typeFits reports the first precondition that user type to does not meet
// for a member of role who holds h, with the counts of every unmet one.
func typeFits(to access.UserType, role access.Role, h holdings) error {
	var reasons []string
	if !to.CanOwn() && h.Items+h.Groups > 0 {
		reasons = append(reasons, "owns_content")
	}
	if h.IncompatibleLicenses > 0 {
		reasons = append(reasons, "incompatible_licenses")
	}
	if !to.CanEditShared() && h.SharedUpdateGroups > 0 {
		reasons = append(reasons, "shared_update_groups")
	}
	if !to.Allows(role) {
		reasons = append(reasons, "role_incompatible_type")
	}
	if len(reasons) == 0 {
		return nil
	}
	messages := map[string]string{
		"owns_content":           "This member owns items or groups, which a %s cannot own: transfer them first.",
		"incompatible_licenses":  "This member holds licences that a %s cannot use: revoke them first.",
		"shared_update_groups":   "This member belongs to shared-update groups, which a %s cannot edit: remove them from these groups first.",
		"role_incompatible_type": "A %s can only be a member: change the role first.",
	}
	return fail.Conflict(reasons[0], fmt.Sprintf(messages[reasons[0]], to), map[string]any{
		"userType": string(to), "role": string(role), "reasons": reasons,
		"itemsOwned": h.Items, "groupsOwned": h.Groups,
		"incompatibleLicenses": h.IncompatibleLicenses, "sharedUpdateGroups": h.SharedUpdateGroups,
	})
}

// holdingsOf counts, for every target at once, the items and groups they own, the
// licences they hold that user type to is not compatible with (a licence whose
// compatibleTypes list lacks it), and the shared-update groups they belong to (through
// groupMembers, the index of the groups' member lists), in one query.
func holdingsOf(app core.App, org string, ts []*target, to access.UserType) (map[string]*holdings, error) {
	out := make(map[string]*holdings, len(ts))
	if len(ts) == 0 {
		return out, nil
	}
	ids := make([]any, len(ts))
	for i, t := range ts {
		ids[i] = t.M.Id
		out[t.M.Id] = &holdings{}
	}
	in, params := inList("id", ids)
	params["org"], params["type"] = org, string(to)
	var counts []struct {
		Member string `db:"member"`
		Kind   string `db:"kind"`
		N      int    `db:"n"`
	}
	err := app.DB().NewQuery(strings.ReplaceAll(`
		SELECT owner AS member, 'items' AS kind, count(*) AS n FROM items WHERE owner IN ({:ids}) GROUP BY owner
		UNION ALL
		SELECT owner AS member, 'groups' AS kind, count(*) AS n FROM groups WHERE owner IN ({:ids}) GROUP BY owner
		UNION ALL
		SELECT gm.membership AS member, 'shared' AS kind, count(*) AS n FROM groupMembers gm JOIN groups g ON g.id = gm.grp
			WHERE gm.membership IN ({:ids}) AND g.org = {:org} AND g.sharedUpdate = TRUE GROUP BY gm.membership
		UNION ALL
		SELECT la.membership AS member, 'licenses' AS kind, count(*) AS n
			FROM licenseAssignments la JOIN licenses l ON l.id = la.license
			WHERE la.membership IN ({:ids}) AND NOT EXISTS (
				SELECT 1 FROM json_each(CASE WHEN json_valid(l.compatibleTypes) AND json_type(l.compatibleTypes) = 'array'
					THEN l.compatibleTypes ELSE '[]' END) c WHERE c.value = {:type})
			GROUP BY la.membership`, "{:ids}", in)).Bind(params).All(&counts)
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		h := out[c.Member]
		if h == nil {
			continue
		}
		switch c.Kind {
		case "items":
			h.Items = c.N
		case "groups":
			h.Groups = c.N
		case "shared":
			h.SharedUpdateGroups = c.N
		case "licenses":
			h.IncompatibleLicenses = c.N
		}
	}
	return out, nil
}
