package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/orgs"
)

// pocketBaseDefaultURL is PocketBase's AppURL until someone sets one.
const pocketBaseDefaultURL = "http://localhost:8090"

// bindServe configures the server at start: no PocketBase installer link, the public
// URL from ROSTER_APP_URL (else the listen address), and on a fresh instance a one-time setup link on stdout.
func bindServe(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.InstallerFunc = nil
		meta := &se.App.Settings().Meta
		if u := strings.TrimRight(os.Getenv("ROSTER_APP_URL"), "/"); u != "" {
			meta.AppURL = u
		} else if meta.AppURL == "" || meta.AppURL == pocketBaseDefaultURL {
			meta.AppURL = "http://" + se.Server.Addr // links in mails and answers point here
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
		fmt.Printf("\nWelcome to Roster. Open this link to create your organisation (valid for %s):\n%s/setup?token=%s\n\n",
			orgs.SetupTTL, strings.TrimRight(meta.AppURL, "/"), token)
		return nil
	})
}
