// Package hooks binds Roster's rules to PocketBase events, so they hold on every path
// (Roster's API, PocketBase's API and dashboard, the CLI, Go code): the sign-in gate,
// last sign-in time, PocketBase's email change closed, one owner per organisation, the
// append-only audit log, the limits of uploaded pictures, and what the operator may change
// through PocketBase's records and collections APIs.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// Register binds every hook to app.
func Register(app core.App) {
	bindAuthGate(app)
	bindEmailChange(app)
	bindOwnerInvariant(app)
	bindAuditImmutable(app)
	bindImageLimits(app)
	bindOperatorWrites(app)
}
