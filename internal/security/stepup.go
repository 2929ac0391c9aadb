package security

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
)

// StepUp re-proves the signed-in user inside a sensitive request (ownership transfer,
// own email change): the password must match and, when two-factor sign-in is on, code
// must be a current TOTP code not used before (it is spent). Pass the user as loaded
// for this request. Errors: 403 step_up_failed (which proof failed is not said), 409
// totp_key_mismatch (the password was right but the TOTP secret is sealed under another key).
func StepUp(app core.App, user *core.Record, password, code string) error {
	refused := fail.Forbidden("step_up_failed", "Confirm with your password, and your authenticator code if you use one.")
	u, err := app.FindRecordById("users", user.Id)
	if err != nil {
		return err
	}
	if password == "" || !u.ValidatePassword(password) {
		return refused
	}
	if !u.GetBool("totpEnabled") {
		return nil
	}
	if err := VerifyCode(app, u, code); err != nil {
		if _, ok := fail.As(err); ok && !fail.Is(err, codeKeyMismatch) {
			return refused
		}
		return err // the password was right: the member learns the code cannot be checked
	}
	return nil
}
