package billing

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Credits is one member's credits: allocated and remaining are nil for no limit.
type Credits struct {
	Allocated *float64 `json:"allocated"`
	Used      float64  `json:"used"`
	Remaining *float64 `json:"remaining"`
}

func creditsOf(limited bool, allocated, used float64) Credits {
	c := Credits{Used: used}
	if limited {
		remaining := allocated - used
		c.Allocated, c.Remaining = &allocated, &remaining
	}
	return c
}

// MaxConsume is the most credits one request may spend.
const MaxConsume = 1e9

// Consume spends amount of the acting member's own credits: creditsUsed grows by a
// conditional UPDATE (the allocation, or for a member without a limit what is left of
// the organisation's pool, is checked by the same statement that spends, so concurrent
// requests can never overspend either), a creditLedger row (kind consume, amount
// −amount) and an audit row are written in the same transaction. Access:
// credits.consume (any active member).
// Errors: 403; 400 amount (not > 0, or too large), 400 note (too long);
// 409 credit_budgeting_off; 409 credits_exceeded {allocated, used, remaining, requested};
// 409 pool_exceeded {allocated, pool, requested, available} for a member without a limit.
func Consume(app core.App, a access.Actor, amount float64, note string) (*Credits, error) {
	if err := access.Can(a.Member, access.CreditsConsume, nil); err != nil {
		return nil, err
	}
	if math.IsNaN(amount) || amount <= 0 {
		return nil, fail.Invalid("amount", "not_positive", "Spend more than 0 credits.")
	}
	if amount > MaxConsume {
		return nil, fail.Invalid("amount", "too_large", "That is more credits than one request may spend.")
	}
	if utf8.RuneCountInString(note) > 500 {
		return nil, fail.Invalid("note", "too_long", "At most 500 characters.")
	}
	var out Credits
	err := app.RunInTransaction(func(tx core.App) error {
		org, err := tx.FindRecordById("organizations", a.Org)
		if err != nil {
			return err
		}
		if !org.GetBool("creditBudgeting") {
			return fail.Conflict("credit_budgeting_off", "Credit budgeting is off in this organisation.", nil)
		}
		// Raw SQL: the memberIndex triggers still keep the list's "credits remaining" in
		// step. A member without a limit takes from the pool what they spend (pool.go).
		res, err := tx.DB().NewQuery(`UPDATE memberships SET creditsUsed = creditsUsed + {:amount}, updated = {:now}
			WHERE id = {:id} AND org = {:org} AND status = 'active'
			AND CASE WHEN creditsLimited THEN creditsUsed + {:amount} <= creditsAllocated + {:eps}
				ELSE (` + takenSQL + `) + {:amount} <= {:pool} + {:eps} END`).
			Bind(dbx.Params{"amount": amount, "now": dateTime(now()).String(), "id": a.ID, "org": a.Org,
				"pool": org.GetFloat("creditsPool"), "eps": epsilon}).Execute()
		if err != nil {
			return err
		}
		m, err := tx.FindRecordById("memberships", a.ID)
		if err != nil {
			return err
		}
		out = creditsOf(m.GetBool("creditsLimited"), m.GetFloat("creditsAllocated"), m.GetFloat("creditsUsed"))
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return err
			}
			if !m.GetBool("creditsLimited") {
				p, err := PoolOf(tx, org)
				if err != nil {
					return err
				}
				return p.exceeded(amount, &p.Left, fmt.Sprintf(
					"The organisation's credit pool has %s credits left: ask an administrator to raise it.", number(p.Left)))
			}
			return fail.Conflict("credits_exceeded", "This would spend more credits than you have left.", map[string]any{
				"allocated": out.Allocated, "used": out.Used, "remaining": out.Remaining, "requested": amount})
		}
		col, err := tx.FindCachedCollectionByNameOrId("creditLedger")
		if err != nil {
			return err
		}
		row := core.NewRecord(col)
		row.Load(map[string]any{"org": a.Org, "membership": a.ID, "amount": -amount, "kind": "consume",
			"note": note, "actor": a.ID, "at": dateTime(now())})
		if err := tx.Save(row); err != nil {
			return err
		}
		return audit.Record(tx, a, access.CreditsConsume, "membership", a.ID, a.Label, map[string]any{
			"amount": amount, "note": note, "after": out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CreditRow is one credit-ledger row.
type CreditRow struct {
	ID         string  `json:"id" db:"id"`
	Membership string  `json:"membership" db:"membership"`
	Member     string  `json:"member" db:"member"` // the member's name now; empty when they left
	Amount     float64 `json:"amount" db:"amount"`
	Kind       string  `json:"kind" db:"kind"`
	Note       string  `json:"note" db:"note"`
	Actor      string  `json:"actor" db:"actor"`
	At         string  `json:"at" db:"at"`
}

// CreditsOverview is the organisation's credits: the pool, what is taken from it
// (poolAllocated: allocations, and what members without a limit used; poolLeft), what
// is allocated (to members with a limit) and used, and the latest ledger rows.
type CreditsOverview struct {
	Budgeting        bool        `json:"creditBudgeting"`
	Pool             float64     `json:"pool"`
	PoolAllocated    float64     `json:"poolAllocated"`
	PoolLeft         float64     `json:"poolLeft"`
	IncludedCredits  float64     `json:"includedCredits"` // the plan's
	Allocated        float64     `json:"allocated"`
	Used             float64     `json:"used"`
	LimitedMembers   int         `json:"limitedMembers"`
	UnlimitedMembers int         `json:"unlimitedMembers"`
	Ledger           []CreditRow `json:"ledger"`
}

// GetCredits answers the organisation's credits and its latest credit-ledger rows (at
// most paging.MaxPerPage). Access: members.list (owner and admins: it shows every member's
// spending). Errors: 403.
func GetCredits(app core.App, a access.Actor, limit int) (*CreditsOverview, error) {
	if err := access.Can(a.Member, access.MembersList, nil); err != nil {
		return nil, err
	}
	org, err := app.FindRecordById("organizations", a.Org)
	if err != nil {
		return nil, err
	}
	p, err := PoolOf(app, org)
	if err != nil {
		return nil, err
	}
	out := &CreditsOverview{Budgeting: p.Budgeting, Pool: p.Size, PoolAllocated: p.Allocated, PoolLeft: p.Left, Ledger: []CreditRow{}}
	if _, sub, err := PlanPrices(app, a.Org); err == nil {
		if plan, err := app.FindRecordById("plans", sub.GetString("plan")); err == nil {
			out.IncludedCredits = plan.GetFloat("includedCredits")
		}
	}
	err = app.DB().NewQuery(`SELECT
		COALESCE(SUM(CASE WHEN creditsLimited THEN creditsAllocated ELSE 0 END), 0),
		COALESCE(SUM(creditsUsed), 0),
		COALESCE(SUM(CASE WHEN creditsLimited THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN creditsLimited THEN 0 ELSE 1 END), 0)
		FROM memberships WHERE org = {:org}`).Bind(dbx.Params{"org": a.Org}).
		Row(&out.Allocated, &out.Used, &out.LimitedMembers, &out.UnlimitedMembers)
	if err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), paging.MaxPerPage)
	err = app.DB().NewQuery(`SELECT c.id, c.membership, COALESCE(trim(u.givenName || ' ' || u.familyName), '') AS member,
		c.amount, c.kind, c.note, c.actor, c.at
		FROM creditLedger c LEFT JOIN memberships m ON m.id = c.membership LEFT JOIN users u ON u.id = m.user
		WHERE c.org = {:org} ORDER BY c.at DESC, c.rowid DESC LIMIT {:limit}`).
		Bind(dbx.Params{"org": a.Org, "limit": limit}).All(&out.Ledger)
	return out, err
}
