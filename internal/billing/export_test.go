package billing

import (
	"testing"
	"time"
)

// SetClock fixes billing's time for the rest of the test (ledger rows, periods,
// re-pricing, payments).
func SetClock(t testing.TB, at time.Time) {
	at = at.UTC()
	clock.Store(&at)
	t.Cleanup(func() { clock.Store(nil) })
}

// NextPeriodEnd exposes the period arithmetic.
var NextPeriodEnd = nextPeriodEnd
