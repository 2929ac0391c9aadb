package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A plan change re-prices every seat of a type at once: its ledger rows name no member.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("seatLedger")
		if err != nil {
			return err
		}
		c.Fields.GetByName("membership").(*core.TextField).Required = false
		return app.Save(c)
	}, nil)
}
