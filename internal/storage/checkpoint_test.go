package storage

import (
	"testing"
	"time"
)

// The log is checkpointed once an Interval has passed without a commit, or after
// MaxDelay of commits that never pause; never when nothing was committed.
func TestCheckpointWaitsForAQuietMoment(t *testing.T) {
	app := BareApp(t)
	w := &watch{db: app.ConcurrentDB()}
	defer w.close()
	write := func() {
		t.Helper()
		if _, err := app.NonconcurrentDB().NewQuery("INSERT INTO walQuiet (v) VALUES (1)").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	look := func(at time.Time, want bool, what string) {
		t.Helper()
		got, err := w.look(at)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%s: checkpointed %v, want %v", what, got, want)
		}
	}
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE walQuiet (v INTEGER)").Execute(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	look(t0, false, "the first look, after a commit")
	look(t0.Add(Interval), true, "a quiet Interval after commits")
	look(t0.Add(2*Interval), false, "nothing committed since")

	start := t0.Add(3 * Interval)
	at := start
	for ; at.Sub(start) < MaxDelay; at = at.Add(Interval) {
		write()
		look(at, false, "commits in every Interval, before MaxDelay")
	}
	write()
	look(at, true, "commits in every Interval, at MaxDelay")
}
