package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// lifecycleRoutes: role changes, removal, ownership transfer and leaving.
func lifecycleRoutes(r *router.Router[*core.RequestEvent]) {
}
