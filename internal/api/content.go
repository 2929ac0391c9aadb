package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// contentRoutes: the organisation's shared resources (items, groups) and licences.
func contentRoutes(r *router.Router[*core.RequestEvent]) {
}
