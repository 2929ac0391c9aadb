package pb_migrations

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"roster/internal/audit"
)

// The keyed audit chain (docs/reliability.md §9): the sealed heads' table, then every existing
// chain, checked as it was (plain SHA-256), re-hashed with HMAC-SHA256 under the key
// derived from the instance key, and sealed by one audit.rekeyed row per organisation.
// A chain already broken keeps its break (audit.Rekey). The key comes from
// ROSTER_ENCRYPTION_KEY or <data>/.roster_key, as in every command: `serve` and
// `migrate up` run this.
func init() {
	m.Register(func(app core.App) error {
		if err := audit.CreateHeadsTable(app); err != nil {
			return err
		}
		return audit.Rekey(app)
	}, func(core.App) error {
		return errors.New("the keyed audit chain cannot be turned back into a plain SHA-256 one")
	})
}
