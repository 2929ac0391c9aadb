package billing_test

import (
	"testing"
	"time"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/demo"
	"roster/internal/testapp"
)

func TestZZBig(t *testing.T) {
	app := testapp.New(t)
	res, err := demo.Run(app, demo.Options{Org: "big", Members: 100000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	org := res.Org.Id
	verify(t, app, org)
	addPlan(t, app, "pro", 0, proPrices)
	owner, _ := app.FindFirstRecordByData("memberships", "role", "owner")
	a := billing.Actor{Member: access.Member{ID: owner.Id, Role: access.RoleOwner, UserType: access.Creator, Status: access.Active}, Org: org, Label: "o"}
	start := time.Now()
	s, err := billing.ChangePlan(app, a, "pro", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan change: %s, %d seats, %d cents", time.Since(start), s.BilledSeats, s.MonthlyAmount)
	start = time.Now()
	verify(t, app, org)
	t.Logf("verify: %s", time.Since(start))
	start = time.Now()
	if _, err := billing.GetSubscription(app, a); err != nil {
		t.Fatal(err)
	}
	t.Logf("subscription: %s", time.Since(start))
	start = time.Now()
	inv, err := billing.ClosePeriod(app, org, time.Now(), true, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("close: %s, %d lines, total %d", time.Since(start), len(inv.Lines), inv.Total)
	start = time.Now()
	if _, err := billing.ListInvoices(app, a, 1, 50); err != nil {
		t.Fatal(err)
	}
	t.Logf("list: %s", time.Since(start))
	start = time.Now()
	if _, err := billing.InvoiceHTML(app, a, inv.ID); err != nil {
		t.Fatal(err)
	}
	t.Logf("html: %s", time.Since(start))
}
