package security

import (
	"context"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/fail"
	"roster/internal/throttle"
)

// The lockout (docs/reliability.md §9) is one for every proof of an account: the password and
// the second step at sign-in, and the password or code a signed-in request asks for
// (password change, step-up, turning two-factor off, new recovery codes).
// MaxFailures consecutive failures, wrong passwords and wrong codes alike, lock the
// account for LockDuration. While it is locked every proof is refused with the answer
// a wrong one gets, so the lock is not disclosed. Only a complete sign-in resets the
// count (hooks): a right password inside a signed-in request does not, or someone who
// knows the password could guess the second factor for ever.
const (
	MaxFailures  = 10
	LockDuration = 15 * time.Minute
)

// Locked reports whether the account is locked at now.
func Locked(user *core.Record, now time.Time) bool {
	until := user.GetDateTime("lockedUntil")
	return !until.IsZero() && now.Before(until.Time())
}

// RecordFailure counts one failed proof; the MaxFailures-th locks the account and
// starts the count again. One UPDATE, so concurrent failures all count.
func RecordFailure(app core.App, userID string) error {
	until := types.NowDateTime().Add(LockDuration).String()
	_, err := app.DB().NewQuery(`UPDATE users SET
		lockedUntil = CASE WHEN COALESCE(failedLogins, 0) + 1 >= {:max} THEN {:until} ELSE lockedUntil END,
		failedLogins = CASE WHEN COALESCE(failedLogins, 0) + 1 >= {:max} THEN 0 ELSE COALESCE(failedLogins, 0) + 1 END
		WHERE id = {:id}`).
		Bind(dbx.Params{"max": MaxFailures, "until": until, "id": userID}).Execute()
	return err
}

// VerifyPassword is the one password check of an account, under the lockout: false
// while the account is locked, whatever the password, and false for a wrong password,
// which counts a failure. The bcrypt comparison always runs (in a slot of
// throttle.Passwords, given up when ctx ends), so a locked account answers in the time
// a wrong password does. An empty password is no attempt: false, not counted.
// Call it outside a transaction, whose rollback would take the failure back.
func VerifyPassword(ctx context.Context, app core.App, u *core.Record, password string) (bool, error) {
	if password == "" {
		return false, nil
	}
	ok, err := throttle.ValidatePassword(ctx, u, password)
	if err != nil {
		return false, err
	}
	if Locked(u, time.Now()) {
		return false, nil
	}
	if !ok {
		return false, RecordFailure(app, u.Id)
	}
	return true, nil
}

// verifySecondFactor checks a current TOTP code of u (two-factor sign-in on) and spends
// its time step, or instead spends one of u's recovery codes, under the lockout: while
// the account is locked the answer is a wrong code's, and a wrong code counts a
// failure. No code at all is no attempt, and a code that cannot be checked (the secret
// is sealed under another key) is not the member's failure: neither counts.
// Call it outside a transaction, whose rollback would take the failure back.
// Errors: 400 code (required, invalid_code, code_used), 400 recoveryCode
// (invalid_code), 409 totp_key_mismatch.
func verifySecondFactor(app core.App, u *core.Record, code, recoveryCode string) error {
	if strings.TrimSpace(code) == "" && strings.TrimSpace(recoveryCode) == "" {
		return errNoCode
	}
	if Locked(u, time.Now()) {
		if recoveryCode != "" {
			return errInvalidRecoveryCode
		}
		return errInvalidCode
	}
	var err error
	if recoveryCode != "" {
		var ok bool
		if ok, err = useRecoveryCode(app, u.Id, recoveryCode); err == nil && !ok {
			err = errInvalidRecoveryCode
		}
	} else {
		err = VerifyCode(app, u, code)
	}
	if _, wrong := fail.As(err); !wrong || fail.Is(err, codeKeyMismatch) {
		return err
	}
	if failure := RecordFailure(app, u.Id); failure != nil {
		return failure
	}
	return err
}
