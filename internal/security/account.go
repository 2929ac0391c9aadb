package security

import (
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
	"roster/internal/members"
)

// Password limits (DESIGN §10): bcrypt reads 72 bytes at most, and we never truncate.
const (
	PasswordMin      = 8
	PasswordMax      = 64
	PasswordMaxBytes = 72
)

// CheckPassword validates a new password; field names it in the error.
func CheckPassword(field, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < PasswordMin:
		return fail.Invalid(field, "too_short", "Use at least 8 characters.")
	case n > PasswordMax:
		return fail.Invalid(field, "too_long", "Use at most 64 characters.")
	case len(password) > PasswordMaxBytes:
		return fail.Invalid(field, "too_long", "This password is too long once encoded; use fewer accented or special characters.")
	case strings.TrimSpace(password) == "":
		return fail.Invalid(field, "blank", "The password cannot be only spaces.")
	}
	return nil
}

// ChangePassword replaces the actor's own password, proven by the old one. It lifts a
// temporary password's restriction and ends every other session (the token key is
// rotated), then tells the member by mail.
// Errors: 409 sso_account, 400 oldPassword (invalid_password), 400 password.
func ChangePassword(app core.App, a *members.Actor, oldPassword, password, ip string) (*core.Record, error) {
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", a.User.Id)
		if err != nil {
			return err
		}
		if u.GetString("authSource") == "sso" {
			return fail.Conflict("sso_account", "This account signs in through your organisation's identity provider.", nil)
		}
		if oldPassword == "" || !u.ValidatePassword(oldPassword) {
			return fail.Invalid("oldPassword", "invalid_password", "Your current password is not correct.")
		}
		if err := CheckPassword("password", password); err != nil {
			return err
		}
		if password == oldPassword {
			return fail.Invalid("password", "same_password", "Choose a password different from the current one.")
		}
		u.SetPassword(password)
		u.Set("mustChangePassword", false)
		u.Set("tempPasswordExpires", "")
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return err
		}
		if err := auditSelf(tx, a, "account.passwordChange", map[string]any{"sessionsRevoked": true}, ip); err != nil {
			return err
		}
		org, err := tx.FindRecordById("organizations", a.Org)
		if err != nil {
			return err
		}
		out = u
		return notify(tx, org, u, "password_changed", map[string]any{"ActorName": members.DisplayName(u)})
	})
	return out, err
}

// ResetMail sends the forgot-password mail (PocketBase's request-password-reset) from
// Roster's templates in the user's language, through the outbox, linking to the web
// app's {appURL}/reset-password/{token}. SSO accounts get no mail: they have no
// Roster password to reset (the answer to the request is the same).
func ResetMail(app core.App, u *core.Record, token string) error {
	if u.GetString("authSource") == "sso" {
		return nil
	}
	url := strings.TrimRight(app.Settings().Meta.AppURL, "/") + "/reset-password/" + token
	return notify(app, orgOf(app, u.Id), u, "password_reset", map[string]any{"ResetURL": url})
}

// AfterReset records what a completed forgot-password reset means: a temporary
// password is gone, the lockout is lifted (the person proved they own the mailbox),
// and the member is told by mail.
func AfterReset(app core.App, u *core.Record) error {
	_, err := app.DB().Update("users", dbx.Params{"mustChangePassword": false, "tempPasswordExpires": "",
		"failedLogins": 0, "lockedUntil": ""}, dbx.HashExp{"id": u.Id}).Execute()
	if err != nil {
		return err
	}
	org := orgOf(app, u.Id)
	return notify(app, org, u, "password_changed", map[string]any{"ActorName": members.DisplayName(u)})
}
