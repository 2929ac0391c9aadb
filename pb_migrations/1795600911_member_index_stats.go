package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Statistics for the member index's new sort indexes (1795600910_member_counts.go).
// In a database analysed before them (`roster demo` analyses), indexes without
// statistics look far more selective than they are, and SQLite picks them for queries
// that have better ones: the reports' GROUP BY over memberIndex_filters, for one.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery("ANALYZE memberIndex").Execute()
		return err
	}, nil)
}
