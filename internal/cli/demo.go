package cli

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"roster/internal/demo"
)

func newDemoCommand(app core.App) *cobra.Command {
	var o demo.Options
	c := &cobra.Command{
		Use:   "demo",
		Short: "Fill an organisation with realistic synthetic members, content and history",
		Long: `Adds French and English synthetic members (every role, user type and status, a year of
sign-ins), items, groups, licences and pending invitations to an organisation, creating it
(owner owner@<slug>.example) if it does not exist, and moves it to the business plan.
The same --seed gives the same people. Every demo account shares one password, printed at
the end. Everything is written in one transaction: stop the server first for large runs,
or its writes wait (and give up after 10 s).`,
		Example:      "  roster demo --org acme --members 10000 --seed 1",
		SilenceUsage: true,
	}
	c.Flags().StringVar(&o.Org, "org", "", "organisation short name (slug); created when missing (required)")
	c.Flags().IntVar(&o.Members, "members", 0, fmt.Sprintf("number of members to add, up to %d (required)", demo.MaxMembers))
	c.Flags().Int64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same people")
	c.Flags().StringVar(&o.Password, "password", "", "every demo account's password (default: a generated one)")
	c.RunE = migrated(app, func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "org", "members"); err != nil {
			return err
		}
		res, err := demo.Run(app, o)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		verb := "Added to"
		if res.Created {
			verb = "Created"
		}
		fmt.Fprintf(out, "%s %q (%s), on the %s plan.\n", verb, res.Org.GetString("name"), res.Org.GetString("slug"), demo.Plan)
		fmt.Fprintf(out, "Members added: %d (seed %d); items: %d, groups: %d, licences: %d, pending invitations: %d.\n",
			res.Added, o.Seed, res.Items, res.Groups, res.Licences, res.Invites)
		fmt.Fprintf(out, "Took %s.\n", res.Took.Round(time.Millisecond))
		if res.Created {
			fmt.Fprintf(out, "Owner: owner@%s (same password).\n", demo.Domain(res.Org.GetString("slug")))
		}
		fmt.Fprintf(out, "Every demo account's password: %s\n", res.Password)
		return nil
	})
	return c
}
