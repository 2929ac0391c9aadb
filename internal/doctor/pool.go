package doctor

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/billing"
)

// creditPools checks that in every organisation that budgets credits, its members take
// no more than its pool: allocations, and what members without a limit used
// (billing.PoolOf).
func creditPools(app core.App) (Check, error) {
	c := Check{Name: "credits taken ≤ credit pool"}
	all, err := app.FindAllRecords("organizations")
	if err != nil {
		return c, err
	}
	for _, o := range all {
		if !o.GetBool("creditBudgeting") {
			continue
		}
		c.Checked++
		p, err := billing.PoolOf(app, o)
		if err != nil {
			return c, err
		}
		if p.Allocated > p.Size+1e-9 {
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: members take %.10g credits from a pool of %.10g", o.GetString("slug"), p.Allocated, p.Size))
		}
	}
	return c, nil
}
