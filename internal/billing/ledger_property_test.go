package billing_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/testapp"
)

// model is the test's own account of the seats: which member holds a seat of which
// type at which price since when, and every seat interval that ended. It knows
// nothing of the ledger; the ledger, the subscription and the invoices must agree
// with it.
type model struct {
	prices map[access.UserType]int
	open   map[string]*billing.Interval // membership → its current seat
	done   []billing.Interval
}

func (m *model) openSeat(id string, ut access.UserType, from time.Time) {
	m.open[id] = &billing.Interval{Member: id, UserType: string(ut), Price: m.prices[ut], From: from}
}

func (m *model) closeSeat(id string, to time.Time) {
	iv := *m.open[id]
	iv.To = to
	m.done = append(m.done, iv)
	delete(m.open, id)
}

// invoiceTotal bills the model's intervals over [start, end) by the package doc's rule.
func (m *model) invoiceTotal(start, end time.Time) int {
	total, dip := 0, billing.Days(start, end)
	all := append([]billing.Interval{}, m.done...)
	for _, iv := range m.open {
		all = append(all, *iv)
	}
	for _, iv := range all {
		from, to := iv.From, iv.To
		if from.Before(start) {
			from = start
		}
		if to.IsZero() || to.After(end) {
			to = end
		}
		total += billing.Prorated(iv.Price, billing.Days(from, to), dip)
	}
	return total
}

func TestTheLedgerReplaysToTheCacheAfterAnySequence(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { ledgerSequence(t, seed, 120) })
	}
}

func ledgerSequence(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	app := testapp.New(t)
	clock := at("2026-01-31 09:30") // a period that ends on a clamped day
	billing.SetClock(t, clock)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	owner := ownerActor(t, app, org)
	addPlan(t, app, "pro", 0, proPrices)
	addPlan(t, app, "cheap", 12, map[string]int{"viewer": 100, "contributor": 900, "creator": 2900, "professional": 6900})
	plans := map[string]map[access.UserType]int{}
	for _, code := range []string{"starter", "team", "business", "pro", "cheap"} {
		p, err := app.FindFirstRecordByData("plans", "code", code)
		if err != nil {
			t.Fatal(err)
		}
		prices := map[access.UserType]int{}
		if err := p.UnmarshalJSONField("seatPrices", &prices); err != nil {
			t.Fatal(err)
		}
		plans[code] = prices
	}
	maxSeats := map[string]int{"starter": 5, "team": 50, "business": 0, "pro": 0, "cheap": 12}
	plan := "team"
	m := &model{prices: plans[plan], open: map[string]*billing.Interval{}}
	m.openSeat(org.Owner.ID(), access.Creator, clock)
	invoices := 0

	others := func() []string {
		var ids []string
		for id := range m.open {
			if id != org.Owner.ID() {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		return ids
	}
	for step := 0; step < steps; step++ {
		clock = clock.Add(time.Duration(rng.IntN(40*60)) * time.Minute) // up to 40 h later
		billing.SetClock(t, clock)
		ids := others()
		switch k := rng.IntN(12); {
		case k < 4 && len(m.open) < 45: // join
			ut := access.UserTypes[rng.IntN(4)]
			mem := join(t, app, org, ut)
			m.openSeat(mem.ID(), ut, clock)
		case k < 6 && len(ids) > 0: // remove
			id := ids[rng.IntN(len(ids))]
			remove(t, app, org, id)
			m.closeSeat(id, clock)
		case k < 9 && len(ids) > 0: // change user type
			id := ids[rng.IntN(len(ids))]
			to := access.UserTypes[rng.IntN(4)]
			err := members.ChangeUserType(app, owner, id, to)
			if err != nil {
				t.Fatalf("step %d: user type: %v", step, err)
			}
			if string(to) != m.open[id].UserType {
				m.closeSeat(id, clock)
				m.openSeat(id, to, clock)
			}
		case k < 10: // change plan
			codes := []string{"starter", "team", "business", "pro", "cheap"}
			code := codes[rng.IntN(len(codes))]
			_, err := billing.ChangePlan(app, owner, code)
			switch {
			case code == plan: // the same plan: nothing changes, whatever the seats
				if err != nil {
					t.Fatalf("step %d: same plan: %v", step, err)
				}
				continue
			case fail.Is(err, "seat_limit"):
				if maxSeats[code] == 0 || len(m.open) <= maxSeats[code] {
					t.Fatalf("step %d: %s refused with %d seats", step, code, len(m.open))
				}
				continue
			case err != nil:
				t.Fatalf("step %d: plan: %v", step, err)
			case maxSeats[code] > 0 && len(m.open) > maxSeats[code]:
				t.Fatalf("step %d: %s accepted with %d seats", step, code, len(m.open))
			}
			if code != plan {
				plan, m.prices = code, plans[code]
				for _, id := range append(ids, org.Owner.ID()) {
					if iv := m.open[id]; iv.Price != m.prices[access.UserType(iv.UserType)] {
						ut := access.UserType(iv.UserType)
						m.closeSeat(id, clock)
						m.openSeat(id, ut, clock)
					}
				}
			}
		case k < 11 && len(ids) > 0: // disable: no billed seat changes
			id := ids[rng.IntN(len(ids))]
			if err := members.Disable(app, owner, id); err != nil && !fail.Is(err, "already_disabled") {
				t.Fatalf("step %d: disable: %v", step, err)
			}
		default: // close the periods that are due
			sub := subscription(t, app, org.ID)
			start, end := sub.GetDateTime("periodStart").Time(), sub.GetDateTime("periodEnd").Time()
			closed, err := billing.CloseDue(app, clock, "", false, audit.ActorSystem)
			if err != nil {
				t.Fatal(err)
			}
			if end.After(clock) {
				if len(closed) != 0 {
					t.Fatalf("step %d: closed a period not due", step)
				}
				break
			}
			inv := invoiceOf(t, closed, org.ID, 1)[0]
			if want := m.invoiceTotal(start, end); inv.Total != want {
				t.Fatalf("step %d: invoice %s total %d, model %d", step, inv.Number, inv.Total, want)
			}
			invoices++
		}
		checkCache(t, app, org.ID, m, step)
	}
	t.Logf("seed %d: %d seats open, %d intervals closed, %d invoices", seed, len(m.open), len(m.done), invoices)
}

// checkCache compares the subscription's cache with the model, and asks Verify for
// the ledger's sums, the members and the replay.
func checkCache(t *testing.T, app core.App, org string, m *model, step int) {
	t.Helper()
	sub := subscription(t, app, org)
	var seats map[string]int
	if err := sub.UnmarshalJSONField("seats", &seats); err != nil {
		t.Fatal(err)
	}
	want, amount := map[string]int{}, 0
	for _, iv := range m.open {
		want[iv.UserType]++
		amount += iv.Price
	}
	for _, ut := range access.UserTypes {
		if seats[string(ut)] != want[string(ut)] {
			t.Fatalf("step %d: %s seats cached %d, model %d", step, ut, seats[string(ut)], want[string(ut)])
		}
	}
	if sub.GetInt("monthlyAmount") != amount {
		t.Fatalf("step %d: monthly amount cached %d, model %d", step, sub.GetInt("monthlyAmount"), amount)
	}
	verify(t, app, org)
}
