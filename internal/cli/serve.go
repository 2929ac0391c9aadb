package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/orgs"
)

// bindServe configures the server at start: no PocketBase installer link, the public
// URL from ROSTER_APP_URL, and on a fresh instance a one-time setup link on stdout.
func bindServe(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.InstallerFunc = nil
		if u := strings.TrimRight(os.Getenv("ROSTER_APP_URL"), "/"); u != "" {
			se.App.Settings().Meta.AppURL = u
		}
		if err := se.Next(); err != nil {
			return err
		}
		if !orgs.Needed(se.App) {
			return nil
		}
		token, err := orgs.StartSetup(se.App)
		if err != nil {
			return err
		}
		base := os.Getenv("ROSTER_APP_URL")
		if base == "" {
			base = "http://" + se.Server.Addr
		}
		fmt.Printf("\nWelcome to Roster. Open this link to create your organisation (valid for %s):\n%s/setup?token=%s\n\n",
			orgs.SetupTTL, strings.TrimRight(base, "/"), token)
		return nil
	})
}
