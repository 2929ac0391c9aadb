package members

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/content"
	"roster/internal/fail"
)

// MaxBulk is the most members one bulk action takes.
const MaxBulk = 100

// Bulk actions.
const (
	BulkDisable     = "disable"
	BulkEnable      = "enable"
	BulkUserType    = "userType"
	BulkRole        = "role"
	BulkCredits     = "credits"
	BulkEndSessions = "endSessions"
	BulkRemove      = "remove"
	BulkLicense     = "licenseAssign"
	BulkUnlicense   = "licenseRevoke"
	BulkGroupAdd    = "groupAdd"
	BulkGroupRemove = "groupRemove"
)

// BulkRequest is one action on up to MaxBulk members, with what that action needs:
// userType, role, credits (allocated, or unlimited), the licence or the group (ids of
// the organisation's) or, for a removal, what becomes of the content (RemoveOptions, the
// same for every member).
type BulkRequest struct {
	Action         string   `json:"action"`
	IDs            []string `json:"ids"`
	UserType       string   `json:"userType"`
	Role           string   `json:"role"`
	Allocated      *float64 `json:"allocated"`
	Unlimited      bool     `json:"unlimited"`
	License        string   `json:"license"`
	Group          string   `json:"group"`
	SkipIneligible bool     `json:"skipIneligible"`
	DryRun         bool     `json:"dryRun"` // check every member and price the change; change nothing
	RemoveOptions
}

// BulkResult is what happened, or would have happened, to one member. OK with code
// "unchanged" means the member already was as asked.
type BulkResult struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// BulkOutcome lists a result per distinct id, in the order asked, and how many members changed.
type BulkOutcome struct {
	Results []BulkResult  `json:"results"`
	Changed int           `json:"changed"`
	Cost    *billing.Cost `json:"cost,omitempty"` // a dry run's: what the eligible members' change would cost
}

