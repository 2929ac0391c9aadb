package billing

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	return parsePrices(plan.GetString("code"), plan.GetString("seatPrices"))
}

func parsePrices(code, raw string) (Prices, error) {
	var p Prices
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("billing: prices of plan %s: %w", code, err)
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

// SeatsChanged is SeatChanged for many seats of one organisation at once (a bulk change
// of user types): it reads the plan's prices and the subscription in one query, writes
// the ledger rows in the order given (all dated now) with one INSERT, and moves the
// subscription's cached seats and monthly amount with one UPDATE, in the caller's
// transaction. The rows and the cache end as SeatChanged would leave them one seat at a
// time.
func SeatsChanged(app core.App, seats []Seat) error {
	if len(seats) == 0 {
		return nil
	}
	org := seats[0].Org
	for _, s := range seats {
		switch {
		case s.Delta != 1 && s.Delta != -1:
			return fmt.Errorf("billing: a seat changes by +1 or -1, not %d", s.Delta)
		case s.Org != org:
			return errors.New("billing: seats change one organisation at a time")
		case !s.UserType.Valid() || s.Membership == "":
			return fmt.Errorf("billing: a seat needs a member and a user type, not %q of %q", s.UserType, s.Membership)
		case s.Reason != Joined && s.Reason != Removed && s.Reason != TypeChanged && s.Reason != PlanChanged:
			return fmt.Errorf("billing: unknown reason %q", s.Reason)
		}
	}
	var sub struct {
		ID     string `db:"id"`
		Seats  string `db:"seats"`
		Amount int    `db:"monthlyAmount"`
		Plan   string `db:"code"`
		Prices string `db:"seatPrices"`
	}
	err := app.DB().NewQuery(`SELECT s.id, COALESCE(s.seats, '') AS seats, CAST(s.monthlyAmount AS INTEGER) AS monthlyAmount,
		p.code, COALESCE(p.seatPrices, '') AS seatPrices FROM subscriptions s JOIN plans p ON p.id = s.plan WHERE s.org = {:org}`).
		Bind(dbx.Params{"org": org}).One(&sub)
	if err != nil {
		return fmt.Errorf("billing: subscription of %s: %w", org, err)
	}
	prices, err := parsePrices(sub.Plan, sub.Prices)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	_ = json.Unmarshal([]byte(sub.Seats), &counts) // an empty cache reads as no seats
	at := dateTime(now()).String()
	var q strings.Builder
	q.WriteString(`INSERT INTO seatLedger (id, membership, memberLabel, userType, delta, monthlyDelta, reason, actor,
		org, at, created, updated) VALUES `)
	params := dbx.Params{"org": org, "at": at}
	for i, s := range seats {
		monthly := prices[s.UserType] * s.Delta
		counts[string(s.UserType)] += s.Delta
		sub.Amount += monthly
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(")
		for j, v := range []any{core.GenerateDefaultRandomId(), s.Membership, s.Label, string(s.UserType), s.Delta, monthly, s.Reason, s.Actor} {
			k := "p" + strconv.Itoa(i) + "_" + strconv.Itoa(j)
			params[k] = v
			q.WriteString("{:" + k + "}, ")
		}
		q.WriteString("{:org}, {:at}, {:at}, {:at})")
	}
	if _, err := app.DB().NewQuery(q.String()).Bind(params).Execute(); err != nil {
		return err
	}
	cache, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	_, err = app.DB().Update("subscriptions", dbx.Params{"seats": string(cache), "monthlyAmount": sub.Amount, "updated": at},
		dbx.HashExp{"id": sub.ID}).Execute()
	return err
}

// BilledSeats is the subscription's billed seats: the sum of its cached seat counts
// (which Verify proves equal to the members and the ledger).
func BilledSeats(sub *core.Record) int {
	n := 0
	for _, c := range cachedSeats(sub) {
		n += c
	}
	return n
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

// Cost is what a change of seats would do to the subscription's monthly amount, shown
// before the change is confirmed: the seats each user type gains or loses, and the
// monthly amount now and after, in cents.
type Cost struct {
	Seats              map[access.UserType]int `json:"seats"`
	MonthlyAmount      int                     `json:"monthlyAmount"`
	MonthlyAmountAfter int                     `json:"monthlyAmountAfter"`
	Currency           string                  `json:"currency"`
}

// CostOf prices seats (a change of seat count per user type) under the organisation's
// current plan.
func CostOf(app core.App, org string, seats map[access.UserType]int) (*Cost, error) {
	prices, sub, err := PlanPrices(app, org)
	if err != nil {
		return nil, err
	}
	plan, err := app.FindRecordById("plans", sub.GetString("plan"))
	if err != nil {
		return nil, err
	}
	c := &Cost{Seats: seats, MonthlyAmount: sub.GetInt("monthlyAmount"), Currency: plan.GetString("currency")}
	c.MonthlyAmountAfter = c.MonthlyAmount
	for t, n := range seats {
		c.MonthlyAmountAfter += n * prices[t]
	}
	return c, nil
}
