package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The invitee's names, as the inviter wrote them ("Marc Membre <marc@example.org>", or a
// CSV's givenName and familyName columns): the invitation keeps them so that the join
// page can fill in the form, and a resent mail still greets the person by name. The
// same limits as the account's names (users.givenName, familyName).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "givenName", Max: 100}, &core.TextField{Name: "familyName", Max: 100})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("givenName")
		c.Fields.RemoveByName("familyName")
		return app.Save(c)
	})
}
