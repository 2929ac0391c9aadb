package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Instance settings and the three seeded plans. Prices are cents per month per user type.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Roster"
		s.Meta.SenderName = "Roster"
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = []core.RateLimitRule{
			{Label: "*:auth", MaxRequests: 10, Duration: 10},
			{Label: "/api/auth/", MaxRequests: 10, Duration: 10},
			{Label: "/api/invitations/", MaxRequests: 30, Duration: 60},
			{Label: "POST /api/setup", MaxRequests: 5, Duration: 60},
			{Label: "*:create", MaxRequests: 20, Duration: 5},
			{Label: "/api/batch", MaxRequests: 3, Duration: 1},
			{Label: "/api/", MaxRequests: 300, Duration: 10},
		}
		if err := app.Save(s); err != nil {
			return err
		}

		plans, err := app.FindCollectionByNameOrId("plans")
		if err != nil {
			return err
		}
		prices := map[string]int{"viewer": 0, "contributor": 1500, "creator": 3500, "professional": 7500}
		for _, p := range []struct {
			code, name string
			maxSeats   int
			credits    int
		}{
			{"starter", "Starter", 5, 100},
			{"team", "Team", 50, 1000},
			{"business", "Business", 0, 10000},
		} {
			r := core.NewRecord(plans)
			r.Set("code", p.code)
			r.Set("name", p.name)
			r.Set("maxSeats", p.maxSeats)
			r.Set("seatPrices", prices)
			r.Set("currency", "EUR")
			r.Set("includedCredits", p.credits)
			if err := app.Save(r); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
