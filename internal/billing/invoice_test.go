package billing_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/testapp"
)

var proPrices = map[string]int{"viewer": 0, "contributor": 2000, "creator": 5000, "professional": 9000}

func TestInvoicesEqualTheHandComputationToTheCent(t *testing.T) {
	app := testapp.New(t)
	billing.SetClock(t, at("2026-03-01 00:00"))
	org := testapp.CreateOrg(t, app, "Acme", "team") // the owner's creator seat, held from the first midnight
	owner := ownerActor(t, app, org)
	addPlan(t, app, "pro", 0, proPrices)

	billing.SetClock(t, at("2026-03-01 08:00"))
	bob := join(t, app, org, access.Professional)
	cat := join(t, app, org, access.Creator)
	billing.SetClock(t, at("2026-03-10 09:00"))
	ann := join(t, app, org, access.Contributor)
	billing.SetClock(t, at("2026-03-15 12:00"))
	if err := members.ChangeUserType(app, owner, cat.ID(), access.Viewer); err != nil {
		t.Fatal(err)
	}
	billing.SetClock(t, at("2026-03-18 10:00"))
	if err := members.Disable(app, owner, ann.ID()); err != nil { // a disabled member keeps a billed seat
		t.Fatal(err)
	}
	billing.SetClock(t, at("2026-03-20 15:00"))
	remove(t, app, org, bob.ID())
	verify(t, app, org.ID)
	if sub := subscription(t, app, org.ID); sub.GetInt("monthlyAmount") != 3500+1500+0 {
		t.Fatalf("monthly amount %d", sub.GetInt("monthlyAmount"))
	}

	billing.SetClock(t, at("2026-03-31 23:59"))
	if _, err := billing.ClosePeriod(app, org.ID, at("2026-03-31 23:59"), false, audit.ActorSystem); !fail.Is(err, "period_not_due") {
		t.Fatalf("closing before the end: %v", err)
	}

	billing.SetClock(t, at("2026-04-01 00:00"))
	inv, err := billing.ClosePeriod(app, org.ID, at("2026-04-01 00:00"), false, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	// March has 31 days. Owner 3500 (31 days); Bob professional 7500 × 19/31 (2 … 20 March)
	// = 4596.77; Cat creator 3500 × 14/31 (2 … 15) = 1580.65, then viewer 0 (16 … 31);
	// Ann contributor 1500 × 21/31 (11 … 31) = 1016.13, disabled or not.
	want := map[string]int{"own:creator": 3500, "bob:professional": 4597, "cat:creator": 1581, "cat:viewer": 0, "ann:contributor": 1016}
	checkLines(t, inv, map[string]string{"own": org.Owner.ID(), "bob": bob.ID(), "cat": cat.ID(), "ann": ann.ID()}, want)
	if inv.Total != 10694 || inv.Number != "INV-2026-0001" || inv.Status != billing.Open || inv.Currency != "EUR" || inv.Days != 31 {
		t.Fatalf("invoice %+v", inv)
	}
	sub := subscription(t, app, org.ID)
	if sub.GetString("periodStart") != "2026-04-01 00:00:00.000Z" || sub.GetString("periodEnd") != "2026-05-01 00:00:00.000Z" {
		t.Fatalf("next period %s → %s", sub.GetString("periodStart"), sub.GetString("periodEnd"))
	}

	// April (30 days): the plan changes on the 11th at 06:00.
	billing.SetClock(t, at("2026-04-11 06:00"))
	s, err := billing.ChangePlan(app, owner, "pro")
	if err != nil {
		t.Fatal(err)
	}
	if s.MonthlyAmount != 5000+2000+0 || s.Plan.Code != "pro" {
		t.Fatalf("after the plan change: %d on %s", s.MonthlyAmount, s.Plan.Code)
	}
	var repriced int
	if err := app.DB().NewQuery("SELECT count(*) FROM seatLedger WHERE org = {:org} AND reason = 'plan_changed'").
		Bind(dbx.Params{"org": org.ID}).Row(&repriced); err != nil {
		t.Fatal(err)
	}
	if repriced != 4 { // owner and Ann, −1 and +1 each; Cat's viewer seat costs 0 on both plans
		t.Fatalf("%d plan_changed rows", repriced)
	}
	verify(t, app, org.ID)

	billing.SetClock(t, at("2026-05-01 00:00"))
	closed, err := billing.CloseDue(app, at("2026-05-01 00:00"), "", false, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	inv = invoiceOf(t, closed, org.ID, 1)[0]
	// Owner 3500 × 11/30 = 1283.33 then 5000 × 19/30 = 3166.67; Ann 1500 × 11/30 = 550
	// then 2000 × 19/30 = 1266.67; Cat 0.
	if inv.Total != 1283+3167+550+1267 || inv.Number != "INV-2026-0002" || inv.Days != 30 || len(inv.Lines) != 5 {
		t.Fatalf("April invoice %+v", inv)
	}
	if n := auditCount(t, app, org.ID, "billing.closePeriod"); n != 2 {
		t.Fatalf("%d closePeriod audit rows", n)
	}
	if n := auditCount(t, app, org.ID, "billing.changePlan"); n != 1 {
		t.Fatalf("%d changePlan audit rows", n)
	}
}

func checkLines(t *testing.T, inv *billing.Invoice, names map[string]string, want map[string]int) {
	t.Helper()
	ids := map[string]string{}
	for name, id := range names {
		ids[id] = name
	}
	got := map[string]int{}
	for _, l := range inv.Lines {
		got[ids[l.Member]+":"+l.UserType] += l.Amount
	}
	if len(got) != len(want) {
		t.Fatalf("lines %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d cents, want %d", k, got[k], v)
		}
	}
}

func invoiceOf(t *testing.T, closed []billing.Closed, org string, n int) []*billing.Invoice {
	t.Helper()
	for _, c := range closed {
		if c.Org == org {
			if c.Err != nil || len(c.Invoices) != n {
				t.Fatalf("closing %s: %d invoices, %v", org, len(c.Invoices), c.Err)
			}
			return c.Invoices
		}
	}
	t.Fatalf("%s was not closed", org)
	return nil
}

func TestMissedPeriodsAreAllInvoicedAndNumbersRestartEachYear(t *testing.T) {
	app := testapp.New(t)
	billing.SetClock(t, at("2026-09-15 10:00"))
	org := testapp.CreateOrg(t, app, "Acme", "team")
	join(t, app, org, access.Professional)

	// The job did not run for a while: the periods ending Oct 15, Nov 15 and Dec 15 are due.
	billing.SetClock(t, at("2026-12-20 00:00"))
	closed, err := billing.CloseDue(app, at("2026-12-20 00:00"), "", false, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	invs := invoiceOf(t, closed, org.ID, 3)
	billing.SetClock(t, at("2027-01-20 00:00"))
	closed, err = billing.CloseDue(app, at("2027-01-20 00:00"), "", false, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	invs = append(invs, invoiceOf(t, closed, org.ID, 1)...)
	numbers := []string{}
	for _, inv := range invs {
		numbers = append(numbers, inv.Number)
		// The owner and the member joined at 10:00 on Sept 15; each period's first
		// midnight is the 16th, and they held every one.
		if inv.Total != 3500+7500 {
			t.Errorf("%s: total %d", inv.Number, inv.Total)
		}
	}
	if got := strings.Join(numbers, " "); got != "INV-2026-0001 INV-2026-0002 INV-2026-0003 INV-2027-0001" {
		t.Fatalf("numbers %s", got)
	}
	if sub := subscription(t, app, org.ID); sub.GetString("periodStart") != "2027-01-15 10:00:00.000Z" {
		t.Fatalf("current period starts %s", sub.GetString("periodStart"))
	}
	if closed, err := billing.CloseDue(app, at("2027-01-20 00:00"), "", false, audit.ActorSystem); err != nil || len(closed) != 0 {
		t.Fatalf("closing again: %v %v", closed, err)
	}
}

func TestAForcedCloseInvoicesTheWholeCurrentPeriodNow(t *testing.T) {
	app := testapp.New(t)
	billing.SetClock(t, at("2026-06-01 00:00"))
	org := testapp.CreateOrg(t, app, "Acme", "team")
	billing.SetClock(t, at("2026-06-10 12:00"))
	if _, err := billing.CloseDue(app, at("2026-06-10 12:00"), "", true, audit.ActorSuperuser); !fail.Is(err, "required") {
		t.Fatalf("forcing every organisation: %v", err)
	}
	if _, err := billing.CloseDue(app, at("2026-06-10 12:00"), "no-such-org", true, audit.ActorSuperuser); !fail.Is(err, "not_found") {
		t.Fatalf("forcing an unknown organisation: %v", err)
	}
	rec, err := app.FindRecordById("organizations", org.ID)
	if err != nil {
		t.Fatal(err)
	}
	slug := rec.GetString("slug")
	closed, err := billing.CloseDue(app, at("2026-06-10 12:00"), slug, true, audit.ActorSuperuser)
	if err != nil {
		t.Fatal(err)
	}
	inv := invoiceOf(t, closed, org.ID, 1)[0]
	if inv.Total != 3500 || inv.PeriodEnd != "2026-07-01 00:00:00.000Z" {
		t.Fatalf("forced invoice %+v", inv)
	}
	if sub := subscription(t, app, org.ID); sub.GetString("periodStart") != "2026-07-01 00:00:00.000Z" {
		t.Fatalf("next period starts %s", sub.GetString("periodStart"))
	}
}
