package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
)

// SetPartnerAccess switches member id's partner access (access to the vendor's own
// resources with their name and email shared) on or off. Unchanged is a no-op.
// Access: members.partnerAccess (never one's own).
// Errors: 404, 403 from the policy, 409 member_disabled to switch it on for a disabled
// member (disabling a member switches it off).
func SetPartnerAccess(app core.App, actor access.Actor, id string, enabled bool) error {
	return runOne(app, actor, id, op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersPartnerAccess, t); err != nil {
				return err
			}
			if t.M.GetBool("partnerAccess") == enabled {
				return errUnchanged
			}
			if enabled && access.Status(t.M.GetString("status")) != access.Active {
				return fail.Conflict("member_disabled", "A disabled member cannot have partner access; enable them first.", nil)
			}
			return nil
		},
		apply: each(func(tx core.App, t *target) error {
			t.M.Set("partnerAccess", enabled)
			if err := tx.Save(t.M); err != nil {
				return err
			}
			return record(tx, actor, access.MembersPartnerAccess, t,
				map[string]any{"partnerAccess": !enabled}, map[string]any{"partnerAccess": enabled})
		}),
	})
}
