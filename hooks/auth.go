package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/people"
	"roster/internal/security"
)

// Messages a refused sign-in shows.
const (
	msgDisabled = "This account is disabled. Contact your organisation's administrator."
	msgNoOrg    = "This account belongs to no organisation."
)

// bindAuthGate refuses sign-in (and token refresh) to disabled members, accounts with no
// organisation and expired temporary passwords, and enterprise sign-in to organisations
// that did not enable it; asks users with TOTP for their second step on every real
// sign-in (password, OTP, OAuth2); and records lastLogin (and resets the failed sign-in
// count) on real sign-ins, not on refreshes, whose AuthMethod is empty. Only once all of
// that passed and the token is issued does an enterprise sign-in link the provider's
// identity and make the account an SSO one (security.LinkSSO): a sign-in stopped at the
// second step, or refused, changes nothing. It also binds the rest of the sign-in path
// (signin.go).
func bindAuthGate(app core.App) {
	bindSignIn(app)
	app.OnRecordAuthRequest("users").BindFunc(func(e *core.RecordAuthRequestEvent) error {
		m, err := people.MembershipOf(e.App, e.Record.Id)
		if err != nil {
			return refuse(msgNoOrg, "no_organization")
		}
		if access.Status(m.GetString("status")) != access.Active {
			return refuse(msgDisabled, "account_disabled")
		}
		if err := security.TemporaryPasswordExpired(e.Record, time.Now()); err != nil {
			return apiError(err)
		}
		sso, viaSSO := security.PendingSSO(e.RequestEvent)
		if viaSSO || e.AuthMethod == core.MFAMethodOAuth2 {
			org, err := e.App.FindRecordById("organizations", m.GetString("org"))
			if err != nil {
				return err
			}
			if err := security.SSOAllowed(org); err != nil {
				return apiError(err)
			}
		}
		if e.AuthMethod != "" && e.AuthMethod != security.MethodTOTP && e.Record.GetBool("totpEnabled") {
			var pending *security.SSOIdentity
			if viaSSO {
				pending = &sso
			}
			return totpRequired(e, pending)
		}
		if err := e.Next(); err != nil {
			return err
		}
		if viaSSO {
			if err := security.LinkSSO(e.App, e.Record, sso); err != nil {
				e.App.Logger().Error("linking an enterprise sign-in", "error", err)
			}
		}
		if e.AuthMethod != "" {
			// A raw update: a sign-in is not a profile change (no hooks, no "updated").
			_, err := e.App.DB().Update("users", dbx.Params{"lastLogin": types.NowDateTime().String(),
				"failedLogins": 0, "lockedUntil": ""}, dbx.HashExp{"id": e.Record.Id}).Execute()
			if err != nil {
				e.App.Logger().Error("recording lastLogin", "error", err)
			}
		}
		return nil
	})
}

// totpRequired answers the first factor of a user with TOTP: no token, but a challenge
// (mfaId) to complete with POST /api/auth/totp, which keeps the provider's identity of
// an enterprise sign-in (sso) to link once it passes. The error is built directly so
// that its data reaches the client as it is.
func totpRequired(e *core.RecordAuthRequestEvent, sso *security.SSOIdentity) error {
	id, err := security.Challenge(e.App, e.Record, e.AuthMethod, sso)
	if err != nil {
		return err
	}
	return &router.ApiError{Status: 401, Message: "Enter the code from your authenticator app.",
		Data: map[string]any{"mfaId": id, "totpRequired": true}}
}

// refuse is a 403 with data.code.
func refuse(message, code string) error {
	return fail.Forbidden(code, message).API()
}

// apiError answers a service's refusal (internal/fail) as Roster's routes do: its
// status, message and data.code; other errors pass through.
func apiError(err error) error {
	if fe, ok := fail.As(err); ok {
		return fe.API()
	}
	return err
}
