package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
)

// Disable disables member id (DESIGN §6): they can no longer sign in, every session
// they hold ends at once (their token key is rotated), and their partner access is
// switched off. They still hold a billed seat, so no ledger row is written.
// Access: members.disable (never oneself, never the owner, admins only on members).
// Errors: 404 not in the organisation, 403 from the policy, 409 never_signed_in (the
// member never signed in), 409 already_disabled.
func Disable(app core.App, actor *Actor, id, ip string) error {
	return runOne(app, actor, id, disableOp(actor, ip))
}

// Enable lets a disabled member id sign in again. Partner access stays off.
// Access: members.enable. Errors: 404, 403 from the policy, 409 already_enabled.
func Enable(app core.App, actor *Actor, id, ip string) error {
	return runOne(app, actor, id, enableOp(actor, ip))
}

func disableOp(actor *Actor, ip string) op {
	return op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersDisable, t); err != nil {
				return err
			}
			if access.Status(t.m.GetString("status")) == access.Disabled {
				return fail.Conflict("already_disabled", "This member is already disabled.", nil)
			}
			if t.u.GetDateTime("lastLogin").IsZero() {
				return fail.Conflict("never_signed_in",
					"This member has never signed in; revoke or remove them instead of disabling them.", nil)
			}
			return nil
		},
		apply: func(tx core.App, t *target) error {
			before := map[string]any{"status": t.m.GetString("status"), "partnerAccess": t.m.GetBool("partnerAccess")}
			t.m.Set("status", string(access.Disabled))
			t.m.Set("partnerAccess", false)
			if err := tx.Save(t.m); err != nil {
				return err
			}
			t.u.RefreshTokenKey() // every token the member holds fails from now on
			if err := tx.Save(t.u); err != nil {
				return err
			}
			after := map[string]any{"status": string(access.Disabled), "partnerAccess": false, "sessionsRevoked": true}
			return record(tx, actor, access.MembersDisable, t, before, after, ip)
		},
	}
}

func enableOp(actor *Actor, ip string) op {
	return op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersEnable, t); err != nil {
				return err
			}
			if access.Status(t.m.GetString("status")) == access.Active {
				return fail.Conflict("already_enabled", "This member is already enabled.", nil)
			}
			return nil
		},
		apply: func(tx core.App, t *target) error {
			before := map[string]any{"status": t.m.GetString("status")}
			t.m.Set("status", string(access.Active))
			if err := tx.Save(t.m); err != nil {
				return err
			}
			return record(tx, actor, access.MembersEnable, t, before, map[string]any{"status": string(access.Active)}, ip)
		},
	}
}
