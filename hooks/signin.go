package hooks

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/invites"
	"roster/internal/security"
	"roster/internal/throttle"
)

// bindSignIn binds the rest of the sign-in path: the password lockout, the limit on
// concurrent password checks, enterprise sign-in (OIDC) for existing accounts only,
// and the forgot-password mails.
func bindSignIn(app core.App) {
	bindLockout(app)
	bindHashSlots(app)
	bindSSO(app)
	bindPasswordReset(app)
}

// failedAuth is PocketBase's own answer to a wrong password, so that a locked account,
// an SSO account and a wrong password cannot be told apart.
func failedAuth() error { return apis.NewBadRequestError("Failed to authenticate.", nil) }

// bindLockout replaces PocketBase's password check for users with the one under the
// lockout (security.VerifyPassword, shared by every password check). A locked account,
// and an SSO account (which signs in only through its identity provider), get the same
// answer as a wrong password, after the same bcrypt comparison, so neither timing nor
// message tells them apart. Unknown identities go on to PocketBase (its dummy check).
// It runs last among the handlers and issues the response itself, so the password is
// compared once. Both bcrypt checks, ours and PocketBase's dummy one, run in a slot of
// throttle.Passwords (only the check: the response and its writes are not held up).
func bindLockout(app core.App) {
	app.OnRecordAuthWithPasswordRequest("users").Bind(&hook.Handler[*core.RecordAuthWithPasswordRequestEvent]{
		Id:       "rosterPasswordLockout",
		Priority: 1000,
		Func: func(e *core.RecordAuthWithPasswordRequestEvent) error {
			ctx := e.Request.Context()
			if e.Record == nil {
				// PocketBase's answer to an unknown identity, after its dummy check.
				return interrupted(throttle.Passwords.Do(ctx, e.Next))
			}
			if e.Record.GetString("authSource") == "sso" {
				// No attempt at a password nobody knows: nothing counted.
				if _, err := throttle.ValidatePassword(ctx, e.Record, e.Password); err != nil {
					return interrupted(err)
				}
				return failedAuth()
			}
			ok, err := security.VerifyPassword(ctx, e.App, e.Record, e.Password)
			if err != nil {
				return interrupted(err)
			}
			if !ok {
				return failedAuth()
			}
			return apis.RecordAuthResponse(e.RequestEvent, e.Record, core.MFAMethodPassword, nil)
		},
	})
}

// bindHashSlots puts the password check of every other auth collection (the
// operator's _superusers), which PocketBase runs inside e.Next with the response, in
// a slot of throttle.Passwords; users are done by bindLockout. Every other request
// (not a sign-in, not a realtime stream) is marked as served, so that the limiter
// keeps one slot for them. That path test only sorts requests for the kept slot, and no
// rule depends on it: the lockout and every password check's slot are bound to the
// auth events, so they hold however a request names the collection (Users, an id).
func bindHashSlots(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if p := e.Request.URL.Path; strings.Contains(p, "/auth-with-") || strings.HasPrefix(p, "/api/auth/") ||
				p == "/api/realtime" {
				return e.Next()
			}
			defer throttle.Passwords.Serving()()
			return e.Next()
		})
		return se.Next()
	})
	app.OnRecordAuthWithPasswordRequest().BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		if e.Collection.Name == "users" {
			return e.Next()
		}
		return interrupted(throttle.Passwords.Do(e.Request.Context(), e.Next))
	})
}

// interrupted answers a sign-in whose request ended while it waited for a hash slot
// (503: nobody is there to read it); other errors pass through.
func interrupted(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return router.NewApiError(http.StatusServiceUnavailable, "The sign-in was interrupted. Try again.", nil)
	}
	return err
}

