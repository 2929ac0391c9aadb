package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
)

// Leave takes the actor out of their organisation with Remove's machinery and
// preconditions: their content goes to opts.TransferTo or is deleted, their licences are
// revoked, their membership and account are deleted and their seat is no longer billed.
// No mail: they did it themselves. Access: org.leave (admins and members).
// Errors: 409 owner_must_transfer for the owner; otherwise as Remove.
func Leave(app core.App, actor access.Actor, opts RemoveOptions) (*Removal, error) {
	if actor.Role == access.RoleOwner {
		return nil, fail.Conflict("owner_must_transfer",
			"The owner cannot leave the organisation: transfer ownership to another member first.", nil)
	}
	r := &removal{actor: actor, opts: opts, action: access.OrgLeave}
	return r.run(app, actor.ID)
}
