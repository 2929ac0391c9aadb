// Roster: an organisation's members tab in one binary. This file is wiring only.
package main

import (
	"os"

	"github.com/pocketbase/pocketbase"

	"roster/internal/cli"
	"roster/internal/roster"
	"roster/internal/throttle"
	_ "roster/pb_migrations"
)

func main() {
	throttle.SpareProc()
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false, DefaultDataDir: cli.DataDir()})
	roster.Bind(app)
	os.Exit(cli.Execute(app))
}
