// Package throttle owns the process-wide limit on password hashing. A bcrypt check
// holds a core for tens of milliseconds, so a flood of sign-ins would otherwise take
// every core from the reads: each check takes a slot, one per core by default
// (ROSTER_SIGNIN_CONCURRENCY changes the number), one of which is kept for other
// requests while they are being served, and the others queue, each waiting only as
// long as its request lasts.
package throttle

import (
	"context"
	"os"
	"runtime"
	"slices"
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
// else going on uses every core. Callers wait in a queue, first come first served, and
// a freed slot is handed to the first one only: waking every waiter at once, on every
// read that ends, would leave the next read queued behind them all.
type Limiter struct {
	mu      sync.Mutex
	slots   int
	running int
	queue   []chan struct{} // waiters in arrival order; a slot is handed over by a send
	grace   *time.Timer     // hands out the kept slot once ReadGrace has passed

	serving  atomic.Int64 // other requests in flight
	lastSeen atomic.Int64 // when the last one ended (Unix nanoseconds)

	waiting atomic.Int64 // callers waiting for a slot now
	peak    atomic.Int64 // most functions running at once
	runs    atomic.Int64 // functions run
	served  atomic.Int64 // other requests marked
}

// New is a limiter of n slots (at least one).
func New(n int) *Limiter {
	l := &Limiter{}
	l.Resize(n)
	return l
}

// Resize sets the number of slots (at least one); those running keep theirs.
func (l *Limiter) Resize(n int) {
	l.mu.Lock()
	l.slots = max(n, 1)
	l.dispatchLocked()
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
		if l.serving.Add(-1) > 0 {
			return // the slot stays kept: nothing to hand out
		}
		l.mu.Lock()
		l.dispatchLocked() // sets the timer that hands the kept slot out after ReadGrace
		l.mu.Unlock()
	}
}

// openLocked is how many slots may run now: one fewer while other requests are served
// or were within ReadGrace (then also how long until the grace ends).
func (l *Limiter) openLocked(now time.Time) (open int, graceLeft time.Duration) {
	if l.slots == 1 {
		return 1, 0
	}
	if l.serving.Load() > 0 {
		return l.slots - 1, 0
	}
	if left := time.Duration(l.lastSeen.Load() + int64(ReadGrace) - now.UnixNano()); left > 0 {
		return l.slots - 1, left
	}
	return l.slots, 0
}

// dispatchLocked hands the open slots to the first waiters, and when only the grace
// keeps a slot from the next one, sets a timer to look again once it ends.
func (l *Limiter) dispatchLocked() {
	open, left := l.openLocked(time.Now())
	for len(l.queue) > 0 && l.running < open {
		l.running++
		l.notePeakLocked()
		l.queue[0] <- struct{}{} // buffered: the waiter takes it, or gives it back
		l.queue = l.queue[1:]
	}
	if len(l.queue) > 0 && left > 0 && l.running < l.slots && l.grace == nil {
		l.grace = time.AfterFunc(left, func() {
			l.mu.Lock()
			l.grace = nil
			l.dispatchLocked()
			l.mu.Unlock()
		})
	}
}

func (l *Limiter) notePeakLocked() {
	if n := int64(l.running); n > l.peak.Load() {
		l.peak.Store(n)
	}
}

// releaseLocked frees a slot and hands it on.
func (l *Limiter) releaseLocked() {
	l.running--
	l.dispatchLocked()
}

// Do runs fn in a slot once one is free, and returns fn's error. It gives up waiting
// when ctx is done (the client went away, the server stops) and returns ctx's error
// without running fn.
func (l *Limiter) Do(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	if open, _ := l.openLocked(time.Now()); len(l.queue) == 0 && l.running < open {
		l.running++
		l.notePeakLocked()
		l.mu.Unlock()
	} else {
		turn := make(chan struct{}, 1)
		l.queue = append(l.queue, turn)
		l.dispatchLocked() // sets the grace timer if only the grace holds the slot back
		l.mu.Unlock()
		l.waiting.Add(1)
		select {
		case <-turn:
			l.waiting.Add(-1)
		case <-ctx.Done():
			l.waiting.Add(-1)
			l.mu.Lock()
			if i := slices.Index(l.queue, turn); i >= 0 {
				l.queue = slices.Delete(l.queue, i, i+1)
			} else {
				l.releaseLocked() // handed a slot as ctx ended: pass it on
			}
			l.mu.Unlock()
			return ctx.Err()
		}
	}
	defer func() {
		l.mu.Lock()
		l.releaseLocked()
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

// cores is how many cores the process may use, as Go counts them at start, before
// SpareProc: the machine's CPUs, a container's CPU limit, or the GOMAXPROCS variable.
// (runtime.NumCPU would count every CPU of the host under a container's limit.)
var cores = runtime.GOMAXPROCS(0)

// DefaultSlots is ROSTER_SIGNIN_CONCURRENCY when it is a positive whole number, else
// one per core.
func DefaultSlots() int {
	if n, err := strconv.Atoi(os.Getenv(EnvSlots)); err == nil && n > 0 {
		return n
	}
	return cores
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

// SpareProc raises GOMAXPROCS one above its default (cores), unless the GOMAXPROCS
// variable sets it. A hash holds its
// goroutine's P for its whole length, so with every slot hashing (a sign-in storm, no
// other request for ReadGrace) no P would be left to take a new request: it would wait
// for the runtime's preemption, 10 ms and more, before it is even read. With a spare
// P it is read at once and the kernel shares the cores among the threads. The server
// calls it at start.
func SpareProc() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(cores + 1)
	}
}
