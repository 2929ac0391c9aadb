package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Settings, reports and the audit viewer:
//   - organizations: the credits a new member starts with (PocketBase numbers cannot be
//     null, so "no limit" is newMemberCreditsLimited = false, as on memberships);
//   - covering indexes that let the reports add up 100 000 members' credits and a year
//     of seat ledger without reading the rows themselves;
//   - audit log indexes for the viewer's target filter and its date range (dates become
//     a range of seq through (org, at): a row's time grows with its seq).
func init() {
	m.Register(func(app core.App) error {
		orgs, err := app.FindCollectionByNameOrId("organizations")
		if err != nil {
			return err
		}
		orgs.Fields.Add(
			&core.BoolField{Name: "newMemberCreditsLimited"},
			&core.NumberField{Name: "newMemberCredits", Min: f(0)},
		)
		if err := app.Save(orgs); err != nil {
			return err
		}
		for name, indexes := range map[string][][2]string{
			"memberships": {{"idx_memberships_org_credits", "`org`, `userType`, `creditsLimited`, `creditsAllocated`, `creditsUsed`"}},
			"seatLedger":  {{"idx_seatLedger_org_at_sums", "`org`, `at`, `delta`, `monthlyDelta`"}},
			"auditLog": {
				{"idx_auditLog_org_target", "`org`, `targetId`, `seq`"},
				{"idx_auditLog_org_at", "`org`, `at`"},
			},
		} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, ix := range indexes {
				c.AddIndex(ix[0], false, ix[1], "")
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
