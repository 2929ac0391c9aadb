package security

import (
	"database/sql"
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/mail"
	"roster/internal/people"
)

// TemporaryPasswordTTL is how long an administrator's temporary password signs in.
const TemporaryPasswordTTL = 24 * time.Hour

// TemporaryPasswordExpired is 403 temporary_password_expired when u must change a
// temporary password whose time ran out at now, else nil. Such a password neither signs
// in nor sets a new one, even from a session opened while it was valid: only an
// administrator's new one (or the forgot-password mail) does.
func TemporaryPasswordExpired(u *core.Record, now time.Time) error {
	exp := u.GetDateTime("tempPasswordExpires")
	if u.GetBool("mustChangePassword") && !exp.IsZero() && !now.Before(exp.Time()) {
		return fail.Forbidden("temporary_password_expired", "Your temporary password has expired. Ask your administrator for a new one.")
	}
	return nil
}

// Reset is the outcome of an administrator's password reset. TemporaryPassword is
// for the administrator only when it could not be mailed (Mailed false).
type Reset struct {
	Mailed            bool   `json:"mailed"`
	TemporaryPassword string `json:"temporaryPassword,omitempty"`
}

// ResetPassword gives member id a 16-character temporary password, valid 24 h, that
// they must change at their next sign-in; every session they hold ends at once. The
// password goes to the member by mail (never into the outbox or the audit log); with
// no mail server it is returned for the administrator to hand over.
// Access: members.resetPassword (never oneself, never the owner, admins only on members).
// Errors: 404 not in the organisation, 403 from the policy, 409 sso_account.
func ResetPassword(app core.App, a access.Actor, id string) (*Reset, error) {
	// The policy first, so that a refused request costs no bcrypt; then the hash, before
	// the transaction (bcrypt would hold the write lock), which checks everything again.
	if _, _, _, err := target(app, a, id, access.MembersResetPassword); err != nil {
		return nil, err
	}
	temp := TemporaryPassword()
	hash, err := HashPassword(app, temp)
	if err != nil {
		return nil, err
	}
	mailed := mail.Enabled(app)
	err = app.RunInTransaction(func(tx core.App) error {
		org, m, u, err := target(tx, a, id, access.MembersResetPassword)
		if err != nil {
			return err
		}
		if u.GetString("authSource") == "sso" {
			return fail.Conflict("sso_account", "This member signs in through the organisation's identity provider; reset the password there.", nil)
		}
		expires := types.NowDateTime().Add(TemporaryPasswordTTL)
		SetPasswordHash(u, hash)
		u.Set("mustChangePassword", true)
		u.Set("tempPasswordExpires", expires)
		u.Set("failedLogins", 0)
		u.Set("lockedUntil", "")
		u.RefreshTokenKey() // every session ends (saving a new password would too)
		if err := tx.Save(u); err != nil {
			return err
		}
		after := map[string]any{"mustChangePassword": true, "temporaryPasswordExpires": expires.String(),
			"sessionsRevoked": true, "mailed": mailed}
		if err := writeAudit(tx, a, access.MembersResetPassword, m, u, after); err != nil {
			return err
		}
		return notify(tx, org, u, "password_reset_by_admin", map[string]any{
			"ActorName": a.Name, "TemporaryPassword": temp,
			"Expires": expires.Time().UTC().Format("2006-01-02 15:04 UTC"), "SignInURL": tx.Settings().Meta.AppURL,
		})
	})
	if err != nil {
		return nil, err
	}
	if mailed {
		return &Reset{Mailed: true}, nil
	}
	return &Reset{TemporaryPassword: temp}, nil
}

// DisableMFA turns off member id's two-factor sign-in (a lost device): secret, recovery
// codes and flag go, every session they hold ends, and they are told by mail. If the
// organisation requires MFA, their next session must enrol again.
// Access: members.disableMfa. Errors: 404, 403 from the policy, 409 mfa_not_enabled
// (the organisation has MFA off), 409 no_mfa (the member has no TOTP).
func DisableMFA(app core.App, a access.Actor, id string) error {
	return app.RunInTransaction(func(tx core.App) error {
		org, m, u, err := target(tx, a, id, access.MembersDisableMfa)
		if err != nil {
			return err
		}
		if !org.GetBool("mfaEnabled") && !org.GetBool("mfaRequired") {
			return fail.Conflict("mfa_not_enabled", "Two-factor authentication is not enabled in this organisation.", nil)
		}
		if !u.GetBool("totpEnabled") {
			return fail.Conflict("no_mfa", "This member has not set up two-factor authentication.", nil)
		}
		clearTOTP(u)
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return err
		}
		after := map[string]any{"mfaEnabled": false, "sessionsRevoked": true}
		if err := writeAudit(tx, a, access.MembersDisableMfa, m, u, after); err != nil {
			return err
		}
		return notify(tx, org, u, "mfa_disabled_by_admin", map[string]any{"ActorName": a.Name})
	})
}

// target loads member id of the actor's organisation and asks the policy.
func target(tx core.App, a access.Actor, id string, action access.Action) (org, m, u *core.Record, err error) {
	m, err = tx.FindFirstRecordByFilter("memberships", "id = {:id} && org = {:org}", dbx.Params{"id": id, "org": a.Org})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil, fail.NotFound("Member not found.")
	}
	if err != nil {
		return nil, nil, nil, err
	}
	t := people.Of(m)
	if err := access.Can(a.Member, action, &t); err != nil {
		return nil, nil, nil, err
	}
	if u, err = tx.FindRecordById("users", m.GetString("user")); err != nil {
		return nil, nil, nil, err
	}
	org, err = tx.FindRecordById("organizations", a.Org)
	return org, m, u, err
}

func writeAudit(tx core.App, a access.Actor, action access.Action, m, u *core.Record, after map[string]any) error {
	return audit.Record(tx, a, action, "membership", m.Id,
		people.Label(u.GetString("givenName"), u.GetString("familyName"), u.Email()), map[string]any{"after": after})
}
