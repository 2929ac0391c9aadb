package security

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/people"
)

// Password limits: bcrypt reads 72 bytes at most, and we never truncate.
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

// HashPassword hashes a password with bcrypt at the cost of the users collection's
// password field, as PocketBase's SetPassword does. bcrypt takes 50–100 ms of CPU: call
// it before the transaction that stores the hash (SetPasswordHash), never inside one,
// where it would hold SQLite's write lock and stall every other write.
func HashPassword(app core.App, password string) (string, error) {
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return "", err
	}
	cost := bcrypt.DefaultCost
	if f, ok := col.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField); ok && f.Cost > 0 {
		cost = f.Cost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(hash), err
}

// SetPasswordHash gives account u the password HashPassword hashed; saving u stores it.
// The caller has validated the password (CheckPassword or its own limits).
func SetPasswordHash(u *core.Record, hash string) {
	u.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: hash})
}

// ChangePassword replaces the actor's own password, proven by the old one under the
// lockout (VerifyPassword: refused while the account is locked; a wrong one counts a
// failure). It lifts a temporary password's restriction, unless that password has
// expired, and ends every other session (the token key is rotated), then tells the
// member by mail. Both bcrypt steps (checking the old password, hashing the new one)
// run before the transaction, which then checks that the stored password is still the
// one that was checked.
// Errors: 409 sso_account, 403 temporary_password_expired, 400 oldPassword
// (invalid_password, also while locked), 400 password.
func ChangePassword(ctx context.Context, app core.App, a access.Actor, oldPassword, password string) (*core.Record, error) {
	u, err := app.FindRecordById("users", a.User)
	if err != nil {
		return nil, err
	}
	if u.GetString("authSource") == "sso" {
		return nil, fail.Conflict("sso_account", "This account signs in through your organisation's identity provider.", nil)
	}
	if err := TemporaryPasswordExpired(u, time.Now()); err != nil {
		return nil, err
	}
	errOld := fail.Invalid("oldPassword", "invalid_password", "Your current password is not correct.")
	ok, err := VerifyPassword(ctx, app, u, oldPassword)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errOld
	}
	if err := CheckPassword("password", password); err != nil {
		return nil, err
	}
	if password == oldPassword {
		return nil, fail.Invalid("password", "same_password", "Choose a password different from the current one.")
	}
	checked := u.GetString(core.FieldNamePassword + ":hash")
	hash, err := HashPassword(app, password)
	if err != nil {
		return nil, err
	}
	var out *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", a.User)
		if err != nil {
			return err
		}
		if u.GetString(core.FieldNamePassword+":hash") != checked {
			return errOld // changed meanwhile: the old password proven is no longer current
		}
		SetPasswordHash(u, hash)
		u.Set("mustChangePassword", false)
		u.Set("tempPasswordExpires", "")
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return err
		}
		if err := auditSelf(tx, a, access.AccountPasswordChange, map[string]any{"sessionsRevoked": true}); err != nil {
			return err
		}
		org, err := tx.FindRecordById("organizations", a.Org)
		if err != nil {
			return err
		}
		out = u
		return notify(tx, org, u, "password_changed", map[string]any{"ActorName": people.Name(u)})
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
	return notify(app, org, u, "password_changed", map[string]any{"ActorName": people.Name(u)})
}
