package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"roster/internal/throttle"
)

// until waits for cond, failing the test if it does not come (a guard, not a measure).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// With two slots, ten callers run two at a time: the others wait, and each one that
// finishes lets exactly one more in.
func TestDoRunsAsManyAsThereAreSlots(t *testing.T) {
	l := throttle.New(2)
	var inside, most atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := l.Do(context.Background(), func() error {
				n := inside.Add(1)
				for {
					if m := most.Load(); n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				<-release
				inside.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	for left := 10; left > 0; left-- {
		want := int64(min(2, left))
		until(t, "the slots filled", func() bool { return inside.Load() == want && l.Stats().Waiting == int64(left)-want })
		release <- struct{}{}
	}
	wg.Wait()
	if s := l.Stats(); s.Runs != 10 || s.Peak != 2 || most.Load() != 2 || s.Waiting != 0 {
		t.Fatalf("stats %+v, most inside at once %d", s, most.Load())
	}
}

// A caller waiting for a slot stops when its context ends, without running.
func TestWaitingEndsWithTheContext(t *testing.T) {
	l := throttle.New(1)
	release, held := make(chan struct{}), make(chan error)
	go func() { held <- l.Do(context.Background(), func() error { <-release; return nil }) }()
	until(t, "the slot taken", func() bool { return l.Stats().Runs == 1 })

	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	queued := make(chan error)
	go func() { queued <- l.Do(ctx, func() error { ran = true; return nil }) }()
	until(t, "the second caller waiting", func() bool { return l.Stats().Waiting == 1 })
	cancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if ran || l.Stats().Runs != 1 {
		t.Fatalf("the cancelled caller ran (%v, %+v)", ran, l.Stats())
	}
	if err := l.Do(ctx, func() error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("an ended context still ran: %v", err)
	}
	want := errors.New("fn's own error")
	if err := l.Do(context.Background(), func() error { return want }); err != want {
		t.Fatalf("want fn's error, got %v", err)
	}
}

func TestDefaultSlots(t *testing.T) {
	cores := runtime.GOMAXPROCS(0) // this test binary never calls SpareProc
	for env, want := range map[string]int{"3": 3, "1": 1, "": cores, "0": cores, "-2": cores, "many": cores} {
		t.Setenv(throttle.EnvSlots, env)
		if got := throttle.DefaultSlots(); got != want {
			t.Errorf("%s=%q: %d slots, want %d", throttle.EnvSlots, env, got, want)
		}
	}
	if got := throttle.New(0).Slots(); got != 1 {
		t.Errorf("New(0) has %d slots", got)
	}
	l := throttle.New(4)
	l.Resize(7)
	if got := l.Slots(); got != 7 {
		t.Errorf("after Resize(7): %d slots", got)
	}
}

// While another request is served, and for ReadGrace after, one of two slots is kept
// for it; with nothing else going on both slots run.
func TestOneSlotIsKeptWhileOtherRequestsAreServed(t *testing.T) {
	l := throttle.New(2)
	release := make(chan struct{})
	var inside atomic.Int64
	var wg sync.WaitGroup
	start := func(n int) {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = l.Do(context.Background(), func() error {
					inside.Add(1)
					<-release
					inside.Add(-1)
					return nil
				})
			}()
		}
	}

	done := l.Serving()
	start(3)
	until(t, "one runs, two wait", func() bool { return inside.Load() == 1 && l.Stats().Waiting == 2 })
	done() // the grace passes, then the kept slot frees
	until(t, "two run", func() bool { return inside.Load() == 2 && l.Stats().Waiting == 1 })

	release <- struct{}{}
	until(t, "the third runs", func() bool { return inside.Load() == 2 && l.Stats().Waiting == 0 })
	done = l.Serving()
	release <- struct{}{}
	release <- struct{}{}
	wg.Wait()
	start(2)
	until(t, "one runs while a request is served", func() bool { return inside.Load() == 1 && l.Stats().Waiting == 1 })
	done()
	until(t, "both run after it", func() bool { return inside.Load() == 2 })
	release <- struct{}{}
	release <- struct{}{}
	wg.Wait()

	one := throttle.New(1)
	defer one.Serving()()
	if err := one.Do(context.Background(), func() error { return nil }); err != nil {
		t.Fatalf("a single slot is never kept: %v", err)
	}
}

// Waiters are served first come first served: a freed slot goes to the one that has
// waited longest (each is handed its slot; they are not all woken to race for it).
func TestWaitersAreServedInOrder(t *testing.T) {
	l := throttle.New(1)
	release := make(chan struct{})
	var order []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(i int) {
		defer wg.Done()
		_ = l.Do(context.Background(), func() error {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			<-release
			return nil
		})
	}
	wg.Add(1)
	go run(0)
	until(t, "the first runs", func() bool { return l.Stats().Runs == 1 })
	for i := 1; i <= 8; i++ {
		wg.Add(1)
		go run(i)
		until(t, fmt.Sprintf("caller %d waits", i), func() bool { return l.Stats().Waiting == int64(i) })
	}
	for range 9 {
		release <- struct{}{}
	}
	wg.Wait()
	for i, n := range order {
		if n != i {
			t.Fatalf("served in the order %v; want 0 to 8", order)
		}
	}
}
