package billing

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
)

// Reasons a billed seat changes (the ledger's reason field).
const (
	Joined      = "joined"
	Removed     = "removed"
	TypeChanged = "type_changed"
	PlanChanged = "plan_changed"
)

// Seat is one billed seat that changes.
type Seat struct {
	Org        string
	Membership string
	Label      string
	UserType   access.UserType
	Delta      int // +1 or -1
	Reason     string
	Actor      string
}

// Prices maps a user type to its seat price in cents per month.
type Prices map[access.UserType]int

// PlanPrices returns the seat prices of the organisation's current plan.
func PlanPrices(app core.App, org string) (Prices, *core.Record, error) {
	sub, err := subscriptionOf(app, org)
	if err != nil {
		return nil, nil, err
	}
	plan, err := app.FindRecordById("plans", sub.GetString("plan"))
	if err != nil {
		return nil, nil, fmt.Errorf("billing: plan: %w", err)
	}
	p, err := pricesOf(plan)
	return p, sub, err
}

func subscriptionOf(app core.App, org string) (*core.Record, error) {
	sub, err := app.FindFirstRecordByFilter("subscriptions", "org = {:org}", dbx.Params{"org": org})
	if err != nil {
		return nil, fmt.Errorf("billing: subscription of %s: %w", org, err)
	}
	return sub, nil
}

func pricesOf(plan *core.Record) (Prices, error) {
	var p Prices
	if err := json.Unmarshal([]byte(plan.GetString("seatPrices")), &p); err != nil {
		return nil, fmt.Errorf("billing: prices of plan %s: %w", plan.GetString("code"), err)
	}
	return p, nil
}

// SeatChanged writes one ledger row and moves the subscription's cached seat counts
// and monthly amount by that seat's price. Call it inside the change's transaction.
func SeatChanged(app core.App, s Seat) error {
	if s.Delta != 1 && s.Delta != -1 {
		return fmt.Errorf("billing: a seat changes by +1 or -1, not %d", s.Delta)
	}
	prices, sub, err := PlanPrices(app, s.Org)
	if err != nil {
		return err
	}
	ledger, err := app.FindCachedCollectionByNameOrId("seatLedger")
	if err != nil {
		return err
	}
	monthly := prices[s.UserType] * s.Delta
	row := core.NewRecord(ledger)
	row.Load(map[string]any{
		"org": s.Org, "membership": s.Membership, "memberLabel": s.Label, "userType": string(s.UserType),
		"delta": s.Delta, "monthlyDelta": monthly, "reason": s.Reason, "actor": s.Actor, "at": dateTime(now()),
	})
	if err := app.Save(row); err != nil {
		return err
	}
	seats := map[string]int{}
	_ = json.Unmarshal([]byte(sub.GetString("seats")), &seats) // an empty cache reads as no seats
	seats[string(s.UserType)] += s.Delta
	sub.Set("seats", seats)
	sub.Set("monthlyAmount", sub.GetInt("monthlyAmount")+monthly)
	return app.Save(sub)
}

// cachedSeats reads a subscription's cached seat counts, with every user type.
func cachedSeats(sub *core.Record) map[string]int {
	seats := map[string]int{}
	_ = json.Unmarshal([]byte(sub.GetString("seats")), &seats) // an empty cache reads as no seats
	for _, t := range access.UserTypes {
		seats[string(t)] += 0
	}
	return seats
}

// NewSubscription starts an organisation on a plan (by code), with no seats yet. Its
// first period starts now and lasts one month.
func NewSubscription(app core.App, org, planCode string) (*core.Record, error) {
	plan, err := app.FindFirstRecordByData("plans", "code", planCode)
	if err != nil {
		return nil, fmt.Errorf("billing: unknown plan %q", planCode)
	}
	col, err := app.FindCachedCollectionByNameOrId("subscriptions")
	if err != nil {
		return nil, err
	}
	start := now()
	sub := core.NewRecord(col)
	sub.Load(map[string]any{
		"org": org, "plan": plan.Id, "status": "active", "periodStart": dateTime(start),
		"periodEnd": dateTime(nextPeriodEnd(start, start)), "seats": map[string]int{}, "monthlyAmount": 0,
	})
	return sub, app.Save(sub)
}

func dateTime(t any) types.DateTime {
	d, _ := types.ParseDateTime(t)
	return d
}
