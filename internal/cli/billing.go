package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"roster/internal/audit"
	"roster/internal/billing"
)

func newBillingCommand(app core.App) *cobra.Command {
	c := &cobra.Command{Use: "billing", Short: "Close billing periods into invoices"}
	c.AddCommand(newClosePeriodCommand(app))
	return c
}

func newClosePeriodCommand(app core.App) *cobra.Command {
	var slug string
	var force bool
	c := &cobra.Command{
		Use:   "close-period",
		Short: "Invoice every billing period that has ended",
		Long: `Invoices every subscription period that has ended (the daily job of 'serve' does the
same), or only the organisation named by --org. --force closes the named organisation's
current period now, even before it ends.`,
		Example:      "  roster billing close-period\n  roster billing close-period --org acme --force",
		SilenceUsage: true,
	}
	c.Flags().StringVar(&slug, "org", "", "organisation short name (slug); default: every organisation")
	c.Flags().BoolVar(&force, "force", false, "close the current period of --org even if it has not ended")
	c.RunE = migrated(app, func(cmd *cobra.Command, _ []string) error {
		results, err := billing.CloseDue(app, time.Now().UTC(), slug, force, audit.ActorSuperuser)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		var failed []error
		issued := 0
		for _, r := range results {
			for _, inv := range r.Invoices {
				issued++
				fmt.Fprintf(out, "%s: %s, %s to %s, %d lines, total %s\n", r.Slug, inv.Number,
					inv.PeriodStart, inv.PeriodEnd, inv.LineCount, billing.Money(inv.Total, inv.Currency, "en"))
			}
			if r.Err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", r.Slug, r.Err))
				fmt.Fprintf(out, "%s: failed: %v\n", r.Slug, r.Err)
			}
		}
		if issued == 0 && len(failed) == 0 {
			fmt.Fprintln(out, "No period is due.")
		}
		return errors.Join(failed...)
	})
	return c
}
