// Package cli owns Roster's command line: PocketBase's serve, superuser and migrate,
// plus org, demo and audit commands. Execute returns a non-zero exit code when any
// command fails, which PocketBase v0.39 alone does not.
package cli

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/cobra"
)

// DataDir is where the database lives unless --dir says otherwise.
func DataDir() string {
	if d := os.Getenv("ROSTER_DATA_DIR"); d != "" {
		return d
	}
	return "roster_data"
}

// Execute adds Roster's commands to app, runs the one named on the command line, and
// returns the process exit code.
func Execute(app *pocketbase.PocketBase) int {
	root := app.RootCmd
	root.Use = "roster"
	root.Short = "Roster: an organisation's members, invitations, seats and audit log in one binary"
	bindServe(app)
	root.AddCommand(cmd.NewServeCommand(app, true), cmd.NewSuperuserCommand(app),
		newOrgCommand(app), newAuditCommand(app), newDemoCommand(app), newInviteCommand(app), newBillingCommand(app), newDoctorCommand(app))
	migratecmd.MustRegister(app, root, migratecmd.Config{Dir: "pb_migrations", Automigrate: false})

	var failed error
	record := func(err error) error {
		if err != nil && failed == nil {
			failed = err
		}
		return err
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return record(err) })
	wrap(root, record)

	// PocketBase ignores cobra's own errors (unknown command): check before running.
	if _, _, err := root.Find(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1
	}
	if err := app.Execute(); err != nil {
		record(err)
	}
	if failed != nil {
		return 1
	}
	return 0
}

// wrap makes every command report its error to record.
func wrap(c *cobra.Command, record func(error) error) {
	if run := c.RunE; run != nil {
		c.RunE = func(cc *cobra.Command, args []string) error { return record(run(cc, args)) }
	}
	for _, sub := range c.Commands() {
		wrap(sub, record)
	}
}

// migrated runs Roster's migrations before a custom command: PocketBase's bootstrap
// applies only its own.
func migrated(app core.App, run func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := app.RunAppMigrations(); err != nil {
			return err
		}
		return run(cmd, args)
	}
}

// requireFlags fails when a named flag was not given. (cobra's MarkFlagRequired fails
// outside RunE, where PocketBase would swallow the error and exit 0.)
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			return fmt.Errorf("required flag --%s not set", n)
		}
	}
	return nil
}
