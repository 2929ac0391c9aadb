package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cobra"

	"roster/internal/audit"
	"roster/internal/members"
	"roster/internal/orgs"
	"roster/internal/security"
)

func newOrgCommand(app core.App) *cobra.Command {
	c := &cobra.Command{Use: "org", Short: "Create and list organisations, transfer their ownership"}
	c.AddCommand(newOrgCreateCommand(app), newOrgListCommand(app), newOrgTransferCommand(app))
	return c
}

func newOrgCreateCommand(app core.App) *cobra.Command {
	var in orgs.New
	c := &cobra.Command{
		Use:          "create",
		Short:        "Create an organisation and its owner",
		SilenceUsage: true,
	}
	c.Flags().StringVar(&in.Name, "name", "", "organisation name (required)")
	c.Flags().StringVar(&in.Slug, "slug", "", "short name (default: from the name)")
	c.Flags().StringVar(&in.Plan, "plan", "team", "plan code: starter, team or business")
	c.Flags().StringVar(&in.Language, "language", "en", "default language: fr or en")
	c.Flags().StringVar(&in.Owner.Email, "owner-email", "", "owner's email address (required)")
	c.Flags().StringVar(&in.Owner.Password, "owner-password", "", "owner's password (default: a temporary one, printed once)")
	c.Flags().StringVar(&in.Owner.GivenName, "owner-given-name", "", "owner's given name")
	c.Flags().StringVar(&in.Owner.FamilyName, "owner-family-name", "", "owner's family name")
	c.RunE = migrated(app, func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "name", "owner-email"); err != nil {
			return err
		}
		temporary := in.Owner.Password == ""
		if temporary {
			in.Owner.Password = security.TemporaryPassword()
		}
		created, err := orgs.Create(app, in, audit.ActorSuperuser, "")
		if err != nil {
			return err
		}
		if temporary {
			created.User.Set("mustChangePassword", true)
			created.User.Set("tempPasswordExpires", types.NowDateTime().Add(24*time.Hour))
			if err := app.Save(created.User); err != nil {
				return err
			}
		}
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "Created %q (%s), owner %s.\n", created.Org.GetString("name"), created.Org.GetString("slug"), created.User.Email())
		if temporary {
			fmt.Fprintf(out, "Temporary password (shown once, valid 24 h, must be changed at first sign-in): %s\n", in.Owner.Password)
		}
		return nil
	})
	return c
}

func newOrgListCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:          "list",
		Short:        "List organisations with their plan, seats and owner",
		SilenceUsage: true,
		RunE: migrated(app, func(cmd *cobra.Command, _ []string) error {
			var rows []struct {
				Slug    string `db:"slug"`
				Name    string `db:"name"`
				Plan    string `db:"plan"`
				Members int    `db:"members"`
				Owner   string `db:"owner"`
			}
			err := app.DB().NewQuery(`SELECT o.slug, o.name, COALESCE(p.code, '') AS plan,
				(SELECT count(*) FROM memberships m WHERE m.org = o.id) AS members,
				COALESCE((SELECT u.email FROM memberships m JOIN users u ON u.id = m.user WHERE m.org = o.id AND m.role = {:owner}), '') AS owner
				FROM organizations o LEFT JOIN subscriptions s ON s.org = o.id LEFT JOIN plans p ON p.id = s.plan
				ORDER BY o.slug`).Bind(dbx.Params{"owner": "owner"}).All(&rows)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SLUG\tNAME\tPLAN\tMEMBERS\tOWNER")
			for _, r := range rows {
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", r.Slug, r.Name, r.Plan, r.Members, r.Owner)
			}
			return w.Flush()
		}),
	}
}

// newOrgTransferCommand is the instance operator's break-glass: it hands an
// organisation to one of its members without the owner (audited as "superuser"; the
// former owner becomes an administrator and their sessions end).
func newOrgTransferCommand(app core.App) *cobra.Command {
	var slug, email string
	c := &cobra.Command{
		Use:          "transfer-ownership",
		Short:        "Make a member the owner of an organisation (break-glass; the owner becomes an administrator)",
		SilenceUsage: true,
	}
	c.Flags().StringVar(&slug, "org", "", "the organisation's short name (required)")
	c.Flags().StringVar(&email, "to", "", "email address of the member who becomes the owner (required)")
	c.RunE = migrated(app, func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "org", "to"); err != nil {
			return err
		}
		t, err := members.TransferOwnershipByOperator(app, slug, email)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s (%s) now owns %s; %s (%s) is an administrator and has been signed out.\n",
			t.To.Name, t.To.Email, slug, t.From.Name, t.From.Email)
		return nil
	})
	return c
}
