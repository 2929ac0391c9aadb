package billing

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
)

// The credit pool (docs/reliability.md §9). With credit budgeting on, the organisation's
// creditsPool is where its members' credits come from, and what its members take from
// it never exceeds it.
//
// What a member takes: their allocation when they have a limit (or their use, if an
// allocation was lowered below it), and what they have used when they have none. This
// is how ArcGIS budgets credits: an allocation is a number of credits set aside from
// the organisation's, and a member without a limit spends from what the allocations
// leave. Refusing "no limit" under a pool would force a number on every member, and
// counting it as the whole remainder would leave nothing to allocate to anyone else;
// so "no limit" takes what it spends, and each spend is checked against what is left
// (Consume). A limited member spends within an allocation already taken, so spending
// never exceeds the pool either.
//
// Held on every path: hooks on memberships (a save that makes a member take more: a
// larger allocation, a limit where there was none, a new member with an allocation)
// and on organizations (budgeting switched on, the pool lowered), in the change's own
// transaction; Consume's conditional UPDATE for members without a limit. A change that
// makes a member take less is always allowed, so that an organisation found over its
// pool (roster doctor) can be brought back within it.

// TakesSQL is what one membership row takes from the pool (an SQL expression over
// memberships' columns, for queries that sum it with more).
const TakesSQL = "MAX(CASE WHEN creditsLimited THEN creditsAllocated ELSE 0 END, creditsUsed)"

// takenSQL is what an organisation's members take from its pool ({:org}).
const takenSQL = "SELECT COALESCE(SUM(" + TakesSQL + "), 0) FROM memberships WHERE org = {:org}"

// epsilon absorbs the rounding of sums of fractional credits.
const epsilon = 1e-9

// Pool is an organisation's credit pool and what its members take from it.
type Pool struct {
	Budgeting bool    `json:"creditBudgeting"`
	Size      float64 `json:"pool"`
	Allocated float64 `json:"allocated"` // taken: allocations, and what members without a limit used
	Left      float64 `json:"left"`      // Size − Allocated, never below 0
}

// PoolOf reads org's pool and what is taken from it (through the transaction's app
// when there is one).
func PoolOf(app core.App, org *core.Record) (Pool, error) {
	p := Pool{Budgeting: org.GetBool("creditBudgeting"), Size: org.GetFloat("creditsPool")}
	err := app.DB().NewQuery(takenSQL).Bind(dbx.Params{"org": org.Id}).Row(&p.Allocated)
	p.Left = max(p.Size-p.Allocated, 0)
	return p, err
}

// exceeded is the 409 pool_exceeded: what is allocated, the pool, what was asked for,
// and, for a member, the most they could have been given (available).
func (p Pool) exceeded(requested float64, available *float64, message string) error {
	d := map[string]any{"allocated": p.Allocated, "pool": p.Size, "requested": requested}
	if available != nil {
		d["available"] = max(*available, 0)
	}
	return fail.Conflict("pool_exceeded", message, d)
}

// takes is what the membership m takes from the pool as it is about to be saved.
func takes(m *core.Record) float64 {
	alloc := 0.0
	if m.GetBool("creditsLimited") {
		alloc = m.GetFloat("creditsAllocated")
	}
	return max(alloc, m.GetFloat("creditsUsed"))
}

// checkMember refuses to save the membership m when it would take more from its
// organisation's pool than is left beside the others (409 pool_exceeded with
// allocated, pool, requested = what m would take, available = the most it may). It
// reads the stored rows through app, so it holds inside the saving transaction.
func checkMember(app core.App, m *core.Record) error {
	after := takes(m)
	if after == 0 {
		return nil
	}
	var mine float64
	err := app.DB().NewQuery("SELECT COALESCE(SUM(" + TakesSQL + "), 0) FROM memberships WHERE id = {:id} AND org = {:org}").
		Bind(dbx.Params{"id": m.Id, "org": m.GetString("org")}).Row(&mine)
	if err != nil {
		return err
	}
	if after <= mine {
		return nil
	}
	org, err := app.FindRecordById("organizations", m.GetString("org"))
	if err != nil || !org.GetBool("creditBudgeting") {
		return err
	}
	p, err := PoolOf(app, org)
	if err != nil {
		return err
	}
	others := p.Allocated - mine
	if others+after <= p.Size+epsilon {
		return nil
	}
	available := p.Size - others
	return p.exceeded(after, &available, fmt.Sprintf(
		"The credit pool has %s credits left for this member: lower the allocation, or raise the pool in the settings.", number(max(available, 0))))
}

// checkOrg refuses to save the organisation org when it switches budgeting on, or
// lowers the pool, below what its members already take (409 pool_exceeded with
// allocated, pool = the current pool, requested = the new one).
func checkOrg(app core.App, org *core.Record) error {
	before := org.Original()
	if !org.GetBool("creditBudgeting") ||
		before.GetBool("creditBudgeting") && org.GetFloat("creditsPool") >= before.GetFloat("creditsPool") {
		return nil
	}
	p, err := PoolOf(app, org)
	if err != nil || p.Allocated <= p.Size+epsilon {
		return err
	}
	p.Size = before.GetFloat("creditsPool")
	return p.exceeded(org.GetFloat("creditsPool"), nil, fmt.Sprintf(
		"Members already take %s credits: the pool cannot be smaller. Lower their allocations first.", number(p.Allocated)))
}

// CheckRequest refuses n new allocations of amount each that what is left of org's pool
// cannot hold (invitations: the pool is checked again when each is accepted).
func CheckRequest(app core.App, org *core.Record, n int, amount float64) error {
	if !org.GetBool("creditBudgeting") || n == 0 || amount <= 0 {
		return nil
	}
	p, err := PoolOf(app, org)
	if err != nil || float64(n)*amount <= p.Left+epsilon {
		return err
	}
	return p.exceeded(float64(n)*amount, &p.Left, fmt.Sprintf(
		"The credit pool has %s credits left: give less, or raise the pool in the settings.", number(p.Left)))
}

// number writes credits for a message: whole numbers without decimals.
func number(v float64) string { return fmt.Sprintf("%.10g", v) }

// bindPool binds the pool's checks to every save of a membership and an organisation.
func bindPool(app core.App) {
	member := func(e *core.RecordEvent) error {
		if err := checkMember(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	}
	app.OnRecordCreate("memberships").BindFunc(member)
	app.OnRecordUpdate("memberships").BindFunc(member)
	app.OnRecordUpdate("organizations").BindFunc(func(e *core.RecordEvent) error {
		if err := checkOrg(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}
