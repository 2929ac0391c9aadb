package security

import (
	"context"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
)

// StepUp re-proves the signed-in user inside a sensitive request (ownership transfer):
// the password must match and, when two-factor sign-in is on, code must be a current
// TOTP code not used before (it is spent). Both are checked under the lockout
// (VerifyPassword, verifySecondFactor): while the account is locked it is refused, and
// a wrong password or code counts a failure. Pass the user as loaded for this request;
// call it outside a transaction. Errors: 403 step_up_failed (which proof failed, or
// that the account is locked, is not said), 409 totp_key_mismatch (the password was
// right but the TOTP secret is sealed under another key).
func StepUp(ctx context.Context, app core.App, user *core.Record, password, code string) error {
	refused := fail.Forbidden("step_up_failed", "Confirm with your password, and your authenticator code if you use one.")
	u, err := app.FindRecordById("users", user.Id)
	if err != nil {
		return err
	}
	ok, err := VerifyPassword(ctx, app, u, password)
	if err != nil {
		return err
	}
	if !ok {
		return refused
	}
	if !u.GetBool("totpEnabled") {
		return nil
	}
	if err := verifySecondFactor(app, u, code, ""); err != nil {
		if _, ok := fail.As(err); ok && !fail.Is(err, codeKeyMismatch) {
			return refused
		}
		return err // the password was right: the member learns the code cannot be checked
	}
	return nil
}
