package security

import (
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/fail"
)

// Enrolment is what an authenticator app needs: the secret as text, its otpauth://
// URI and that URI as a QR code (a data:image/png;base64 URL).
type Enrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauthUrl"`
	QR         string `json:"qr"`
}

// Setup starts (or restarts) the actor's TOTP enrolment: a new secret is stored,
// encrypted, but two-factor sign-in stays off until Enable confirms a code.
// Errors: 403 mfa_not_enabled (the organisation has MFA off), 409 totp_enabled.
func Setup(app core.App, a access.Actor) (*Enrolment, error) {
	org, err := app.FindRecordById("organizations", a.Org)
	if err != nil {
		return nil, err
	}
	if err := orgAllowsMFA(org); err != nil {
		return nil, err
	}
	var out *Enrolment
	err = app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", a.User)
		if err != nil {
			return err
		}
		if u.GetBool("totpEnabled") {
			return fail.Conflict("totp_enabled", "Two-factor authentication is already on; turn it off first to use another device.", nil)
		}
		secret := NewSecret()
		sealed, err := seal(tx, secret, u.Id)
		if err != nil {
			return err
		}
		u.Set("totpSecret", sealed)
		if err := tx.Save(u); err != nil {
			return err
		}
		issuer := strings.ReplaceAll(tx.Settings().Meta.AppName+" ("+org.GetString("name")+")", ":", " ")
		uri := OTPAuthURL(secret, issuer, u.Email())
		qr, err := QRDataURL(uri)
		if err != nil {
			return err
		}
		out = &Enrolment{Secret: secret, OTPAuthURL: uri, QR: qr}
		return nil
	})
	return out, err
}

// Enable turns two-factor sign-in on once code proves the authenticator app holds the
// secret from Setup, and returns the recovery codes (shown once, stored hashed).
// Errors: 403 mfa_not_enabled, 409 totp_enabled, 409 totp_not_set_up, 409 totp_key_mismatch
// (set up under another key: start again), 400 code.
func Enable(app core.App, a access.Actor, code string) ([]string, error) {
	org, err := app.FindRecordById("organizations", a.Org)
	if err != nil {
		return nil, err
	}
	if err := orgAllowsMFA(org); err != nil {
		return nil, err
	}
	var codes []string
	err = app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", a.User)
		if err != nil {
			return err
		}
		if u.GetBool("totpEnabled") {
			return fail.Conflict("totp_enabled", "Two-factor authentication is already on.", nil)
		}
		sealed := u.GetString("totpSecret")
		if sealed == "" {
			return fail.Conflict("totp_not_set_up", "Start the two-factor setup first.", nil)
		}
		secret, err := secretOf(tx, u)
		if fail.Is(err, codeKeyMismatch) {
			return errSetupKeyMismatch
		}
		if err != nil {
			return err
		}
		step, ok := Match(secret, code, time.Now())
		if !ok {
			return errInvalidCode
		}
		var stored string
		codes, stored, err = newRecoveryCodes()
		if err != nil {
			return err
		}
		// One conditional UPDATE: the secret checked is still the one stored, the
		// enrolment is not already done, and the step was not used before.
		res, err := tx.DB().NewQuery(`UPDATE users SET totpEnabled = TRUE, totpLastStep = {:step},
			recoveryCodes = {:codes}, updated = {:now}
			WHERE id = {:id} AND totpEnabled = FALSE AND totpSecret = {:sealed} AND COALESCE(totpLastStep, 0) < {:step}`).
			Bind(dbx.Params{"step": step, "codes": stored, "now": types.NowDateTime().String(), "id": u.Id, "sealed": sealed}).
			Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errCodeUsed
		}
		return auditSelf(tx, a, access.AccountTotpEnable, map[string]any{"totpEnabled": true, "recoveryCodes": RecoveryCodeCount})
	})
	return codes, err
}

// Disable turns the actor's own two-factor sign-in off, proven by a current code or,
// instead, one of their recovery codes: the password alone is not enough, since it is
// the factor left. The proof is checked under the lockout (verifySecondFactor), before
// the transaction, which then requires the same secret to be still on.
// Errors: 409 no_mfa, 409 mfa_required (the organisation requires it), 409
// totp_key_mismatch (a code, when the secret is sealed under another key: a recovery
// code still works), 400 code (required, invalid_code, code_used), 400 recoveryCode.
func Disable(app core.App, a access.Actor, code, recoveryCode string) error {
	u, err := totpUser(app, a)
	if err != nil {
		return err
	}
	if err := mfaOptional(app, a); err != nil {
		return err
	}
	if err := verifySecondFactor(app, u, code, recoveryCode); err != nil {
		return err
	}
	checked := u.GetString("totpSecret")
	return app.RunInTransaction(func(tx core.App) error {
		if err := mfaOptional(tx, a); err != nil {
			return err
		}
		u, err := totpUser(tx, a)
		if err != nil {
			return err
		}
		if u.GetString("totpSecret") != checked {
			return errNoMFA // turned off, and maybe on again, meanwhile
		}
		clearTOTP(u)
		if err := tx.Save(u); err != nil {
			return err
		}
		proof := "code"
		if recoveryCode != "" {
			proof = "recoveryCode"
		}
		return auditSelf(tx, a, access.AccountTotpDisable, map[string]any{"totpEnabled": false, "proof": proof})
	})
}

