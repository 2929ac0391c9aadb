package billing_test

import (
	"testing"
	"time"

	"roster/internal/billing"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestDaysCountTheUTCMidnightsOfAnInterval(t *testing.T) {
	cases := []struct {
		name     string
		from, to string
		days     int
	}{
		{"a calendar month from midnight to midnight", "2026-03-01 00:00", "2026-04-01 00:00", 31},
		{"February", "2026-02-01 00:00", "2026-03-01 00:00", 28},
		{"a month from mid-morning to mid-morning", "2026-03-14 10:37", "2026-04-14 10:37", 31},
		{"a join at midnight counts that day", "2026-03-10 00:00", "2026-03-11 00:00", 1},
		{"a join a minute after midnight does not", "2026-03-10 00:01", "2026-03-11 00:00", 0},
		{"a removal a minute after midnight counts that day", "2026-03-10 00:00", "2026-03-10 00:01", 1},
		{"a removal at midnight does not count that day", "2026-03-09 12:00", "2026-03-10 00:00", 0},
		{"an empty interval", "2026-03-10 12:00", "2026-03-10 12:00", 0},
		{"a reversed interval", "2026-03-11 12:00", "2026-03-10 12:00", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := billing.Days(at(c.from), at(c.to)); got != c.days {
				t.Fatalf("Days(%s, %s) = %d, want %d", c.from, c.to, got, c.days)
			}
		})
	}
}

func TestProratedAmountsRoundHalfAwayFromZero(t *testing.T) {
	cases := []struct{ price, days, period, want int }{
		{3500, 31, 31, 3500},
		{1500, 21, 31, 1016}, // 1016.13
		{7500, 19, 31, 4597}, // 4596.77
		{3500, 14, 31, 1581}, // 1580.65
		{100, 1, 8, 13},      // 12.5 → 13
		{-100, 1, 8, -13},    // −12.5 → −13
		{0, 30, 30, 0},
		{3500, 0, 31, 0},
		{3500, 5, 0, 0},
	}
	for _, c := range cases {
		if got := billing.Prorated(c.price, c.days, c.period); got != c.want {
			t.Errorf("Prorated(%d, %d, %d) = %d, want %d", c.price, c.days, c.period, got, c.want)
		}
	}
}

func TestPeriodsLastAMonthAndComeBackToTheirAnchorDay(t *testing.T) {
	start := at("2026-01-31 09:30")
	want := []string{"2026-02-28 09:30", "2026-03-31 09:30", "2026-04-30 09:30", "2026-05-31 09:30", "2026-06-30 09:30"}
	prev := start
	end := billing.NextPeriodEnd(start, start)
	for i, w := range want {
		if !end.Equal(at(w)) {
			t.Fatalf("period %d ends %s, want %s", i+1, end, w)
		}
		prev, start = start, end
		end = billing.NextPeriodEnd(start, prev)
	}
	if got := billing.NextPeriodEnd(at("2026-03-14 10:37"), at("2026-03-14 10:37")); !got.Equal(at("2026-04-14 10:37")) {
		t.Fatalf("mid-month period ends %s", got)
	}
	if got := billing.NextPeriodEnd(at("2026-12-05 00:00"), at("2026-11-05 00:00")); !got.Equal(at("2027-01-05 00:00")) {
		t.Fatalf("December period ends %s", got)
	}
}

// row builds a ledger row for Replay.
func row(member, label, userType string, delta, monthly int, when string) billing.LedgerRow {
	return billing.LedgerRow{Membership: member, Label: label, UserType: userType, Delta: delta, MonthlyDelta: monthly,
		At: at(when), AtText: when}
}

