package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// reportRoutes: the organisation's reports.
func reportRoutes(r *router.Router[*core.RequestEvent]) {
}
