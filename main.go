// Roster: an organisation's members tab in one binary. This file is wiring only.
package main

import (
	"os"

	"github.com/pocketbase/pocketbase"

	"roster/hooks"
	"roster/internal/api"
	"roster/internal/billing"
	"roster/internal/cli"
	"roster/internal/invites"
	"roster/internal/mail"
	"roster/internal/storage"
	"roster/internal/throttle"
	_ "roster/pb_migrations"
)

func main() {
	throttle.SpareProc()
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false, DefaultDataDir: cli.DataDir()})
	storage.Register(app)
	mail.Register(app)
	hooks.Register(app)
	api.Register(app)
	billing.Register(app)
	invites.Register(app)
	os.Exit(cli.Execute(app))
}
