package billing

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// Plan is a plan as the owner's plan picker shows it.
type Plan struct {
	ID              string  `json:"id"`
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	MaxSeats        int     `json:"maxSeats"` // 0 = unlimited
	Currency        string  `json:"currency"`
	IncludedCredits float64 `json:"includedCredits"`
	SeatPrices      Prices  `json:"seatPrices"`
}

func planOf(r *core.Record) (Plan, error) {
	p, err := pricesOf(r)
	return Plan{ID: r.Id, Code: r.GetString("code"), Name: r.GetString("name"), MaxSeats: r.GetInt("maxSeats"),
		Currency: r.GetString("currency"), IncludedCredits: r.GetFloat("includedCredits"), SeatPrices: p}, err
}

// SeatCount is the billed seats of one user type.
type SeatCount struct {
	UserType string `json:"userType"`
	Count    int    `json:"count"`
	Price    int    `json:"price"`  // cents per month
	Amount   int    `json:"amount"` // count × price
}

// Usage is the billed seats and monthly amount at the end of each UTC day (time: Unix
// seconds of the day's midnight), for the last 12 months or since the first seat:
// columns ready for a uPlot chart.
type Usage struct {
	Time          []int64 `json:"time"`
	Seats         []int   `json:"seats"`
	MonthlyAmount []int   `json:"monthlyAmount"`
}

// Subscription is the owner's view of the organisation's subscription.
type Subscription struct {
	Plan               Plan        `json:"plan"`
	Seats              []SeatCount `json:"seats"`
	BilledSeats        int         `json:"billedSeats"`
	ActiveMembers      int         `json:"activeMembers"`
	DisabledMembers    int         `json:"disabledMembers"`
	PendingInvitations int         `json:"pendingInvitations"`
	MonthlyAmount      int         `json:"monthlyAmount"`
	Currency           string      `json:"currency"`
	Status             string      `json:"status"`
	PeriodStart        string      `json:"periodStart"`
	PeriodEnd          string      `json:"periodEnd"`
	Plans              []Plan      `json:"plans"`
	Usage              Usage       `json:"usage"`
}

// GetSubscription answers the organisation's subscription: plan, billed seats per user
// type with their prices, members, the seats pending invitations reserve, monthly
// amount, current period, every plan, and the usage over time.
// Access: billing.manage (the owner). Errors: 403.
func GetSubscription(app core.App, a access.Actor) (*Subscription, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	return subscriptionView(app, a.Org)
}

