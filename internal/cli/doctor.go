package cli

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"roster/internal/doctor"
)

func newDoctorCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the database and every invariant; exits non-zero on any violation",
		Long: `Runs SQLite's integrity_check and foreign_key_check, then Roster's invariants: exactly
one active owner per organisation; billed seats = members = ledger replay = subscription
cache; one memberIndex and one membersSearch row per membership; member counters =
memberIndex; accepted invitations point to a member or a recorded removal; every audit
hash chain; orphan files in storage; credits taken ≤ credit pool; every role allowed by its
user type; no partner access on disabled members; billed seats ≤ plan seats; every account
has a membership.
Prints one line per check. Read-only.`,
		SilenceUsage: true,
		RunE: migrated(app, func(cmd *cobra.Command, _ []string) error {
			rep, err := doctor.Run(app)
			if err != nil {
				return err
			}
			rep.Write(cmd.OutOrStdout())
			if !rep.OK() {
				return fmt.Errorf("doctor found %d problem(s)", rep.Problems())
			}
			return nil
		}),
	}
}