// Bulk applies one action (see the Bulk constants) to several members of actor's
// organisation, with the very rules of the single action: every member is checked
// (policy and preconditions; unknown ids and other organisations' are not_found), then
// the eligible ones change together (set-based: a few statements for all of them), all
// in one transaction with one audit row each. Without
// SkipIneligible it is all or nothing: if any member is ineligible nothing changes.
// Errors: 400 ids (none, or more than MaxBulk once duplicates collapse), 400 action,
// 400 userType, role, allocated, transferTo, license or group (missing, or no such id);
// 404 license or group of another organisation; 403 when the actor may not take the action on anyone; 409 bulk_ineligible with the per-id results in details.
// A DryRun answers the results and, for a change of seats, its Cost, changing nothing.
func Bulk(app core.App, actor access.Actor, req BulkRequest) (*BulkOutcome, error) {
	ids := distinct(req.IDs)
	if len(ids) == 0 || len(ids) > MaxBulk {
		return nil, fail.Invalid("ids", "count", fmt.Sprintf("Select from 1 to %d members.", MaxBulk))
	}
	o, action, err := bulkOp(actor, req, ids)
	if err != nil {
		return nil, err
	}
	// An actor who may not take this action on anyone is refused outright, not per member.
	if !slices.Contains(access.Permissions(actor.Member), action) {
		return nil, access.Can(actor.Member, action, &access.Member{Role: access.RoleMember})
	}
	out := &BulkOutcome{}
	err = app.RunInTransaction(func(tx core.App) error {
		results, eligible, err := checkAll(tx, actor, ids, o)
		if err != nil {
			return err
		}
		if req.DryRun {
			out.Results, out.Cost, err = results, nil, nil
			if o.seats != nil {
				out.Cost, err = costOf(tx, actor.Org, eligible, o)
			}
			return err
		}
		if !req.SkipIneligible && anyRefused(results) {
			return fail.Conflict("bulk_ineligible", "Some members cannot take this action; nothing was changed.",
				map[string]any{"results": results, "changed": 0})
		}
		if len(eligible) > 0 {
			if err := o.apply(tx, eligible); err != nil {
				return err
			}
		}
		out.Results, out.Changed = results, len(eligible)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// costOf prices what o would do to the seats of ts.
func costOf(tx core.App, org string, ts []*target, o op) (*billing.Cost, error) {
	seats := map[access.UserType]int{}
	for _, t := range ts {
		for ut, n := range o.seats(t) {
			seats[ut] += n
		}
	}
	for ut, n := range seats {
		if n == 0 {
			delete(seats, ut)
		}
	}
	return billing.CostOf(tx, org, seats)
}

// bulkOp is the op of a bulk request, its action, or a 400 naming the field it lacks.
func bulkOp(actor access.Actor, req BulkRequest, ids []string) (op, access.Action, error) {
	switch req.Action {
	case BulkDisable:
		return disableOp(actor), access.MembersDisable, nil
	case BulkEnable:
		return enableOp(actor), access.MembersEnable, nil
	case BulkEndSessions:
		return endSessionsOp(actor), access.MembersEndSessions, nil
	case BulkUserType:
		t := access.UserType(req.UserType)
		return userTypeOp(actor, t), access.MembersChangeUserType, validUserType(t)
	case BulkRole:
		r := access.Role(req.Role)
		return roleOp(actor, r), access.MembersChangeRole, validRole(r)
	case BulkCredits:
		if req.Allocated == nil && !req.Unlimited {
			return op{}, "", fail.Invalid("allocated", "required", "Give the credits to allocate, or unlimited.")
		}
		if req.Unlimited {
			req.Allocated = nil
		}
		return creditsOp(actor, req.Allocated), access.MembersManageCredits, validAllocation(req.Allocated)
	case BulkRemove:
		if err := req.RemoveOptions.valid(); err != nil {
			return op{}, "", err
		}
		if slices.Contains(ids, req.transferTo()) {
			return op{}, "", fail.Invalid("transferTo", "in_selection", "The content cannot go to a member who is being removed too.")
		}
		r := &removal{actor: actor, opts: req.RemoveOptions, action: access.MembersRemove, notify: true}
		return r.op(), access.MembersRemove, nil
	case BulkLicense, BulkUnlicense:
		if req.License == "" {
			return op{}, "", fail.Invalid("license", "required", "Choose the licence.")
		}
		if req.Action == BulkLicense {
			return licenseOp(actor, req.License, true), access.LicensesAssign, nil
		}
		return licenseOp(actor, req.License, false), access.LicensesRevoke, nil
	case BulkGroupAdd, BulkGroupRemove:
		if req.Group == "" {
			return op{}, "", fail.Invalid("group", "required", "Choose the group.")
		}
		// Who may change a group's members is the group's rule (its owner, or a
		// moderator; anyone may leave), checked per member: the policy asks content.use.
		return groupOp(actor, req.Group, req.Action == BulkGroupAdd), access.ContentUse, nil
	}
	return op{}, "", fail.Invalid("action", "invalid_choice",
		"Choose one of: disable, enable, userType, role, credits, endSessions, remove, licenseAssign, licenseRevoke, groupAdd, groupRemove.")
}

// checkAll loads and checks every id, reading what the checks need once for all.
func checkAll(tx core.App, actor access.Actor, ids []string, o op) ([]BulkResult, []*target, error) {
	found, err := loadTargets(tx, actor.Org, ids)
	if err != nil {
		return nil, nil, err
	}
	ts := make([]*target, 0, len(found))
	for _, id := range ids {
		if t, ok := found[id]; ok {
			ts = append(ts, t)
		}
	}
	if o.prepare != nil {
		if err := o.prepare(tx, ts); err != nil {
			return nil, nil, err
		}
	}
	results := make([]BulkResult, len(ids))
	var eligible []*target
	for i, id := range ids {
		results[i] = BulkResult{ID: id, OK: true}
		t, ok := found[id]
		if !ok {
			results[i] = BulkResult{ID: id, Code: "not_found", Message: "Member not found."}
			continue
		}
		err := o.check(tx, t)
		var fe *fail.Error
		switch {
		case err == nil:
			eligible = append(eligible, t)
		case errors.Is(err, errUnchanged), errors.Is(err, content.ErrUnchanged):
			results[i].Code = "unchanged"
		case errors.As(err, &fe):
			results[i] = BulkResult{ID: id, Code: fe.Code, Message: fe.Message}
		default:
			return nil, nil, err
		}
	}
	return results, eligible, nil
}

func anyRefused(results []BulkResult) bool {
	for _, r := range results {
		if !r.OK {
			return true
		}
	}
	return false
}

// distinct drops repeated ids, keeping the first occurrence's place.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