func subscriptionView(app core.App, org string) (*Subscription, error) {
	sub, err := subscriptionOf(app, org)
	if err != nil {
		return nil, err
	}
	planRec, err := app.FindRecordById("plans", sub.GetString("plan"))
	if err != nil {
		return nil, err
	}
	plan, err := planOf(planRec)
	if err != nil {
		return nil, err
	}
	out := &Subscription{Plan: plan, MonthlyAmount: sub.GetInt("monthlyAmount"), Currency: plan.Currency,
		Status: sub.GetString("status"), PeriodStart: sub.GetString("periodStart"), PeriodEnd: sub.GetString("periodEnd")}
	cached := cachedSeats(sub)
	for _, t := range access.UserTypes {
		n, price := cached[string(t)], plan.SeatPrices[t]
		out.Seats = append(out.Seats, SeatCount{UserType: string(t), Count: n, Price: price, Amount: n * price})
		out.BilledSeats += n
	}
	if out.PendingInvitations, err = pendingInvitations(app, org); err != nil {
		return nil, err
	}
	err = app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM memberships WHERE org = {:org} AND status = 'active'),
		(SELECT count(*) FROM memberships WHERE org = {:org} AND status = 'disabled')`).
		Bind(dbx.Params{"org": org}).Row(&out.ActiveMembers, &out.DisabledMembers)
	if err != nil {
		return nil, err
	}
	if out.Plans, err = allPlans(app); err != nil {
		return nil, err
	}
	out.Usage, err = usageOf(app, org, now())
	return out, err
}

// pendingInvitations counts the invitations that still reserve a seat: pending and
// not expired.
func pendingInvitations(app core.App, org string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM invitations WHERE org = {:org} AND status = 'pending' AND expires > {:now}").
		Bind(dbx.Params{"org": org, "now": dateTime(now()).String()}).Row(&n)
	return n, err
}

func allPlans(app core.App) ([]Plan, error) {
	recs, err := app.FindAllRecords("plans")
	if err != nil {
		return nil, err
	}
	out := make([]Plan, 0, len(recs))
	for _, r := range recs {
		p, err := planOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	// Smallest first: by seat limit (0 = unlimited, last), then by code.
	limit := func(p Plan) int {
		if p.MaxSeats == 0 {
			return math.MaxInt
		}
		return p.MaxSeats
	}
	sort.Slice(out, func(i, j int) bool {
		if limit(out[i]) != limit(out[j]) {
			return limit(out[i]) < limit(out[j])
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

// usageOf folds the ledger into one point per UTC day, up to today.
func usageOf(app core.App, org string, today time.Time) (Usage, error) {
	var rows []struct {
		Day    string `db:"day"`
		Seats  int    `db:"seats"`
		Amount int    `db:"amount"`
	}
	err := app.DB().NewQuery(`SELECT substr(at, 1, 10) AS day, CAST(SUM(delta) AS INTEGER) AS seats,
		CAST(SUM(monthlyDelta) AS INTEGER) AS amount FROM seatLedger WHERE org = {:org} GROUP BY day ORDER BY day`).
		Bind(dbx.Params{"org": org}).All(&rows)
	u := Usage{Time: []int64{}, Seats: []int{}, MonthlyAmount: []int{}}
	if err != nil || len(rows) == 0 {
		return u, err
	}
	last := today.UTC().Truncate(day)
	first, err := time.Parse(time.DateOnly, rows[0].Day)
	if err != nil {
		return u, err
	}
	if earliest := last.AddDate(-1, 0, 1); first.Before(earliest) {
		first = earliest
	}
	seats, amount, i := 0, 0, 0
	for d := first; !d.After(last); d = d.Add(day) {
		for ; i < len(rows) && rows[i].Day <= d.Format(time.DateOnly); i++ {
			seats += rows[i].Seats
			amount += rows[i].Amount
		}
		u.Time = append(u.Time, d.Unix())
		u.Seats = append(u.Seats, seats)
		u.MonthlyAmount = append(u.MonthlyAmount, amount)
	}
	return u, nil
}

// ChangePlan moves the organisation to the plan with the given code. Every billed
// seat whose price differs on the new plan is re-priced in the ledger (a −1 row at the
// old price and a +1 row at the new one, reason plan_changed) and the monthly amount
// follows; one audit row. The same plan is a no-op.
// Access: billing.manage (the owner). Errors: 403; 400 plan (missing or unknown);
// 409 seat_limit {billedSeats, pendingInvitations, maxSeats} when the new plan's
// seat limit is below the billed seats plus the pending invitations.
func ChangePlan(app core.App, a access.Actor, code string) (*Subscription, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, fail.Invalid("plan", "required", "Choose a plan.")
	}
	err := app.RunInTransaction(func(tx core.App) error {
		planRec, err := tx.FindFirstRecordByData("plans", "code", code)
		if err != nil {
			return fail.Invalid("plan", "unknown", "There is no such plan.")
		}
		to, err := planOf(planRec)
		if err != nil {
			return err
		}
		sub, err := subscriptionOf(tx, a.Org)
		if err != nil {
			return err
		}
		if sub.GetString("plan") == to.ID {
			return nil
		}
		fromRec, err := tx.FindRecordById("plans", sub.GetString("plan"))
		if err != nil {
			return err
		}
		from, err := planOf(fromRec)
		if err != nil {
			return err
		}
		billed := BilledSeats(sub)
		pending, err := pendingInvitations(tx, a.Org)
		if err != nil {
			return err
		}
		if to.MaxSeats > 0 && billed+pending > to.MaxSeats {
			return fail.Conflict("seat_limit", "The "+to.Name+" plan has too few seats for the members and pending invitations.",
				map[string]any{"billedSeats": billed, "pendingInvitations": pending, "maxSeats": to.MaxSeats})
		}
		before := map[string]any{"plan": from.Code, "monthlyAmount": sub.GetInt("monthlyAmount")}
		repriced, delta, err := reprice(tx, a.Org, from.SeatPrices, to.SeatPrices, a.ID)
		if err != nil {
			return err
		}
		sub.Set("plan", to.ID)
		sub.Set("monthlyAmount", sub.GetInt("monthlyAmount")+delta)
		if err := tx.Save(sub); err != nil {
			return err
		}
		after := map[string]any{"plan": to.Code, "monthlyAmount": sub.GetInt("monthlyAmount"), "seatsRepriced": repriced}
		return audit.Record(tx, a, access.BillingChangePlan, "subscription", sub.Id, to.Name,
			map[string]any{"before": before, "after": after})
	})
	if err != nil {
		return nil, err
	}
	return subscriptionView(app, a.Org)
}

// reprice writes, for every member holding a seat of a type whose price changes, a −1
// row at the old price, then (after all of them) a +1 row at the new price, all dated
// now: two INSERT … SELECT statements, straight from the ledger. It returns the seats
// re-priced and the change of the monthly amount (the sum of the rows written).
func reprice(tx core.App, org string, from, to Prices, actor string) (int, int, error) {
	params := dbx.Params{"org": org, "reason": PlanChanged, "actor": actor, "at": dateTime(now()).String()}
	var changed []string
	oldPrice, newPrice := "CASE userType", "CASE userType"
	for i, t := range access.UserTypes {
		if from[t] == to[t] {
			continue
		}
		changed = append(changed, fmt.Sprintf("{:t%d}", i))
		params[fmt.Sprintf("t%d", i)] = string(t)
		params[fmt.Sprintf("old%d", i)], params[fmt.Sprintf("new%d", i)] = from[t], to[t]
		oldPrice += fmt.Sprintf(" WHEN {:t%d} THEN {:old%d}", i, i)
		newPrice += fmt.Sprintf(" WHEN {:t%d} THEN {:new%d}", i, i)
	}
	if len(changed) == 0 {
		return 0, 0, nil
	}
	oldPrice += " END"
	newPrice += " END"
	var last int64
	if err := tx.DB().NewQuery("SELECT COALESCE(MAX(rowid), 0) FROM seatLedger").Row(&last); err != nil {
		return 0, 0, err
	}
	params["last"] = last
	// The open seats as the ledger stood before this change (rowid ≤ last), one row per
	// member and type, labelled as the member's latest row (SQLite takes bare columns
	// from the row max() picks), oldest activity first.
	open := `WITH open AS (SELECT membership, userType, memberLabel, max(rowid) AS latest FROM seatLedger
			WHERE org = {:org} AND rowid <= {:last} AND membership != '' AND userType IN (` + strings.Join(changed, ", ") + `)
			GROUP BY membership, userType HAVING SUM(delta) > 0)
		INSERT INTO seatLedger (org, membership, memberLabel, userType, delta, monthlyDelta, reason, actor, at, created, updated)
		SELECT {:org}, membership, memberLabel, userType, %d, %s, {:reason}, {:actor}, {:at}, {:at}, {:at} FROM open ORDER BY latest`
	for _, q := range []string{fmt.Sprintf(open, -1, "-("+oldPrice+")"), fmt.Sprintf(open, 1, newPrice)} {
		if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			return 0, 0, err
		}
	}
	var seats, delta int
	err := tx.DB().NewQuery(`SELECT CAST(COALESCE(SUM(delta > 0), 0) AS INTEGER), CAST(COALESCE(SUM(monthlyDelta), 0) AS INTEGER)
		FROM seatLedger WHERE rowid > {:last} AND org = {:org}`).Bind(params).Row(&seats, &delta)
	return seats, delta, err
}

// owner asks the policy whether a may manage the organisation's billing (the owner
// alone: billing.manage).
func owner(a access.Actor) error { return access.Can(a.Member, access.BillingManage, nil) }

// DefaultPlan is the plan a new organisation starts on unless told otherwise.
const DefaultPlan = "team"

// PlanChosen tells whether the organisation's owner has settled its subscription, for
// the new organisation's checklist: it is on another plan than DefaultPlan (changed, or
// created so), or a payment method is on file (the owner kept the plan and set up paying).
func PlanChosen(app core.App, org string) (bool, error) {
	var chosen bool
	err := app.DB().NewQuery(`SELECT
		(SELECT p.code FROM subscriptions s JOIN plans p ON p.id = s.plan WHERE s.org = {:org}) != {:plan}
		OR EXISTS (SELECT 1 FROM paymentMethods WHERE org = {:org})`).
		Bind(dbx.Params{"org": org, "plan": DefaultPlan}).Row(&chosen)
	return chosen, err
}
