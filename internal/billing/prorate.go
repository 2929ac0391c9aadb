package billing

import (
	"sort"
	"sync/atomic"
	"time"
)

// clock is billing's time source: the wall clock, or a fixed time in tests.
var clock atomic.Pointer[time.Time]

// now is the current time in UTC, to the millisecond (what the database keeps).
func now() time.Time {
	if t := clock.Load(); t != nil {
		return *t
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

const day = 24 * time.Hour

// midnightIndex is the number of the first UTC midnight at or after t, counted in days
// from the Unix epoch. The midnights in [a, b) are midnightIndex(a) … midnightIndex(b)-1.
func midnightIndex(t time.Time) int64 {
	d := t.UTC().Truncate(day) // Unix time has no leap seconds: UTC days are 24 h
	i := d.Unix() / 86400
	if d.Before(t) {
		i++
	}
	return i
}

// Days counts the billed days in [from, to): the UTC midnights it contains.
func Days(from, to time.Time) int {
	if !from.Before(to) {
		return 0
	}
	return int(midnightIndex(to) - midnightIndex(from))
}

// dayOf is the UTC date of midnight number i, as YYYY-MM-DD.
func dayOf(i int64) string { return time.Unix(i*86400, 0).UTC().Format(time.DateOnly) }

// Prorated is price × days ÷ daysInPeriod in cents, rounded half away from zero.
func Prorated(price, days, daysInPeriod int) int {
	if daysInPeriod <= 0 || days <= 0 {
		return 0
	}
	n := int64(price) * int64(days)
	d := int64(daysInPeriod)
	if n < 0 {
		return -int((-n*2 + d) / (2 * d))
	}
	return int((n*2 + d) / (2 * d))
}

// nextPeriodEnd is the end of the month-long period that starts at start, when the
// period before started at prevStart (for a first period, prevStart = start): the same
// time of day, in the month after start's, on the anchor day clamped to that month's
// length. The anchor is the later day of the two, so a day clamped once (Jan 31 →
// Feb 28) comes back (→ Mar 31): two months in a row are never both short of it.
func nextPeriodEnd(start, prevStart time.Time) time.Time {
	start, prevStart = start.UTC(), prevStart.UTC()
	anchor := max(start.Day(), prevStart.Day())
	y, m, _ := start.Date()
	first := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	h, mi, s := start.Clock()
	return time.Date(first.Year(), first.Month(), min(anchor, last), h, mi, s, start.Nanosecond(), time.UTC)
}

// Line is one seat interval of an invoice: a member held a seat of one user type, at
// one price, on days billed days from From to To (UTC dates, both billed).
type Line struct {
	Member   string `json:"member"` // membership id ("" for a seat the ledger names no member for)
	Label    string `json:"label"`
	UserType string `json:"userType"`
	From     string `json:"from"`
	To       string `json:"to"`
	Days     int    `json:"days"`
	Price    int    `json:"price"`  // cents per month
	Amount   int    `json:"amount"` // cents
}

// Prorate bills the seat intervals over the period [start, end): one line per interval
// with at least one billed day (see the package doc), and their total.
func Prorate(intervals []Interval, start, end time.Time) ([]Line, int) {
	dip := Days(start, end)
	lines := []Line{}
	total := 0
	for _, iv := range intervals {
		from, to := iv.From, iv.To
		if from.Before(start) {
			from = start
		}
		if iv.To.IsZero() || to.After(end) {
			to = end
		}
		days := Days(from, to)
		if days <= 0 {
			continue
		}
		first := midnightIndex(from)
		l := Line{Member: iv.Member, Label: iv.Label, UserType: iv.UserType, From: dayOf(first),
			To: dayOf(first + int64(days) - 1), Days: days, Price: iv.Price, Amount: Prorated(iv.Price, days, dip)}
		total += l.Amount
		lines = append(lines, l)
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Label != lines[j].Label {
			return lines[i].Label < lines[j].Label
		}
		if lines[i].Member != lines[j].Member {
			return lines[i].Member < lines[j].Member
		}
		return lines[i].From < lines[j].From
	})
	return lines, total
}
