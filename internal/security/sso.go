package security

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
)

// OIDCProvider is the provider name enterprise sign-in uses
// (POST /api/collections/users/auth-with-oauth2 {"provider": "oidc", …}).
const OIDCProvider = "oidc"

const oidcStoreKey = "roster.security.oidc"

// ConfigureOIDC reads the instance operator's OpenID Connect provider from the
// environment and enables it on the users collection, in memory (the client secret is
// not written to the database). ROSTER_OIDC_CLIENT_ID turns it on; endpoints come from
// ROSTER_OIDC_AUTH_URL, _TOKEN_URL and _USERINFO_URL, or are discovered from
// ROSTER_OIDC_ISSUER's /.well-known/openid-configuration. ROSTER_OIDC_NAME is the
// button's label. Call ApplyOIDC again whenever the collections are reloaded.
func ConfigureOIDC(app core.App) error {
	id := strings.TrimSpace(os.Getenv("ROSTER_OIDC_CLIENT_ID"))
	if id == "" {
		app.Store().Remove(oidcStoreKey)
		return nil
	}
	cfg := core.OAuth2ProviderConfig{
		Name:         OIDCProvider,
		ClientId:     id,
		ClientSecret: os.Getenv("ROSTER_OIDC_CLIENT_SECRET"),
		AuthURL:      os.Getenv("ROSTER_OIDC_AUTH_URL"),
		TokenURL:     os.Getenv("ROSTER_OIDC_TOKEN_URL"),
		UserInfoURL:  os.Getenv("ROSTER_OIDC_USERINFO_URL"),
		DisplayName:  os.Getenv("ROSTER_OIDC_NAME"),
	}
	if cfg.DisplayName == "" {
		cfg.DisplayName = "Enterprise sign-in"
	}
	if issuer := strings.TrimRight(os.Getenv("ROSTER_OIDC_ISSUER"), "/"); issuer != "" {
		cfg.Extra = map[string]any{"issuers": []string{issuer}}
		if cfg.AuthURL == "" || cfg.TokenURL == "" {
			if err := discover(issuer, &cfg); err != nil {
				// The provider may be down while Roster starts: sign-in with passwords
				// must still work, so this is reported, not fatal.
				fmt.Fprintf(os.Stderr, "roster: enterprise sign-in is off: OIDC discovery at %s failed: %v\n", issuer, err)
				app.Logger().Error("OIDC discovery failed; enterprise sign-in is off", "issuer", issuer, "error", err)
				app.Store().Remove(oidcStoreKey)
				return nil
			}
		}
	}
	if cfg.AuthURL == "" || cfg.TokenURL == "" {
		return fmt.Errorf("ROSTER_OIDC_CLIENT_ID is set: set ROSTER_OIDC_ISSUER, or ROSTER_OIDC_AUTH_URL and ROSTER_OIDC_TOKEN_URL")
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("OIDC provider: %w", err)
	}
	app.Store().Set(oidcStoreKey, cfg)
	return ApplyOIDC(app)
}

// ApplyOIDC puts the configured provider (if any) on the cached users collection.
func ApplyOIDC(app core.App) error {
	cfg, ok := app.Store().Get(oidcStoreKey).(core.OAuth2ProviderConfig)
	if !ok {
		return nil
	}
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	providers := []core.OAuth2ProviderConfig{cfg}
	for _, p := range col.OAuth2.Providers {
		if p.Name != OIDCProvider {
			providers = append(providers, p)
		}
	}
	col.OAuth2.Providers = providers
	col.OAuth2.Enabled = true
	return nil
}

// discover fills the endpoints from the issuer's OpenID configuration.
func discover(issuer string, cfg *core.OAuth2ProviderConfig) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("discovery answered %d", res.StatusCode)
	}
	var d struct {
		Auth     string `json:"authorization_endpoint"`
		Token    string `json:"token_endpoint"`
		UserInfo string `json:"userinfo_endpoint"`
		JWKS     string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		return err
	}
	if cfg.AuthURL == "" {
		cfg.AuthURL = d.Auth
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = d.Token
	}
	if cfg.UserInfoURL == "" {
		cfg.UserInfoURL = d.UserInfo
	}
	if d.JWKS != "" {
		cfg.Extra["jwksURL"] = d.JWKS
	}
	return nil
}

// OIDCName is the enterprise sign-in's label, "" when the operator configured none.
func OIDCName(app core.App) string {
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil || !col.OAuth2.Enabled {
		return ""
	}
	cfg, ok := col.OAuth2.GetProviderConfig(OIDCProvider)
	if !ok {
		return ""
	}
	return cfg.DisplayName
}

// SSOAllowed: the operator's identity provider serves only the organisations that
// enabled it (organizations.ssoEnabled); org is the account's organisation.
// Errors: 403 sso_not_enabled.
func SSOAllowed(org *core.Record) error {
	if !org.GetBool("ssoEnabled") {
		return fail.Forbidden("sso_not_enabled", "Your organisation does not use enterprise sign-in: sign in with your email and password.")
	}
	return nil
}

// SSOIdentity is the identity provider's account an OAuth2 sign-in vouched for. It is
// linked to the Roster account only once that sign-in has succeeded (LinkSSO).
type SSOIdentity struct {
	Provider   string
	ProviderID string
}

const pendingSSOKey = "roster.security.pendingSSO"

// SetPendingSSO records, for the rest of request e, that its sign-in came through
// identity id: the sign-in gate links it once a token is issued.
func SetPendingSSO(e *core.RequestEvent, id SSOIdentity) { e.Set(pendingSSOKey, id) }

// PendingSSO is the identity SetPendingSSO recorded for request e, if any.
func PendingSSO(e *core.RequestEvent) (SSOIdentity, bool) {
	id, ok := e.Get(pendingSSOKey).(SSOIdentity)
	return id, ok
}

// LinkSSO makes u an SSO account of identity id once its sign-in has succeeded: the
// provider's identity is linked to it (PocketBase's _externalAuths, which finds the
// account at the next sign-in) and authSource becomes sso, in one transaction. It does
// nothing that is already so; an older identity of the same provider is replaced.
func LinkSSO(app core.App, u *core.Record, id SSOIdentity) error {
	return app.RunInTransaction(func(tx core.App) error {
		link, err := tx.FindFirstExternalAuthByExpr(dbx.HashExp{"collectionRef": u.Collection().Id,
			"recordRef": u.Id, "provider": id.Provider})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			link = core.NewExternalAuth(tx)
			link.SetCollectionRef(u.Collection().Id)
			link.SetRecordRef(u.Id)
			link.SetProvider(id.Provider)
		case err != nil:
			return err
		}
		if link.IsNew() || link.ProviderId() != id.ProviderID {
			link.SetProviderId(id.ProviderID)
			if err := tx.Save(link); err != nil {
				return err
			}
		}
		fresh, err := tx.FindRecordById("users", u.Id)
		if err != nil || fresh.GetString("authSource") == "sso" {
			return err
		}
		fresh.Set("authSource", "sso")
		return tx.Save(fresh)
	})
}
