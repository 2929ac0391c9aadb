package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// invitationRoutes: inviting, the invitation lifecycle and the public join flow.
func invitationRoutes(r *router.Router[*core.RequestEvent]) {
}
