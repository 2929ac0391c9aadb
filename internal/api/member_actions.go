package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// memberActionRoutes are the changes an administrator makes to members.
func memberActionRoutes(org *router.RouterGroup[*core.RequestEvent]) {
}
