package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// securityRoutes: two-factor sign-in and enrolment, passwords, and administrators'
// resets of a member's password or MFA.
func securityRoutes(r *router.Router[*core.RequestEvent]) {
}
