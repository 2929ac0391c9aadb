package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// billingRoutes: the owner's subscription, invoices and payment methods, and credits.
func billingRoutes(r *router.Router[*core.RequestEvent]) {
}
