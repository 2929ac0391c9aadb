// Package roster binds a PocketBase app with everything Roster is: the binary, the
// tests (internal/testapp) and the benchmarks all bind through Bind, so that what they
// run is what ships. It sits at the top of the import graph: nothing below imports it.
package roster

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/hooks"
	"roster/internal/api"
	"roster/internal/billing"
	"roster/internal/invites"
	"roster/internal/mail"
	"roster/internal/storage"
)

// Bind registers Roster's storage checkpointer, mailer, hooks and routes on app, before
// or after its bootstrap (a test app comes bootstrapped: see storage.Register).
func Bind(app core.App) {
	storage.Register(app)
	mail.Register(app)
	hooks.Register(app)
	api.Register(app)
	billing.Register(app)
	invites.Register(app)
}
