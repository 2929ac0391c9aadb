package cli

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"roster/internal/audit"
)

func newAuditCommand(app core.App) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "Check the audit log"}
	c.AddCommand(&cobra.Command{
		Use:          "verify",
		Short:        "Verify every organisation's audit hash chain; exits non-zero if one is broken",
		SilenceUsage: true,
		RunE: migrated(app, func(cmd *cobra.Command, _ []string) error {
			reports, err := audit.VerifyAll(app)
			if err != nil {
				return err
			}
			broken := 0
			for _, r := range reports {
				fmt.Fprintln(cmd.OutOrStdout(), r)
				if !r.OK {
					broken++
				}
			}
			if broken > 0 {
				return errors.New("audit log tampered with: see the broken chains above")
			}
			return nil
		}),
	})
	return c
}
