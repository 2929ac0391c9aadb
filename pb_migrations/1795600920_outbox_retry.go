package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A queued mail is retried: the outbox keeps the rendered body of a mail that carries
// no secret until it is sent (html, text), how many attempts were made (attempts) and
// when the next one is due (nextAttempt), so that a mail whose change committed just
// before a crash, or whose server was down, is still sent, once.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("mailOutbox")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.TextField{Name: "html", Max: 200000},
			&core.TextField{Name: "text", Max: 100000},
			&core.NumberField{Name: "attempts", OnlyInt: true},
			&core.DateField{Name: "nextAttempt"},
		)
		c.AddIndex("idx_mailOutbox_status_next", false, "`status`, `nextAttempt`", "")
		return app.Save(c)
	}, nil)
}
