package billing

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
)

// Actor is who acts on billing: the policy's view of a signed-in member, their
// organisation, and how the audit log names them. (members.Actor carries the same;
// billing cannot import members, which imports billing.)
type Actor struct {
	access.Member
	Org   string
	Label string
}

// owner asks the policy whether a may manage the organisation's billing (the owner
// alone: billing.manage).
func (a Actor) owner() error { return access.Can(a.Member, access.BillingManage, nil) }

// record writes the audit row of one billing change.
func (a Actor) record(tx core.App, action access.Action, targetType, targetID, targetLabel string, details any, ip string) error {
	return audit.Write(tx, audit.Entry{
		Org: a.Org, Actor: a.ID, ActorLabel: a.Label, Action: action,
		TargetType: targetType, TargetID: targetID, TargetLabel: targetLabel, Details: details, IP: ip,
	})
}
