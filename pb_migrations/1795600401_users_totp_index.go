package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The accounts with two-factor sign-in, as a small partial index: the settings page
// counts an organisation's members who have it (and so those who do not) from it,
// rather than reading 100 000 accounts.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AddIndex("idx_users_totpEnabled", false, "`id`", "`totpEnabled` = TRUE")
		return app.Save(users)
	}, nil)
}
