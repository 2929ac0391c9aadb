package billing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/testapp"
)

type ledgerRow struct {
	Membership   string `db:"membership"`
	Label        string `db:"memberLabel"`
	UserType     string `db:"userType"`
	Delta        int    `db:"delta"`
	MonthlyDelta int    `db:"monthlyDelta"`
	Reason       string `db:"reason"`
	Actor        string `db:"actor"`
}

// typeChanges lists org's type_changed rows in replay order, members named by their
// place in ids.
func typeChanges(t *testing.T, app core.App, org string, ids []string) []ledgerRow {
	t.Helper()
	var rows []ledgerRow
	err := app.DB().NewQuery("SELECT membership, memberLabel, userType, delta, monthlyDelta, reason, actor FROM seatLedger WHERE org = {:o} AND reason = 'type_changed' ORDER BY at, rowid").
		Bind(dbx.Params{"o": org}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	place := map[string]string{}
	for i, id := range ids {
		place[id] = fmt.Sprint("member ", i)
	}
	for i := range rows {
		rows[i].Membership = place[rows[i].Membership]
	}
	return rows
}

func cache(t *testing.T, app core.App, org string) (map[string]int, int) {
	t.Helper()
	sub := subscription(t, app, org)
	seats := map[string]int{}
	if err := json.Unmarshal([]byte(sub.GetString("seats")), &seats); err != nil {
		t.Fatal(err)
	}
	return seats, sub.GetInt("monthlyAmount")
}

// The batched SeatsChanged leaves the ledger and the subscription exactly as
// SeatChanged does one seat at a time: same rows in the same order, same cache, and the
// books still verify.
func TestSeatsChangedEqualsOneSeatAtATime(t *testing.T) {
	app := testapp.New(t)
	types := []access.UserType{access.Viewer, access.Contributor, access.Creator, access.Professional, access.Creator}
	to := []access.UserType{access.Professional, access.Viewer, access.Contributor, access.Creator, access.Professional}
	orgs := [2]*testapp.Org{testapp.CreateOrg(t, app, "One by one", ""), testapp.CreateOrg(t, app, "In one go", "")}
	var ids [2][]string
	var seats [2][]billing.Seat
	for k, org := range orgs {
		for i, ut := range types {
			m := join(t, app, org, ut)
			ids[k] = append(ids[k], m.ID())
			for _, s := range []billing.Seat{{UserType: ut, Delta: -1}, {UserType: to[i], Delta: 1}} {
				s.Org, s.Membership, s.Label, s.Reason, s.Actor = org.ID, m.ID(), fmt.Sprint("label ", i), billing.TypeChanged, "actor"
				seats[k] = append(seats[k], s)
			}
			if _, err := app.DB().Update("memberships", dbx.Params{"userType": string(to[i])}, dbx.HashExp{"id": m.ID()}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := app.RunInTransaction(func(tx core.App) error {
		for _, s := range seats[0] {
			if err := billing.SeatChanged(tx, s); err != nil {
				return err
			}
		}
		return billing.SeatsChanged(tx, seats[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	one, many := typeChanges(t, app, orgs[0].ID, ids[0]), typeChanges(t, app, orgs[1].ID, ids[1])
	if len(one) != 10 || !reflect.DeepEqual(one, many) {
		t.Fatalf("ledgers differ:\none by one %+v\nin one go  %+v", one, many)
	}
	seatsOne, amountOne := cache(t, app, orgs[0].ID)
	seatsMany, amountMany := cache(t, app, orgs[1].ID)
	if !reflect.DeepEqual(seatsOne, seatsMany) || amountOne != amountMany || amountMany == 0 {
		t.Fatalf("caches differ: %v %d, %v %d", seatsOne, amountOne, seatsMany, amountMany)
	}
	for _, org := range orgs {
		verify(t, app, org.ID)
	}
}

func TestSeatsChangedRefusesBadSeatsAndRollsBack(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	other := testapp.CreateOrg(t, app, "Other", "")
	m := join(t, app, org, access.Creator)
	good := billing.Seat{Org: org.ID, Membership: m.ID(), UserType: access.Creator, Delta: -1, Reason: billing.TypeChanged, Actor: "a"}
	rows := func() int {
		n, err := app.CountRecords("seatLedger", dbx.HashExp{"org": org.ID})
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	before := rows()
	_, amount := cache(t, app, org.ID)
	spoilt := func(spoil func(s *billing.Seat)) []billing.Seat {
		s := good
		spoil(&s)
		return []billing.Seat{good, s}
	}
	for name, seats := range map[string][]billing.Seat{
		"a delta of 2":                spoilt(func(s *billing.Seat) { s.Delta = 2 }),
		"another organisation's seat": spoilt(func(s *billing.Seat) { s.Org = other.ID }),
		"an unknown user type":        spoilt(func(s *billing.Seat) { s.UserType = "wizard" }),
		"no member":                   spoilt(func(s *billing.Seat) { s.Membership = "" }),
		"an unknown reason":           spoilt(func(s *billing.Seat) { s.Reason = "gift" }),
		"an organisation with no subscription": {
			{Org: "nosuchorg", Membership: "x", UserType: access.Viewer, Delta: 1, Reason: billing.Joined}},
	} {
		t.Run(name, func(t *testing.T) {
			if err := billing.SeatsChanged(app, seats); err == nil {
				t.Fatal("accepted")
			}
			if _, got := cache(t, app, org.ID); rows() != before || got != amount {
				t.Fatal("written")
			}
		})
	}
	t.Run("a rollback takes the rows and the cache back", func(t *testing.T) {
		err := app.RunInTransaction(func(tx core.App) error {
			if err := billing.SeatsChanged(tx, []billing.Seat{good}); err != nil {
				return err
			}
			return errors.New("the change failed")
		})
		if _, got := cache(t, app, org.ID); err == nil || rows() != before || got != amount {
			t.Fatalf("%v: survived the rollback", err)
		}
	})
	t.Run("no seats, no change", func(t *testing.T) {
		if err := billing.SeatsChanged(app, nil); err != nil || rows() != before {
			t.Fatal(err)
		}
	})
}
