package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A mail is "queued" between its change's commit and its delivery.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("mailOutbox")
		if err != nil {
			return err
		}
		c.Fields.GetByName("status").(*core.SelectField).Values = []string{"queued", "sent", "failed", "logged"}
		return app.Save(c)
	}, nil)
}
