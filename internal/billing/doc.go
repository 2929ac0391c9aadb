// Package billing owns plans, the seat ledger and the subscription it caches, invoices,
// payment methods and credits. Billing is the owner's alone (access.BillingManage);
// consuming credits is any active member's, on their own allocation.
//
// # Seat ledger
//
// Every change of a billed seat (an active or disabled member) flows through
// SeatChanged (SeatsChanged for many at once), in the caller's transaction: one seatLedger row per seat event of one
// member, delta ±1 and monthlyDelta ±(that seat's price at that time), and the
// subscription's cached seats and monthlyAmount move by the same amounts. Disabling a
// member changes no billed seat. A plan change re-prices every billed seat whose price
// changes: per member, a −1 row at the old price and a +1 row at the new one, both with
// reason plan_changed, written in a few multi-row inserts (ChangePlan). Hence, for
// every organisation, at every moment:
//
//	subscription.seats[type]   = Σ delta        of its ledger rows of that type
//	subscription.monthlyAmount = Σ monthlyDelta of its ledger rows
//
// and the ledger, replayed in (at, insertion) order, gives each seat's intervals: a +1
// row opens one at its price, the member's next −1 row of that type closes it.
//
// Rows that name no member (membership empty, delta 0, reason plan_changed) are what
// the demo once wrote to re-price all seats of one type at once. They are tolerated,
// the same way everywhere: in the sums they count as they are; in the replay they
// re-price every seat of that type open at that moment by monthlyDelta ÷ open seats
// (a row whose amount does not divide evenly over them, or finds none to re-price, is
// refused as an inconsistent ledger, and the period is not invoiced). ChangePlan never
// writes such rows.
//
// # Periods and daily proration
//
// A subscription's period runs from periodStart (inclusive) to periodEnd (exclusive),
// one month long; the next period starts where the last ended and ends on the same
// day of the next month (clamped to the month's last day, and back to the anchor day
// afterwards: Jan 31 → Feb 28 → Mar 31).
//
// The days of a period are the UTC midnights in [periodStart, periodEnd). A seat is
// billed for one of those days when it was held at that midnight: joined at or before
// 00:00:00 UTC and not yet removed (or re-typed, or re-priced) at that instant. So
// the day a member joins is free, the day a member leaves is billed, and on the day of a
// type or plan change the old seat is billed. Every midnight belongs to exactly one
// period, so no day is billed twice or missed.
//
// Each seat interval inside the period is one invoice line:
//
//	amount = round(price × days ÷ daysInPeriod)   (half away from zero, in cents)
//
// so a seat held the whole period costs exactly its monthly price. The total is the
// sum of the rounded lines. Lines of zero days are left out.
//
// # Invoices
//
// ClosePeriod turns a period that has ended (or any period, forced) into an invoice
// numbered INV-<year of issue>-<NNNN>, sequential per organisation and restarting at
// 0001 each year, status open, then moves the subscription to the next period. A daily
// cron job (Register) and `roster billing close-period` close every due period.
// Invoices are paid through a Provider; the built-in "manual" provider records that
// the owner received the payment.
//
// # Card data
//
// Payment methods keep a brand, the last four digits, an expiry and a holder, never a
// card number or a security code: input with a string that looks like a full card
// number (13 to 19 digits, spaces or dashes allowed between them, passing the Luhn
// check) or with a cvc/cvv/securityCode field is refused with 400 before anything is
// stored or logged, and the error never repeats the value.
package billing
