package api

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/members"
)

const sessionKey = "roster.session"

// loadActor finds the signed-in member, the actor of every service the request calls.
// A disabled member is refused here, on the very next request after being disabled,
// whatever token they hold.
func loadActor(e *core.RequestEvent) error {
	a, err := members.SessionOf(e.App, e.Auth)
	if err != nil {
		return toAPIError(e, err)
	}
	if a.Status != access.Active {
		return fail.Forbidden("account_disabled", "This account is disabled. Contact your organisation's administrator.").API()
	}
	a.IP = e.RealIP()
	e.Set(sessionKey, a)
	return e.Next()
}

// inOrg answers 404 for an organisation the member does not belong to: outsiders
// cannot even learn that it exists.
func inOrg(e *core.RequestEvent) error {
	if actor(e).Org != e.Request.PathValue("org") {
		return fail.NotFound("Organisation not found.").API()
	}
	return e.Next()
}

// unrestricted refuses a restricted session (password change or MFA enrolment pending)
// everything but the routes that lift the restriction.
func unrestricted(e *core.RequestEvent) error {
	if r := session(e).Restrictions; len(r) > 0 {
		msg := "Change your password before continuing."
		if r[0] == members.MfaEnrollmentRequired {
			msg = "Your organisation requires two-factor authentication: set it up before continuing."
		}
		return fail.Forbidden(r[0], msg).API()
	}
	return e.Next()
}

// session is the request's signed-in session (set by loadActor).
func session(e *core.RequestEvent) *members.Session {
	s, _ := e.Get(sessionKey).(*members.Session)
	return s
}

// actor is who the request acts as (set by loadActor).
func actor(e *core.RequestEvent) access.Actor { return session(e).Actor }
