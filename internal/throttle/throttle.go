// Package throttle owns the process-wide limit on password hashing. A bcrypt check
// holds a core for tens of milliseconds, so a flood of sign-ins would otherwise take
// every core from the reads: each check takes one of runtime.NumCPU() slots
// (ROSTER_SIGNIN_CONCURRENCY changes the number), one of which is kept for other
// requests while they are being served, and the others queue, each waiting only as
// long as its request lasts.
package throttle

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// EnvSlots names the environment variable that sets the number of slots.
const EnvSlots = "ROSTER_SIGNIN_CONCURRENCY"

// ReadGrace is how long after the last request other than a sign-in one slot stays
// kept for the reads.
const ReadGrace = 200 * time.Millisecond

// Limiter runs functions in a bounded number of slots. While other requests are being
// served (Serving), or were within ReadGrace, it keeps one slot free for them: on two
// cores a flood of sign-ins then leaves one core to the reads, and a flood with nothing
// else going on uses every core.
type Limiter struct {
	mu      sync.Mutex
	slots   int
	running int
	wake    chan struct{} // closed and replaced whenever a slot may have freed

	serving  atomic.Int64 // other requests in flight
	lastSeen atomic.Int64 // when the last one ended (Unix nanoseconds)

	waiting atomic.Int64 // callers waiting for a slot now
	peak    atomic.Int64 // most functions running at once
	runs    atomic.Int64 // functions run
	served  atomic.Int64 // other requests marked
}

// New is a limiter of n slots (at least one).
func New(n int) *Limiter {
	l := &Limiter{wake: make(chan struct{})}
	l.Resize(n)
	return l
}

// Resize sets the number of slots (at least one); those running keep theirs.
func (l *Limiter) Resize(n int) {
	l.mu.Lock()
	l.slots = max(n, 1)
	l.wakeLocked()
	l.mu.Unlock()
}

// Slots is the number of slots.
func (l *Limiter) Slots() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.slots
}

// Serving marks another request (not a sign-in) in flight until done is called.
func (l *Limiter) Serving() (done func()) {
	l.serving.Add(1)
	l.served.Add(1)
	return func() {
		l.lastSeen.Store(time.Now().UnixNano())
		l.serving.Add(-1)
		l.mu.Lock()
		l.wakeLocked()
		l.mu.Unlock()
	}
}

// open is how many slots may run now: one fewer while other requests are served.
func (l *Limiter) openLocked(now time.Time) int {
	if l.slots > 1 && (l.serving.Load() > 0 || now.UnixNano()-l.lastSeen.Load() < int64(ReadGrace)) {
		return l.slots - 1
	}
	return l.slots
}

func (l *Limiter) wakeLocked() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// Do runs fn in a slot once one is free, and returns fn's error. It gives up waiting
// when ctx is done (the client went away, the server stops) and returns ctx's error
// without running fn.
func (l *Limiter) Do(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.waiting.Add(1)
	for {
		l.mu.Lock()
		if l.running < l.openLocked(time.Now()) {
			l.running++
			if n := int64(l.running); n > l.peak.Load() {
				l.peak.Store(n)
			}
			l.mu.Unlock()
			l.waiting.Add(-1)
			break
		}
		wake := l.wake
		l.mu.Unlock()
		timer := time.NewTimer(ReadGrace) // the kept slot frees itself after the grace
		select {
		case <-wake:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			l.waiting.Add(-1)
			return ctx.Err()
		}
		timer.Stop()
	}
	defer func() {
		l.mu.Lock()
		l.running--
		l.wakeLocked()
		l.mu.Unlock()
	}()
	l.runs.Add(1)
	return fn()
}

// Stats says how many functions ran, the most that ran at once, and how many callers
// wait for a slot now.
// Served counts the other requests marked by Serving.
type Stats struct{ Runs, Peak, Waiting, Served int64 }

// Stats reads the counters (since the last ResetStats).
func (l *Limiter) Stats() Stats {
	return Stats{Runs: l.runs.Load(), Peak: l.peak.Load(), Waiting: l.waiting.Load(), Served: l.served.Load()}
}

// ResetStats zeroes the runs, the peak and the served count.
func (l *Limiter) ResetStats() {
	l.runs.Store(0)
	l.peak.Store(0)
	l.served.Store(0)
}

// Passwords is the process-wide limiter of password hashing, of DefaultSlots() slots.
var Passwords = New(DefaultSlots())

// DefaultSlots is ROSTER_SIGNIN_CONCURRENCY when it is a positive whole number, else
// runtime.NumCPU().
func DefaultSlots() int {
	if n, err := strconv.Atoi(os.Getenv(EnvSlots)); err == nil && n > 0 {
		return n
	}
	return runtime.NumCPU()
}

// ValidatePassword checks password against the record's bcrypt hash in a Passwords
// slot; the error is ctx's when it ended before a slot was free.
func ValidatePassword(ctx context.Context, record *core.Record, password string) (ok bool, err error) {
	err = Passwords.Do(ctx, func() error {
		ok = record.ValidatePassword(password)
		return nil
	})
	return ok, err
}
