// Package throttle owns the process-wide limit on password hashing. A bcrypt check
// holds a core for tens of milliseconds, so a flood of sign-ins would otherwise take
// every core from the reads: each check takes one of runtime.NumCPU() slots
// (ROSTER_SIGNIN_CONCURRENCY changes the number) and the others queue, each waiting
// only as long as its request lasts.
package throttle

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// EnvSlots names the environment variable that sets the number of slots.
const EnvSlots = "ROSTER_SIGNIN_CONCURRENCY"

// Limiter runs functions in a bounded number of slots, first come first served.
type Limiter struct {
	slots   atomic.Pointer[chan struct{}]
	running atomic.Int64 // functions running now
	waiting atomic.Int64 // callers waiting for a slot now
	peak    atomic.Int64 // most functions running at once
	runs    atomic.Int64 // functions run
}

// New is a limiter of n slots (at least one).
func New(n int) *Limiter {
	l := &Limiter{}
	l.Resize(n)
	return l
}

// Resize sets the number of slots (at least one) for the callers that come next;
// those running or waiting keep the slots they had.
func (l *Limiter) Resize(n int) {
	slots := make(chan struct{}, max(n, 1))
	l.slots.Store(&slots)
}

// Slots is the number of slots.
func (l *Limiter) Slots() int { return cap(*l.slots.Load()) }

// Do runs fn in a slot once one is free, and returns fn's error. It gives up waiting
// when ctx is done (the client went away, the server stops) and returns ctx's error
// without running fn.
func (l *Limiter) Do(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	slots := *l.slots.Load()
	l.waiting.Add(1)
	select {
	case slots <- struct{}{}:
		l.waiting.Add(-1)
	case <-ctx.Done():
		l.waiting.Add(-1)
		return ctx.Err()
	}
	defer func() { <-slots }()
	n := l.running.Add(1)
	defer l.running.Add(-1)
	for {
		p := l.peak.Load()
		if n <= p || l.peak.CompareAndSwap(p, n) {
			break
		}
	}
	l.runs.Add(1)
	return fn()
}

// Stats says how many functions ran, the most that ran at once, and how many callers
// wait for a slot now.
type Stats struct{ Runs, Peak, Waiting int64 }

// Stats reads the counters (since the last ResetStats).
func (l *Limiter) Stats() Stats {
	return Stats{Runs: l.runs.Load(), Peak: l.peak.Load(), Waiting: l.waiting.Load()}
}

// ResetStats zeroes the runs and the peak.
func (l *Limiter) ResetStats() {
	l.runs.Store(0)
	l.peak.Store(0)
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
