package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// auditRoutes: the audit log viewer, its export and the chain's state.
func auditRoutes(r *router.Router[*core.RequestEvent]) {
}
