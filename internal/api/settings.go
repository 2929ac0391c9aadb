package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// settingsRoutes: the owner's organisation settings.
func settingsRoutes(r *router.Router[*core.RequestEvent]) {
}
