package api

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/security"
)

// securityRoutes: two-factor sign-in and enrolment, passwords, and administrators'
// resets of a member's password or MFA.
func securityRoutes(g groups) {
	g.public.POST("/api/auth/totp", handle(completeSignIn))

	// Account routes a restricted session may reach: each lifts one restriction.
	g.signedIn.POST("/account/password", handle(changePassword)).BindFunc(lifts(members.PasswordChangeRequired))
	g.signedIn.POST("/account/totp/setup", handle(setupTOTP)).BindFunc(lifts(members.MfaEnrollmentRequired))
	g.signedIn.POST("/account/totp/enable", handle(enableTOTP)).BindFunc(lifts(members.MfaEnrollmentRequired))
	g.account.DELETE("/totp", handle(disableTOTP))
	g.account.POST("/recovery-codes", handle(regenerateRecoveryCodes))

	g.member.POST("/reset-password", handle(resetPassword))
	g.member.POST("/disable-mfa", handle(disableMemberMFA))
}

// closeAccountTables refuses PocketBase's record API on its per-account collections
// (MFA challenges, one-time passwords, linked identities, sign-in origins) to anyone
// but the instance operator. PocketBase lets an account list and view its own rows,
// and delete its own linked identities and sign-in origins, outside Roster's policy and
// audit log; their rules cannot be changed (system collections), so the requests are
// refused here. PocketBase's sign-in, MFA, OTP and OAuth2 flows do not use these routes.
func closeAccountTables(app core.App) {
	tables := []string{core.CollectionNameMFAs, core.CollectionNameOTPs, core.CollectionNameExternalAuths,
		core.CollectionNameAuthOrigins}
	app.OnRecordsListRequest(tables...).BindFunc(func(e *core.RecordsListRequestEvent) error {
		return operatorOnly(e.RequestEvent, e.Next)
	})
	app.OnRecordViewRequest(tables...).BindFunc(func(e *core.RecordRequestEvent) error {
		return operatorOnly(e.RequestEvent, e.Next)
	})
	app.OnRecordDeleteRequest(tables...).BindFunc(func(e *core.RecordRequestEvent) error {
		return operatorOnly(e.RequestEvent, e.Next)
	})
}

// operatorOnly lets the instance operator go on (next) and refuses anyone else.
func operatorOnly(e *core.RequestEvent, next func() error) error {
	if !e.HasSuperuserAuth() {
		return fail.Forbidden("operator_only", "Only the instance operator can read or change these records.").API()
	}
	return next()
}

// lifts lets a restricted session through only to the route that lifts its first
// restriction (a temporary password is changed before TOTP enrolment); any other
// restriction gets unrestricted's 403.
func lifts(restriction string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if r := session(e).Restrictions; len(r) > 0 && r[0] != restriction {
			return unrestricted(e)
		}
		return e.Next()
	}
}

// noStore keeps answers that carry a secret out of every cache.
func noStore(e *core.RequestEvent) {
	e.Response.Header().Set("Cache-Control", "no-store")
}

// completeSignIn is the second step of a sign-in: {mfaId, code} or {mfaId, recoveryCode}
// answers PocketBase's auth response (token and record), through the sign-in gate.
func completeSignIn(e *core.RequestEvent) error {
	var in struct {
		MfaID        string `json:"mfaId"`
		Code         string `json:"code"`
		RecoveryCode string `json:"recoveryCode"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	if in.MfaID == "" {
		return fail.Invalid("mfaId", "required", "The sign-in challenge is missing. Sign in again.")
	}
	user, sso, err := security.Complete(e.App, in.MfaID, in.Code, in.RecoveryCode, e.RealIP())
	if err != nil {
		return err
	}
	if sso != nil {
		security.SetPendingSSO(e, *sso) // the sign-in gate links it once the token is issued
	}
	noStore(e)
	return apis.RecordAuthResponse(e, user, security.MethodTOTP, nil)
}

// changePassword answers a fresh auth response: the change ends every session,
// this one included, so the web app carries on with the new token.
func changePassword(e *core.RequestEvent) error {
	var in struct {
		OldPassword string `json:"oldPassword"`
		Password    string `json:"password"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	u, err := security.ChangePassword(e.Request.Context(), e.App, actor(e), in.OldPassword, in.Password)
	if err != nil {
		return err
	}
	noStore(e)
	return apis.RecordAuthResponse(e, u, "", nil)
}

func setupTOTP(e *core.RequestEvent) error {
	out, err := security.Setup(e.App, actor(e))
	if err != nil {
		return err
	}
	noStore(e)
	return e.JSON(200, out)
}

type codeInput struct {
	Code         string `json:"code"`
	RecoveryCode string `json:"recoveryCode"`
}

func enableTOTP(e *core.RequestEvent) error {
	var in codeInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	codes, err := security.Enable(e.App, actor(e), in.Code)
	if err != nil {
		return err
	}
	noStore(e)
	return e.JSON(200, map[string]any{"recoveryCodes": codes})
}

func disableTOTP(e *core.RequestEvent) error {
	var in codeInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	if err := security.Disable(e.App, actor(e), in.Code, in.RecoveryCode); err != nil {
		return err
	}
	return e.NoContent(204)
}

func regenerateRecoveryCodes(e *core.RequestEvent) error {
	var in codeInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	codes, err := security.RegenerateRecoveryCodes(e.App, actor(e), in.Code)
	if err != nil {
		return err
	}
	noStore(e)
	return e.JSON(200, map[string]any{"recoveryCodes": codes})
}

// resetPassword answers {"mailed": true}, or without a mail server {"mailed": false,
// "temporaryPassword": "…"}, shown once to the administrator.
func resetPassword(e *core.RequestEvent) error {
	out, err := security.ResetPassword(e.App, actor(e), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	noStore(e)
	return e.JSON(200, out)
}

func disableMemberMFA(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error { return security.DisableMFA(tx, actor(e), id) })
}