// bindSSO applies the operator's OIDC provider (environment) at bootstrap and after
// every reload of the collections, and lets OAuth2 sign in only accounts that already
// exist (public sign-up is closed: accounts come from invitations), of organisations
// that enabled it (the sign-in gate). An account becomes an SSO account (authSource
// sso), linked to the provider's identity, only once its sign-in has succeeded.
func bindSSO(app core.App) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return security.ConfigureOIDC(e.App)
	})
	reapply := func(app core.App) {
		if err := security.ApplyOIDC(app); err != nil {
			app.Logger().Error("applying the OIDC provider", "error", err)
		}
	}
	app.OnCollectionAfterCreateSuccess().BindFunc(func(e *core.CollectionEvent) error { reapply(e.App); return e.Next() })
	app.OnCollectionAfterUpdateSuccess().BindFunc(func(e *core.CollectionEvent) error { reapply(e.App); return e.Next() })
	app.OnCollectionAfterDeleteSuccess().BindFunc(func(e *core.CollectionEvent) error { reapply(e.App); return e.Next() })

	app.OnRecordAuthWithOAuth2Request("users").BindFunc(func(e *core.RecordAuthWithOAuth2RequestEvent) error {
		if e.IsNewRecord || e.Record == nil {
			if err := joinWithSSO(e); err != nil {
				return err
			}
		}
		return signInWithSSO(e)
	})
}

// signInWithSSO answers an OAuth2 sign-in of e.Record through the sign-in gate, in
// place of PocketBase's own submit (e.Next), which would link the provider's identity
// to the account before the gate has even run: the gate links it once the token is
// issued (SetPendingSSO). An identity not linked to this account yet must vouch for the
// account's own address (403 email_mismatch): a signed-in member cannot attach another
// person's identity to their account.
func signInWithSSO(e *core.RecordAuthWithOAuth2RequestEvent) error {
	id := security.SSOIdentity{Provider: e.ProviderName, ProviderID: e.OAuth2User.Id}
	link, err := e.App.FindFirstExternalAuthByExpr(dbx.HashExp{"collectionRef": e.Collection.Id,
		"provider": id.Provider, "providerId": id.ProviderID})
	if (err != nil || link.RecordRef() != e.Record.Id) && !strings.EqualFold(e.OAuth2User.Email, e.Record.Email()) {
		return refuse("Your organisation's sign-in vouched for another address than this account's: sign in there with yours.", "email_mismatch")
	}
	security.SetPendingSSO(e.RequestEvent, id)
	return apis.RecordAuthResponse(e.RequestEvent, e.Record, core.MFAMethodOAuth2, map[string]any{"isNew": e.IsNewRecord})
}

// joinWithSSO is OAuth2 for an address with no account: refused (403 no_account) unless
// the request carries a pending invitation (createData.inviteToken) for the address the
// provider verified, of an organisation that enabled enterprise sign-in, which is then
// accepted as the join form does (invites.AcceptSSO, one transaction); it sets e.Record
// to the new account, which signInWithSSO signs in. PocketBase's own sign-up path (the
// users createRule) is never used.
func joinWithSSO(e *core.RecordAuthWithOAuth2RequestEvent) error {
	token, _ := e.CreateData["inviteToken"].(string)
	if token == "" {
		return refuse("There is no account for this address here. Ask your organisation for an invitation.", "no_account")
	}
	id := invites.Identity{Email: e.OAuth2User.Email}
	if e.OAuth2User.RawUser != nil {
		id.GivenName, _ = e.OAuth2User.RawUser["given_name"].(string)
		id.FamilyName, _ = e.OAuth2User.RawUser["family_name"].(string)
	}
	if id.GivenName == "" && id.FamilyName == "" {
		id.GivenName = e.OAuth2User.Name
	}
	id.Language, _ = e.CreateData["language"].(string)
	user, err := invites.AcceptSSO(e.App, token, id, e.RealIP())
	if err != nil {
		return apiError(err) // the same answers as the join form's
	}
	e.Record, err = e.App.FindRecordById("users", user.Id)
	return err
}

// bindPasswordReset sends the forgot-password mail from Roster's fr/en templates,
// linking to the web app (not PocketBase's dashboard), and records what a completed
// reset means (no temporary password any more, lockout lifted).
func bindPasswordReset(app core.App) {
	app.OnMailerRecordPasswordResetSend("users").BindFunc(func(e *core.MailerRecordEvent) error {
		token, _ := e.Meta["token"].(string)
		return security.ResetMail(e.App, e.Record, token) // instead of PocketBase's mail
	})
	app.OnRecordConfirmPasswordResetRequest("users").BindFunc(func(e *core.RecordConfirmPasswordResetRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if err := security.AfterReset(e.App, e.Record); err != nil {
			e.App.Logger().Error("after a password reset", "error", err)
		}
		return nil
	})
}