func TestAHandComputedMonthWithAJoinARemovalATypeChangeAndAPlanChange(t *testing.T) {
	// March 2026: 31 days (midnights of March 1 … March 31).
	rows := []billing.LedgerRow{
		row("own", "Owner", "creator", 1, 3500, "2026-02-10 09:00"), // held all month
		row("bob", "Bob", "professional", 1, 7500, "2026-03-01 08:00"),
		row("cat", "Cat", "creator", 1, 3500, "2026-03-01 08:00"),
		row("ann", "Ann", "contributor", 1, 1500, "2026-03-10 09:00"), // joins: 11 … 31 = 21 days
		row("cat", "Cat", "creator", -1, -3500, "2026-03-15 12:00"),   // type change: creator 2 … 15 = 14 days
		row("cat", "Cat", "viewer", 1, 0, "2026-03-15 12:00"),         //              viewer 16 … 31 = 16 days
		row("bob", "Bob", "professional", -1, -7500, "2026-03-20 15:00"),
		// plan change on the 25th at 06:00: the owner's creator seat goes to 5000
		row("own", "Owner", "creator", -1, -3500, "2026-03-25 06:00"),
		row("own", "Owner", "creator", 1, 5000, "2026-03-25 06:00"),
		// a row after the period is not billed in it
		row("ann", "Ann", "contributor", -1, -1500, "2026-04-03 10:00"),
	}
	intervals, err := billing.Replay(rows)
	if err != nil {
		t.Fatal(err)
	}
	lines, total := billing.Prorate(intervals, at("2026-03-01 00:00"), at("2026-04-01 00:00"))
	want := []billing.Line{
		{Member: "ann", Label: "Ann", UserType: "contributor", From: "2026-03-11", To: "2026-03-31", Days: 21, Price: 1500, Amount: 1016},
		{Member: "bob", Label: "Bob", UserType: "professional", From: "2026-03-02", To: "2026-03-20", Days: 19, Price: 7500, Amount: 4597},
		{Member: "cat", Label: "Cat", UserType: "creator", From: "2026-03-02", To: "2026-03-15", Days: 14, Price: 3500, Amount: 1581},
		{Member: "cat", Label: "Cat", UserType: "viewer", From: "2026-03-16", To: "2026-03-31", Days: 16, Price: 0, Amount: 0},
		{Member: "own", Label: "Owner", UserType: "creator", From: "2026-03-01", To: "2026-03-25", Days: 25, Price: 3500, Amount: 2823},
		{Member: "own", Label: "Owner", UserType: "creator", From: "2026-03-26", To: "2026-03-31", Days: 6, Price: 5000, Amount: 968},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %+v\nwant     %+v", i, lines[i], want[i])
		}
	}
	// 1016 + 4597 + 1581 + 0 + 2823 (3500 × 25 / 31 = 2822.58) + 968 (5000 × 6 / 31 = 967.74)
	if total != 10985 {
		t.Fatalf("total %d, want 10985", total)
	}
}

func TestAMemberWhoJoinsAndLeavesBetweenTwoMidnightsIsNotBilled(t *testing.T) {
	intervals, err := billing.Replay([]billing.LedgerRow{
		row("x", "X", "professional", 1, 7500, "2026-03-10 09:00"),
		row("x", "X", "professional", -1, -7500, "2026-03-10 17:00"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if lines, total := billing.Prorate(intervals, at("2026-03-01 00:00"), at("2026-04-01 00:00")); len(lines) != 0 || total != 0 {
		t.Fatalf("lines %+v total %d", lines, total)
	}
}

func TestRowsThatRepriceATypeWithoutAMemberAreSpreadOverItsOpenSeats(t *testing.T) {
	// What the demo writes when a plan change re-prices every creator seat at once:
	// no membership, delta 0, monthlyDelta = seats × (new − old).
	intervals, err := billing.Replay([]billing.LedgerRow{
		row("a", "A", "creator", 1, 3500, "2026-02-01 00:00"),
		row("b", "B", "creator", 1, 3500, "2026-02-01 00:00"),
		row("c", "C", "viewer", 1, 0, "2026-02-01 00:00"),
		row("", "2 creator seats, plan team → pro", "creator", 0, 3000, "2026-03-16 12:00"),
	})
	if err != nil {
		t.Fatal(err)
	}
	lines, total := billing.Prorate(intervals, at("2026-03-01 00:00"), at("2026-04-01 00:00"))
	// Each creator: 3500 × 16/31 = 1806.45 → 1806, then 5000 × 15/31 = 2419.35 → 2419.
	if len(lines) != 5 || total != 2*(1806+2419) {
		t.Fatalf("lines %+v total %d", lines, total)
	}

	_, err = billing.Replay([]billing.LedgerRow{
		row("a", "A", "creator", 1, 3500, "2026-02-01 00:00"),
		row("b", "B", "creator", 1, 3500, "2026-02-01 00:00"),
		row("", "odd", "creator", 0, 3001, "2026-03-16 12:00"),
	})
	if err == nil {
		t.Fatal("a re-pricing that does not divide over the open seats was accepted")
	}
	if _, err := billing.Replay([]billing.LedgerRow{row("", "none open", "creator", 0, 3000, "2026-03-16 12:00")}); err == nil {
		t.Fatal("a re-pricing with no open seat was accepted")
	}
}

func TestALedgerThatRemovesASeatNeverAddedIsRefused(t *testing.T) {
	if _, err := billing.Replay([]billing.LedgerRow{row("ghost", "G", "creator", -1, -3500, "2026-03-02 10:00")}); err == nil {
		t.Fatal("accepted")
	}
}