// RegenerateRecoveryCodes replaces the actor's recovery codes, proven by a current code
// under the lockout (verifySecondFactor), before the transaction.
// Errors: 409 no_mfa, 409 totp_key_mismatch, 400 code.
func RegenerateRecoveryCodes(app core.App, a access.Actor, code string) ([]string, error) {
	u, err := totpUser(app, a)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) == "" {
		return nil, fail.Invalid("code", "required", "Enter the code from your authenticator app.")
	}
	if err := verifySecondFactor(app, u, code, ""); err != nil {
		return nil, err
	}
	codes, stored, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		res, err := tx.DB().Update("users", dbx.Params{"recoveryCodes": stored, "updated": types.NowDateTime().String()},
			dbx.HashExp{"id": u.Id, "totpEnabled": true, "totpSecret": u.GetString("totpSecret")}).Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNoMFA // turned off, and maybe on again, meanwhile
		}
		return auditSelf(tx, a, access.AccountRecoveryCodes, map[string]any{"recoveryCodes": RecoveryCodeCount})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

var errNoMFA = fail.Conflict("no_mfa", "Two-factor authentication is not on.", nil)

// totpUser loads the actor's account, which must have two-factor sign-in on (409 no_mfa).
func totpUser(app core.App, a access.Actor) (*core.Record, error) {
	u, err := app.FindRecordById("users", a.User)
	if err != nil {
		return nil, err
	}
	if !u.GetBool("totpEnabled") {
		return nil, errNoMFA
	}
	return u, nil
}

// mfaOptional is 409 mfa_required when the actor's organisation requires two-factor sign-in.
func mfaOptional(app core.App, a access.Actor) error {
	org, err := app.FindRecordById("organizations", a.Org)
	if err != nil {
		return err
	}
	if org.GetBool("mfaRequired") {
		return fail.Conflict("mfa_required", "Your organisation requires two-factor authentication; it cannot be turned off.", nil)
	}
	return nil
}

// codeKeyMismatch is the code of a 409 for a TOTP secret sealed under another
// encryption key than this instance's.
const codeKeyMismatch = "totp_key_mismatch"

var (
	errInvalidCode = fail.Invalid("code", "invalid_code", "This code is not valid. Check your device's clock and try the current code.")
	errCodeUsed    = fail.Invalid("code", "code_used", "This code was already used. Wait for the next one.")

	errNoCode              = fail.Invalid("code", "required", "Enter the code from your authenticator app, or a recovery code.")
	errInvalidRecoveryCode = fail.Invalid("recoveryCode", "invalid_code", "This recovery code is not valid or was already used.")

	errKeyMismatch = fail.Conflict(codeKeyMismatch, "Codes from your authenticator app cannot be checked on this server any more: "+
		"its encryption key changed after you set up two-factor authentication. Use one of your recovery codes, "+
		"or ask an administrator to reset your two-factor authentication.", nil)
	errSetupKeyMismatch = fail.Conflict(codeKeyMismatch, "This two-factor setup was started under another encryption key: start the setup again.", nil)
)

// secretOf decrypts u's TOTP secret. A secret sealed under another key (a restore
// without <data>/.roster_key, a changed ROSTER_ENCRYPTION_KEY) is 409
// totp_key_mismatch, logged with the user id alone: no code can be checked against
// it, but recovery codes (hashed, not encrypted) still work and an administrator can
// reset the member's two-factor.
func secretOf(app core.App, u *core.Record) (string, error) {
	secret, err := open(app, u.GetString("totpSecret"), u.Id)
	if errors.Is(err, errWrongKey) {
		app.Logger().Warn("a TOTP secret does not decrypt with this instance's encryption key", "user", u.Id)
		return "", errKeyMismatch
	}
	return secret, err
}

// VerifyCode checks a TOTP code of a user with two-factor sign-in on and spends its
// time step: only steps after the last accepted one pass, decided by one conditional
// UPDATE, so two requests with the same code cannot both succeed.
// Errors: 400 code invalid_code or code_used; 409 totp_key_mismatch.
func VerifyCode(app core.App, u *core.Record, code string) error {
	if strings.TrimSpace(code) == "" {
		return fail.Invalid("code", "required", "Enter the code from your authenticator app.")
	}
	secret, err := secretOf(app, u)
	if err != nil {
		return err
	}
	step, ok := Match(secret, code, time.Now())
	if !ok {
		return errInvalidCode
	}
	res, err := app.DB().NewQuery(`UPDATE users SET totpLastStep = {:step}
		WHERE id = {:id} AND totpEnabled = TRUE AND COALESCE(totpLastStep, 0) < {:step}`).
		Bind(dbx.Params{"step": step, "id": u.Id}).Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errCodeUsed
	}
	u.Set("totpLastStep", step)
	return nil
}

// orgAllowsMFA: members may set up TOTP only when their organisation enabled MFA.
func orgAllowsMFA(org *core.Record) error {
	if !org.GetBool("mfaEnabled") && !org.GetBool("mfaRequired") {
		return fail.Forbidden("mfa_not_enabled", "Your organisation has not enabled two-factor authentication.")
	}
	return nil
}

// clearTOTP forgets a user's second factor: secret, recovery codes and the flag.
func clearTOTP(u *core.Record) {
	u.Set("totpSecret", "")
	u.Set("totpEnabled", false)
	u.Set("recoveryCodes", nil)
}
