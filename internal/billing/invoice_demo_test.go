package billing_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/demo"
	"roster/internal/members"
	"roster/internal/testapp"
)

// next31 is 10:00 UTC on the first day of the next month of 31 days: a period of 31
// billed days that starts after every date the demo draws.
func next31(now time.Time) time.Time {
	for m := time.Date(now.Year(), now.Month()+1, 1, 10, 0, 0, 0, time.UTC); ; m = m.AddDate(0, 1, 0) {
		if m.AddDate(0, 1, -1).Day() == 31 {
			return m
		}
	}
}

func TestTheDemoOrganisationsInvoiceAfterAMonthOfChanges(t *testing.T) {
	app := testapp.New(t)
	start := next31(time.Now().UTC())
	billing.SetClock(t, start)
	res, err := demo.Run(app, demo.Options{Org: "demo", Members: 300, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	org := res.Org.Id
	verify(t, app, org)
	baseline := subscription(t, app, org).GetInt("monthlyAmount") // every demo seat, held all period
	owner, err := app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'owner'", dbx.Params{"org": org})
	if err != nil {
		t.Fatal(err)
	}
	ownerUser, err := app.FindRecordById("users", owner.GetString("user"))
	if err != nil {
		t.Fatal(err)
	}
	session, err := members.SessionOf(app, ownerUser)
	if err != nil {
		t.Fatal(err)
	}
	actor := session.Actor
	var contributors []string
	if err := app.DB().NewQuery("SELECT id FROM memberships WHERE org = {:org} AND role = 'member' AND userType = 'contributor' ORDER BY id").
		Bind(dbx.Params{"org": org}).Column(&contributors); err != nil {
		t.Fatal(err)
	}
	day := func(n int, hour int) time.Time {
		return start.Truncate(24*time.Hour).AddDate(0, 0, 1+n).Add(time.Duration(hour) * time.Hour)
	}
	testOrg := &testapp.Org{ID: org, Owner: &testapp.Member{Membership: owner, User: ownerUser}}

	// The 5th midnight + 9 h: a professional joins (billed from the 6th midnight on: 26 days).
	billing.SetClock(t, day(4, 9))
	join(t, app, testOrg, access.Professional)
	// The 10th midnight + 15 h: a contributor is removed (billed 10 days).
	billing.SetClock(t, day(9, 15))
	remove(t, app, testOrg, contributors[0])
	// The 15th midnight + 8 h: a contributor becomes a creator (15 days, then 16).
	billing.SetClock(t, day(14, 8))
	changed := ""
	for _, id := range contributors[1:] {
		if err := members.ChangeUserType(app, actor, id, access.Creator); err == nil {
			changed = id
			break
		}
	}
	if changed == "" {
		t.Fatal("no contributor could become a creator")
	}
	verify(t, app, org)

	billing.SetClock(t, start.AddDate(0, 1, 0))
	closed, err := billing.CloseDue(app, start.AddDate(0, 1, 0), "", false, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	inv := invoiceOf(t, closed, org, 1)[0]
	// 31 days. Removed: 1500 × 10/31 = 483.87 → 484. Re-typed: 1500 × 15/31 = 725.81 → 726,
	// then 3500 × 16/31 = 1806.45 → 1806. Joined: 7500 × 26/31 = 6290.32 → 6290.
	want := baseline - 1500 - 1500 + 484 + 726 + 1806 + 6290
	if inv.Days != 31 || inv.Total != want {
		t.Fatalf("invoice of %d days totals %d, want %d (baseline %d)", inv.Days, inv.Total, want, baseline)
	}
	seats := 0
	for _, l := range inv.Lines {
		if l.Days == 31 && l.Amount != l.Price {
			t.Errorf("a full-period line bills %d for a price of %d", l.Amount, l.Price)
		}
		seats++
	}
	if seats != 300+1+1+1 { // the demo members, the owner, the new member, the re-typed seat's second line
		t.Fatalf("%d lines", seats)
	}
}
