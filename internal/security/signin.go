package security

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/people"
)

// MethodTOTP is the auth method of a sign-in completed with a TOTP or recovery code.
const MethodTOTP = "totp"

// MaxCodeAttempts is how many wrong codes end a sign-in challenge (an mfaId).
const MaxCodeAttempts = 5

// attemptsCollection counts the codes tried against each challenge; its rows go with
// their challenge (cascade), which PocketBase's hourly cron removes once expired.
const attemptsCollection = "mfaAttempts"

// Challenge opens a second-step challenge for a user who passed the first factor
// (method: password, otp, oauth2) and returns its mfaId. It lives as long as the
// users collection's MFA duration (600 s). sso, for an OAuth2 sign-in, is the
// provider's identity, kept with the challenge: it is linked only once the second
// step passes (Complete returns it).
func Challenge(app core.App, user *core.Record, method string, sso *SSOIdentity) (string, error) {
	var id string
	err := app.RunInTransaction(func(tx core.App) error {
		mfa := core.NewMFA(tx)
		mfa.SetCollectionRef(user.Collection().Id)
		mfa.SetRecordRef(user.Id)
		mfa.SetMethod(method)
		if err := tx.Save(mfa); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(attemptsCollection)
		if err != nil {
			return err
		}
		row := core.NewRecord(col)
		row.Set("mfa", mfa.Id)
		row.Set("attempts", 0)
		if sso != nil {
			row.Set("ssoProvider", sso.Provider)
			row.Set("ssoProviderId", sso.ProviderID)
		}
		if err := tx.Save(row); err != nil {
			return err
		}
		id = mfa.Id
		return nil
	})
	return id, err
}

var (
	errChallengeGone  = fail.Invalid("mfaId", "mfa_expired", "This sign-in has expired. Sign in again.")
	errChallengeEnded = fail.Invalid("mfaId", "too_many_attempts", "Too many wrong codes. Sign in again.")
)

// Complete is the second step of a sign-in: a TOTP code (or, instead, a recovery code)
// for challenge mfaID. It returns the user to issue a token to and, when the sign-in
// began with an identity provider, the identity to link once it is issued. The challenge is
// single use; MaxCodeAttempts wrong codes end it; each wrong code also counts toward
// the account lockout.
// Errors: 400 mfaId (mfa_expired, too_many_attempts), 400 code (required,
// invalid_code, code_used), 400 recoveryCode (invalid_code), 409 totp_key_mismatch (the
// secret is sealed under another key: a recovery code still works).
func Complete(app core.App, mfaID, code, recoveryCode, ip string) (*core.Record, *SSOIdentity, error) {
	if code == "" && recoveryCode == "" {
		return nil, nil, errNoCode // no attempt taken
	}
	mfa, err := app.FindMFAById(mfaID)
	if err != nil {
		return nil, nil, errChallengeGone
	}
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, nil, err
	}
	if mfa.CollectionRef() != col.Id || mfa.HasExpired(col.MFA.DurationTime()) {
		return nil, nil, errChallengeGone
	}
	user, err := app.FindRecordById(col, mfa.RecordRef())
	if err != nil || !user.GetBool("totpEnabled") {
		return nil, nil, errChallengeGone
	}

	// Take one attempt before checking the code, so concurrent guesses cannot exceed the limit.
	res, err := app.DB().NewQuery("UPDATE mfaAttempts SET attempts = attempts + 1 WHERE mfa = {:mfa} AND attempts < {:max}").
		Bind(dbx.Params{"mfa": mfa.Id, "max": MaxCodeAttempts}).Execute()
	if err != nil {
		return nil, nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		endChallenge(app, mfa.Id)
		return nil, nil, errChallengeEnded
	}

	if codeErr := verifySecondFactor(app, user, code, recoveryCode); codeErr != nil {
		if _, ok := fail.As(codeErr); !ok || fail.Is(codeErr, codeKeyMismatch) {
			// Not a wrong code but an error, or a code that cannot be checked: the
			// challenge stays open (a recovery code still works).
			return nil, nil, codeErr
		}
		var attempts int
		err := app.DB().NewQuery("SELECT attempts FROM mfaAttempts WHERE mfa = {:mfa}").
			Bind(dbx.Params{"mfa": mfa.Id}).Row(&attempts)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, err
		}
		if err != nil || attempts >= MaxCodeAttempts {
			endChallenge(app, mfa.Id)
			return nil, nil, errChallengeEnded
		}
		return nil, nil, codeErr
	}

	var sso SSOIdentity
	err = app.DB().NewQuery("SELECT ssoProvider, ssoProviderId FROM mfaAttempts WHERE mfa = {:mfa}").
		Bind(dbx.Params{"mfa": mfa.Id}).Row(&sso.Provider, &sso.ProviderID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, err
	}
	// The challenge is single use: the first request to delete it wins.
	if n := endChallenge(app, mfa.Id); n != 1 {
		return nil, nil, errChallengeGone
	}
	if recoveryCode != "" {
		auditRecoveryCode(app, user, ip)
	}
	if sso.Provider == "" {
		return user, nil, nil
	}
	return user, &sso, nil
}

// auditRecoveryCode records that a recovery code was spent: the member's
// administrators can see a lost device coming.
func auditRecoveryCode(app core.App, user *core.Record, ip string) {
	m, err := people.MembershipOf(app, user.Id)
	if err != nil {
		return // no organisation: the sign-in gate refuses it anyway
	}
	u, err := app.FindRecordById("users", user.Id)
	if err != nil {
		return
	}
	label := people.Label(u.GetString("givenName"), u.GetString("familyName"), u.Email())
	err = audit.Write(app, audit.Entry{
		Org: m.GetString("org"), Actor: m.Id, ActorLabel: label, Action: access.AccountRecoveryCodeUsed,
		TargetType: "membership", TargetID: m.Id, TargetLabel: label,
		Details: map[string]any{"after": map[string]any{"recoveryCodesLeft": RecoveryCodesLeft(u)}}, IP: ip,
	})
	if err != nil {
		app.Logger().Error("auditing a recovery code", "error", err)
	}
}

// endChallenge deletes a challenge and its attempt counter; it returns how many
// challenges it deleted (0 when another request got there first).
func endChallenge(app core.App, mfaID string) int64 {
	res, err := app.DB().NewQuery("DELETE FROM _mfas WHERE id = {:id}").Bind(dbx.Params{"id": mfaID}).Execute()
	if err != nil {
		app.Logger().Error("ending a sign-in challenge", "error", err)
		return 0
	}
	n, _ := res.RowsAffected()
	if _, err := app.DB().NewQuery("DELETE FROM mfaAttempts WHERE mfa = {:id}").Bind(dbx.Params{"id": mfaID}).Execute(); err != nil {
		app.Logger().Error("ending a sign-in challenge", "error", err)
	}
	return n
}
