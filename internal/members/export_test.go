package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
)

// ApplyUnchecked runs the apply step of a bulk action (BulkRequest's action and user
// type) on members ids of actor's organisation, in one transaction, skipping the
// policy and the checks: what the guards under them still refuse.
func ApplyUnchecked(app core.App, actor access.Actor, req BulkRequest, ids []string) error {
	o := map[string]op{
		BulkDisable:  disableOp(actor),
		BulkEnable:   enableOp(actor),
		BulkUserType: userTypeOp(actor, access.UserType(req.UserType)),
	}[req.Action]
	return app.RunInTransaction(func(tx core.App) error {
		found, err := loadTargets(tx, actor.Org, ids)
		if err != nil {
			return err
		}
		ts := make([]*target, 0, len(ids))
		for _, id := range ids {
			if t, ok := found[id]; ok {
				ts = append(ts, t)
			}
		}
		return o.apply(tx, ts)
	})
}
