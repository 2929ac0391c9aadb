package members

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/fail"
)

// SetCredits sets member id's credit allocation: a number of credits, or nil for no
// limit. It writes a credit-ledger row (kind allocate: the new allocation, or 0 with
// the note "unlimited"). Unchanged is a no-op. Access: members.manageCredits.
// Errors: 400 allocated negative, 404, 403 from the policy, 409 credit_budgeting_off
// when the organisation does not budget credits, 409 pool_exceeded {allocated, pool,
// requested, available} when the pool has not that much left (billing's pool hook, on
// the save).
func SetCredits(app core.App, actor access.Actor, id string, allocated *float64) error {
	if err := validAllocation(allocated); err != nil {
		return err
	}
	return runOne(app, actor, id, creditsOp(actor, allocated))
}

func validAllocation(allocated *float64) error {
	if allocated != nil && *allocated < 0 {
		return fail.Invalid("allocated", "negative", "The allocation cannot be negative; send null for no limit.")
	}
	return nil
}

func creditsOp(actor access.Actor, allocated *float64) op {
	return op{
		check: func(tx core.App, t *target) error {
			if err := can(actor, access.MembersManageCredits, t); err != nil {
				return err
			}
			org, err := tx.FindRecordById("organizations", actor.Org)
			if err != nil {
				return err
			}
			if !org.GetBool("creditBudgeting") {
				return fail.Conflict("credit_budgeting_off", "Credit budgeting is off in this organisation.", nil)
			}
			limited, current := t.M.GetBool("creditsLimited"), t.M.GetFloat("creditsAllocated")
			if allocated == nil && !limited || allocated != nil && limited && *allocated == current {
				return errUnchanged
			}
			return nil
		},
		apply: each(func(tx core.App, t *target) error {
			before := creditsView(t.M.GetBool("creditsLimited"), t.M.GetFloat("creditsAllocated"))
			amount, note := 0.0, "unlimited"
			if allocated != nil {
				amount, note = *allocated, ""
			}
			t.M.Set("creditsLimited", allocated != nil)
			t.M.Set("creditsAllocated", amount)
			if err := tx.Save(t.M); err != nil {
				return err
			}
			col, err := tx.FindCachedCollectionByNameOrId("creditLedger")
			if err != nil {
				return err
			}
			row := core.NewRecord(col)
			row.Load(map[string]any{"org": actor.Org, "membership": t.M.Id, "amount": amount, "kind": "allocate",
				"note": note, "actor": actor.ID, "at": types.NowDateTime()})
			if err := tx.Save(row); err != nil {
				return err
			}
			return record(tx, actor, access.MembersManageCredits, t, before, creditsView(allocated != nil, amount))
		}),
	}
}

// creditsView is an allocation as the audit log shows it: a number, or nil for no limit.
func creditsView(limited bool, allocated float64) map[string]any {
	if !limited {
		return map[string]any{"creditsAllocated": nil}
	}
	return map[string]any{"creditsAllocated": allocated}
}
