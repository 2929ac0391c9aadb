package billing

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
)

// LedgerRow is one seatLedger row as the replay reads it.
type LedgerRow struct {
	Membership   string    `db:"membership"`
	Label        string    `db:"memberLabel"`
	UserType     string    `db:"userType"`
	Delta        int       `db:"delta"`
	MonthlyDelta int       `db:"monthlyDelta"`
	Reason       string    `db:"reason"`
	At           time.Time `db:"-"`
	AtText       string    `db:"at"`
}

// Interval is a seat held by one member, of one user type at one price, from From
// until To (zero: still held).
type Interval struct {
	Member, Label, UserType string
	Price                   int
	From, To                time.Time
}

// ledgerRows reads org's ledger rows dated before until (all when zero), in replay
// order: by time, then in the order they were written.
func ledgerRows(app core.App, org string, until time.Time) ([]LedgerRow, error) {
	q := "SELECT membership, memberLabel, userType, delta, monthlyDelta, reason, at FROM seatLedger WHERE org = {:org}"
	params := dbx.Params{"org": org}
	if !until.IsZero() {
		q += " AND at < {:until}"
		params["until"] = dateTime(until).String()
	}
	var rows []LedgerRow
	if err := app.DB().NewQuery(q + " ORDER BY at, rowid").Bind(params).All(&rows); err != nil {
		return nil, err
	}
	for i := range rows {
		at, err := types.ParseDateTime(rows[i].AtText)
		if err != nil {
			return nil, fmt.Errorf("billing: ledger row dated %q: %w", rows[i].AtText, err)
		}
		rows[i].At = at.Time()
	}
	return rows, nil
}

// Replay turns ledger rows (in replay order) into seat intervals. A +1 opens an
// interval at its monthlyDelta; the member's next −1 of that user type closes it. A
// row that names no member re-prices the open seats of its type (see the package doc).
// An inconsistent ledger (a seat removed that was never added, a re-pricing that does
// not fit the open seats) is an error: an invoice from it would be wrong.
func Replay(rows []LedgerRow) ([]Interval, error) {
	var out []Interval
	open := map[[2]string][]int{} // (membership, userType) → indexes into out of open intervals
	for _, r := range rows {
		key := [2]string{r.Membership, r.UserType}
		switch {
		case r.Membership == "" && r.Delta == 0:
			var idx []int
			for k, v := range open {
				if k[1] == r.UserType {
					idx = append(idx, v...)
				}
			}
			if r.MonthlyDelta == 0 {
				continue
			}
			if len(idx) == 0 || r.MonthlyDelta%len(idx) != 0 {
				return nil, fmt.Errorf("billing: ledger re-prices %d %s seats by %d cents at %s, which does not fit",
					len(idx), r.UserType, r.MonthlyDelta, r.AtText)
			}
			diff := r.MonthlyDelta / len(idx)
			for k, v := range open {
				if k[1] != r.UserType {
					continue
				}
				for j, i := range v {
					out[i].To = r.At
					next := out[i]
					next.From, next.To, next.Price = r.At, time.Time{}, next.Price+diff
					out = append(out, next)
					v[j] = len(out) - 1
				}
			}
		case r.Delta == 1:
			out = append(out, Interval{Member: r.Membership, Label: r.Label, UserType: r.UserType, Price: r.MonthlyDelta, From: r.At})
			open[key] = append(open[key], len(out)-1)
		case r.Delta == -1:
			v := open[key]
			if len(v) == 0 {
				return nil, fmt.Errorf("billing: ledger removes a %s seat of %q at %s that was never added", r.UserType, r.Membership, r.AtText)
			}
			out[v[0]].To = r.At
			if len(v) == 1 {
				delete(open, key)
			} else {
				open[key] = v[1:]
			}
		default:
			return nil, fmt.Errorf("billing: ledger row of %q at %s has delta %d", r.Membership, r.AtText, r.Delta)
		}
	}
	return out, nil
}

// Sums is what the ledger adds up to: billed seats per user type and the monthly amount.
type Sums struct {
	Seats         map[string]int `json:"seats"`
	MonthlyAmount int            `json:"monthlyAmount"`
}

// LedgerSums adds up org's whole seat ledger.
func LedgerSums(app core.App, org string) (Sums, error) {
	var rows []struct {
		UserType string `db:"userType"`
		Seats    int    `db:"seats"`
		Amount   int    `db:"amount"`
	}
	err := app.DB().NewQuery(`SELECT userType, CAST(COALESCE(SUM(delta), 0) AS INTEGER) AS seats,
		CAST(COALESCE(SUM(monthlyDelta), 0) AS INTEGER) AS amount FROM seatLedger WHERE org = {:org} GROUP BY userType`).
		Bind(dbx.Params{"org": org}).All(&rows)
	s := Sums{Seats: map[string]int{}}
	for _, t := range access.UserTypes {
		s.Seats[string(t)] = 0
	}
	for _, r := range rows {
		s.Seats[r.UserType] += r.Seats
		s.MonthlyAmount += r.Amount
	}
	return s, err
}

// Verify checks org's billing invariants and returns every one that fails: the
// subscription's cached seats and monthly amount equal the ledger's sums, the billed
// seats per user type equal the members (active and disabled) of that type, and the
// ledger replays without inconsistency.
func Verify(app core.App, org string) ([]string, error) {
	sub, err := subscriptionOf(app, org)
	if err != nil {
		return nil, err
	}
	sums, err := LedgerSums(app, org)
	if err != nil {
		return nil, err
	}
	var problems []string
	cached := cachedSeats(sub)
	if sub.GetInt("monthlyAmount") != sums.MonthlyAmount {
		problems = append(problems, fmt.Sprintf("monthly amount: cached %d, ledger %d", sub.GetInt("monthlyAmount"), sums.MonthlyAmount))
	}
	var members []struct {
		UserType string `db:"userType"`
		N        int    `db:"n"`
	}
	if err := app.DB().NewQuery("SELECT userType, count(*) AS n FROM memberships WHERE org = {:org} GROUP BY userType").
		Bind(dbx.Params{"org": org}).All(&members); err != nil {
		return nil, err
	}
	counted := map[string]int{}
	for _, m := range members {
		counted[m.UserType] = m.N
	}
	for _, t := range access.UserTypes {
		ut := string(t)
		if cached[ut] != sums.Seats[ut] {
			problems = append(problems, fmt.Sprintf("%s seats: cached %d, ledger %d", ut, cached[ut], sums.Seats[ut]))
		}
		if counted[ut] != sums.Seats[ut] {
			problems = append(problems, fmt.Sprintf("%s seats: %d members, ledger %d", ut, counted[ut], sums.Seats[ut]))
		}
	}
	rows, err := ledgerRows(app, org, time.Time{})
	if err != nil {
		return nil, err
	}
	if _, err := Replay(rows); err != nil {
		problems = append(problems, err.Error())
	}
	return problems, nil
}
