package cli

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"roster/internal/fail"
	"roster/internal/invites"
	"roster/internal/mail"
)

func newInviteCommand(app core.App) *cobra.Command {
	var slug, email, role, userType string
	c := &cobra.Command{
		Use:   "invite",
		Short: "Invite an address to an organisation and print the join link",
		Long: `Invite an address to an organisation, as the instance operator (audited as
"superuser"), with the same checks as the web app (seats, allowed domains, existing
accounts). The join link is printed once; the invitation mail is sent too when a mail
server is configured (ROSTER_SMTP_URL).`,
		SilenceUsage: true,
	}
	c.Flags().StringVar(&slug, "org", "", "organisation short name (required)")
	c.Flags().StringVar(&email, "email", "", "address to invite (required)")
	c.Flags().StringVar(&role, "role", "", "member or admin (default: the organisation's)")
	c.Flags().StringVar(&userType, "user-type", "", "viewer, contributor, creator or professional (default: the organisation's)")
	c.RunE = migrated(app, func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "org", "email"); err != nil {
			return err
		}
		org, err := app.FindFirstRecordByData("organizations", "slug", slug)
		if err != nil {
			return fmt.Errorf("no organisation %q (see roster org list)", slug)
		}
		started := time.Now().UTC()
		res, err := invites.InviteAsOperator(app, org.Id, invites.Request{
			Rows: []invites.Row{{Email: email}}, Role: role, UserType: userType,
		})
		if err != nil {
			if fe, ok := fail.As(err); ok {
				return fmt.Errorf("%s (%s)", fe.Message, fe.Code)
			}
			return err
		}
		inv := res.Results[0].Invitation
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "Invited %s to %q as %s (%s), until %s.\n", inv.Email, org.GetString("name"), inv.Role, inv.UserType, inv.Expires)
		fmt.Fprintf(out, "Join link (shown once): %s\n", inv.Link)
		if res.Mailed {
			fmt.Fprintln(out, awaitMail(app, inv.Email, started))
		}
		return nil
	})
	return c
}

// awaitMail waits for the invitation mail to leave the outbox: it is sent after the
// commit, in the background, and this process is about to exit.
func awaitMail(app core.App, to string, since time.Time) string {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var status string
		err := app.DB().NewQuery(`SELECT status FROM mailOutbox WHERE "to" = {:to} AND template = 'invitation'
			AND at >= {:since} ORDER BY at DESC LIMIT 1`).
			Bind(dbx.Params{"to": to, "since": since.Format("2006-01-02 15:04:05.000Z")}).Row(&status)
		switch {
		case err == nil && status == mail.Sent:
			return "The invitation mail was sent."
		case err == nil && status == mail.Failed:
			return "The invitation mail could not be sent (see the outbox); hand the link over yourself."
		case time.Now().After(deadline):
			return "The invitation mail is still being sent."
		}
		time.Sleep(100 * time.Millisecond)
	}
}
