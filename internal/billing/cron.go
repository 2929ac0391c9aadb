package billing

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
)

// CronJob is the id of the daily job that closes due periods.
const CronJob = "rosterBillingClosePeriods"

// Register adds the daily job (00:15 UTC) that invoices every period that has ended
// (PocketBase runs cron jobs only in `serve`), the hook that keeps card numbers out of
// payment methods on every path, and the credit pool's checks (bindPool).
func Register(app core.App) {
	bindCardDataGuard(app)
	bindPool(app)
	app.Cron().MustAdd(CronJob, "15 0 * * *", func() {
		results, err := CloseDue(app, now(), "", false, audit.ActorSystem)
		if err != nil {
			app.Logger().Error("billing: closing due periods", "error", err)
			return
		}
		for _, r := range results {
			if r.Err != nil {
				app.Logger().Error("billing: closing a period", "org", r.Slug, "error", r.Err)
			}
			for _, inv := range r.Invoices {
				app.Logger().Info("billing: invoice issued", "org", r.Slug, "number", inv.Number, "total", inv.Total)
			}
		}
	})
}
