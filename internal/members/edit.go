package members

import (
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/people"
)

// This file is the machinery every change to a member shares: loading the members it
// applies to, running it in one transaction, and recording it. Each change is an op
// split in two halves, check and apply, so that a bulk action can check every member
// before it applies anything, all in one transaction. A single change is the bulk path
// with one member: the same check, the same apply.

// target is one member a change applies to: the membership and its account.
type target = people.Person

// errUnchanged is a check's answer when the change would change nothing: the single
// action answers the member as it is, a bulk action reports it and counts nothing.
var errUnchanged = errors.New("unchanged")

// op is one kind of change to members.
type op struct {
	// prepare reads, once for all targets, what check needs (optional).
	prepare func(tx core.App, ts []*target) error
	// check enforces the policy and the preconditions for one target; errUnchanged when
	// there is nothing to do.
	check func(tx core.App, t *target) error
	// apply makes the change to every target (each one checked) and writes their audit
	// rows (and ledger rows, mails): set-based (a few statements for all the targets)
	// for the changes a bulk action makes, one member at a time (each) for the others.
	apply func(tx core.App, ts []*target) error
	// seats is what the change does to one target's billed seat, by user type, for the
	// cost shown before a bulk change is confirmed (nil: the change costs nothing).
	seats func(t *target) map[access.UserType]int
}

// each makes an op's apply out of a change made to one member at a time.
func each(fn func(tx core.App, t *target) error) func(core.App, []*target) error {
	return func(tx core.App, ts []*target) error {
		for _, t := range ts {
			if err := fn(tx, t); err != nil {
				return err
			}
		}
		return nil
	}
}

// runOne loads the member id of actor's organisation and runs o on it in one
// transaction. Errors: 404 when the member is not in the organisation, the check's
// 403/409, or nil when there was nothing to change.
func runOne(app core.App, actor access.Actor, id string, o op) error {
	return app.RunInTransaction(func(tx core.App) error {
		ts, err := loadTargets(tx, actor.Org, []string{id})
		if err != nil {
			return err
		}
		t, ok := ts[id]
		if !ok {
			return fail.NotFound("Member not found.")
		}
		if o.prepare != nil {
			if err := o.prepare(tx, []*target{t}); err != nil {
				return err
			}
		}
		if err := o.check(tx, t); err != nil {
			if errors.Is(err, errUnchanged) {
				return nil
			}
			return err
		}
		return o.apply(tx, []*target{t})
	})
}

// loadTargets reads the memberships of org with the given ids and their accounts
// (people.Load).
func loadTargets(app core.App, org string, ids []string) (map[string]*target, error) {
	return people.Load(app, org, ids)
}

// entry is the audit row of one change to one member.
func entry(actor access.Actor, action access.Action, t *target, before, after map[string]any) audit.Entry {
	return audit.By(actor, action, "membership", t.M.Id, t.Label(), map[string]any{"before": before, "after": after})
}

// record writes the audit row of one change to one member.
func record(tx core.App, actor access.Actor, action access.Action, t *target, before, after map[string]any) error {
	return audit.Write(tx, entry(actor, action, t, before, after))
}

// updateAll sets cols, and updated, on the memberships of ts (in actor's organisation
// and matching where) with one UPDATE, and fails unless each of them changed. The SQL
// triggers that keep memberIndex, membersSearch and the counters in step fire as for
// any write; PocketBase's record hooks do not, so callers set no column those hooks
// guard (the one-owner invariant: role, org, and the owner's status) without guarding
// it themselves in where.
func updateAll(tx core.App, org string, ts []*target, cols dbx.Params, where dbx.Expression) error {
	ids := make([]any, len(ts))
	for i, t := range ts {
		ids[i] = t.M.Id
	}
	cols["updated"] = types.NowDateTime().String()
	res, err := tx.DB().Update("memberships", cols, dbx.And(dbx.In("id", ids...), dbx.HashExp{"org": org}, where)).Execute()
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(ts)) {
		return fmt.Errorf("members: %d of %d memberships changed (%v)", n, len(ts), err)
	}
	return nil
}

// can asks the policy whether actor may perform action on t.
func can(actor access.Actor, action access.Action, t *target) error {
	return access.Can(actor.Member, action, ptr(t.Policy()))
}
