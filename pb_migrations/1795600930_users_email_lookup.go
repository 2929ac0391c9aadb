package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An index PocketBase's own email lookups can use. Sign-in (auth-with-password) and
// FindAuthRecordByEmail ask `email = ? COLLATE NOCASE`; the unique email index is
// partial (only non-empty addresses), and SQLite cannot prove that a bound parameter
// is not empty, so it never used it: every sign-in scanned the whole users table (100 000 rows).
// This plain index has no condition; the unique one stays as the constraint.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AddIndex("idx_users_email_lookup", false, "`email` COLLATE NOCASE", "")
		if err := app.Save(users); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("ANALYZE users").Execute()
		return err
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.RemoveIndex("idx_users_email_lookup")
		return app.Save(users)
	})
}
