package security

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/keyring"
)

// ForgetKey drops app's cached encryption key, as a restart does: the next secret
// read takes its key from ROSTER_ENCRYPTION_KEY or <data>/.roster_key again.
func ForgetKey(app core.App) { keyring.Forget(app) }
