package members

import (
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// This file is the machinery every change to a member shares: loading the members it
// applies to, running it in one transaction, and recording it. Each change is an op
// split in two halves, check and apply, so that a bulk action can check every member
// before it applies anything, all in one transaction.

// target is one member a change applies to: the membership and its account.
type target struct {
	m *core.Record // membership
	u *core.Record // users
}

func (t *target) policy() access.Member { return ToMember(t.m) }

func (t *target) label() string {
	return audit.Label(t.u.GetString("givenName"), t.u.GetString("familyName"), t.u.Email())
}

func (t *target) name() string {
	return DisplayName(t.u)
}

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
	// apply makes the change and writes its audit row (and ledger rows, mails).
	apply func(tx core.App, t *target) error
}

// runOne loads the member id of actor's organisation and runs o on it in one
// transaction. Errors: 404 when the member is not in the organisation, the check's
// 403/409, or nil when there was nothing to change.
func runOne(app core.App, actor *Actor, id string, o op) error {
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
		return o.apply(tx, t)
	})
}

// loadTargets reads the memberships of org with the given ids and their accounts, in
// two queries. Ids that are unknown or belong to another organisation are left out.
func loadTargets(app core.App, org string, ids []string) (map[string]*target, error) {
	out := make(map[string]*target, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ms, err := app.FindAllRecords("memberships", dbx.In("id", anys(ids)...), dbx.HashExp{"org": org})
	if err != nil {
		return nil, err
	}
	userIDs := make([]string, len(ms))
	for i, m := range ms {
		userIDs[i] = m.GetString("user")
	}
	us, err := app.FindRecordsByIds("users", userIDs)
	if err != nil {
		return nil, err
	}
	users := make(map[string]*core.Record, len(us))
	for _, u := range us {
		users[u.Id] = u
	}
	for _, m := range ms {
		if u, ok := users[m.GetString("user")]; ok {
			out[m.Id] = &target{m: m, u: u}
		}
	}
	return out, nil
}

// record writes the audit row of one change to one member.
func record(tx core.App, actor *Actor, action access.Action, t *target, before, after map[string]any, ip string) error {
	return audit.Write(tx, audit.Entry{
		Org: actor.Org, Actor: actor.ID, ActorLabel: actor.Label, Action: string(action),
		TargetType: "membership", TargetID: t.m.Id, TargetLabel: t.label(),
		Details: map[string]any{"before": before, "after": after}, IP: ip,
	})
}

// can asks the policy whether actor may perform action on t.
func can(actor *Actor, action access.Action, t *target) error {
	return access.Can(actor.Member, action, ptr(t.policy()))
}
