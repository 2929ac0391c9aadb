package doctor_test

import (
	"strings"
	"testing"
)

// An organisation over its credit pool, made by raw SQL as a bug or a hand edit would
// (the pool lowered, an allocation raised, a member without a limit spending past it),
// is named by its own check.
func TestCreditPoolOverrunIsReported(t *testing.T) {
	for name, sql := range map[string]string{
		"the pool lowered": `UPDATE organizations SET creditsPool = 10 WHERE slug = 'carto'`,
		"an allocation raised": `UPDATE memberships SET creditsLimited = 1, creditsAllocated = 1e9
			WHERE id = (SELECT min(id) FROM memberships WHERE org = (SELECT id FROM organizations WHERE slug = 'carto'))`,
		"a member without a limit spending": `UPDATE memberships SET creditsUsed = 1e9
			WHERE id = (SELECT min(id) FROM memberships WHERE creditsLimited = 0 AND org = (SELECT id FROM organizations WHERE slug = 'carto'))`,
	} {
		t.Run(name, func(t *testing.T) {
			app := healthy(t)
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				t.Fatal(err)
			}
			rep, out := run(t, app)
			for _, c := range rep.Checks {
				if strings.Contains(c.Name, "credit pool") && len(c.Problems) == 1 && strings.HasPrefix(c.Problems[0], "org carto: members take ") {
					return
				}
			}
			t.Fatalf("not reported by the credit pool check:\n%s", out)
		})
	}
}
