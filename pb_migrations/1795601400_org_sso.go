package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Enterprise sign-in per organisation (docs/reliability.md §9): the operator's identity provider
// serves only the organisations whose owner enabled it (organizations.ssoEnabled). An
// organisation that already has SSO accounts was using it: it starts enabled, so they
// still sign in; every other one starts disabled. A sign-in challenge opened by an
// OAuth2 sign-in keeps the provider's identity it is to link once the second step
// passes (mfaAttempts.ssoProvider, ssoProviderId).
func init() {
	m.Register(func(app core.App) error {
		orgs, err := app.FindCollectionByNameOrId("organizations")
		if err != nil {
			return err
		}
		orgs.Fields.Add(&core.BoolField{Name: "ssoEnabled"})
		if err := app.Save(orgs); err != nil {
			return err
		}
		_, err = app.DB().NewQuery(`UPDATE organizations SET ssoEnabled = TRUE WHERE id IN (
			SELECT m.org FROM memberships m JOIN users u ON u.id = m.user WHERE u.authSource = 'sso')`).Execute()
		if err != nil {
			return err
		}
		attempts, err := app.FindCollectionByNameOrId("mfaAttempts")
		if err != nil {
			return err
		}
		attempts.Fields.Add(
			&core.TextField{Name: "ssoProvider", Max: 100},
			&core.TextField{Name: "ssoProviderId", Max: 255},
		)
		return app.Save(attempts)
	}, nil)
}
