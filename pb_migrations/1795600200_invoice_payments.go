package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An invoice remembers how it was paid (the method, as it was then, and the provider's
// reference), and its lines may number a seat interval per member of a large
// organisation (about 200 bytes each: 100 000 members need 20 MB).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invoices")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.TextField{Name: "paymentMethod", Max: 40},
			&core.TextField{Name: "paymentLabel", Max: 200},
			&core.TextField{Name: "paymentRef", Max: 200},
		)
		c.Fields.GetByName("lines").(*core.JSONField).MaxSize = 100 << 20
		return app.Save(c)
	}, nil)
}
