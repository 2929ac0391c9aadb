package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/testapp"
	"roster/internal/throttle"
)

// oneHashSlot shrinks the process-wide password limiter to one slot for the test.
func oneHashSlot(t *testing.T) *throttle.Limiter {
	t.Helper()
	l := throttle.Passwords
	l.Resize(1)
	l.ResetStats()
	t.Cleanup(func() { l.Resize(throttle.DefaultSlots()) })
	return l
}

// signIn posts to a collection's auth-with-password route; it is safe in goroutines.
func signIn(ctx context.Context, base, collection, identity, password string) (int, string, error) {
	body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/collections/"+collection+"/auth-with-password", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out.Token, nil
}

// until waits for cond, failing the test if it does not come (a guard, not a measure).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// With one hash slot, concurrent sign-ins (right and wrong passwords, unknown
// identities, which PocketBase answers after a dummy check, and the operator) all get
// their usual answer, each after exactly one password check, never two at once.
func TestConcurrentSignInsTakeOneHashSlotEach(t *testing.T) {
	app, c, org := signInApp(t)
	var ms []*testapp.Member
	for range 6 {
		ms = append(ms, testapp.AddMember(t, app, org, access.RoleMember, access.Creator))
	}
	su := core.NewRecord(mustCollection(t, app, core.CollectionNameSuperusers))
	su.SetEmail("operator@example.com")
	su.SetPassword("operator password 42")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	type attempt struct {
		collection, identity, password string
		status                         int
	}
	var attempts []attempt
	for _, m := range ms {
		attempts = append(attempts, attempt{"users", m.Email, m.Password, 200})
	}
	attempts = append(attempts,
		attempt{"users", ms[0].Email, "not the password", 400},
		attempt{"users", ms[1].Email, "not the password either", 400},
		attempt{"users", "nobody@example.com", "whatever pass", 400},
		attempt{"users", "nobody.else@example.com", "whatever pass", 400},
		attempt{core.CollectionNameSuperusers, "operator@example.com", "operator password 42", 200},
	)
	l := oneHashSlot(t)
	var wg sync.WaitGroup
	errs := make([]error, len(attempts))
	for i, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, token, err := signIn(context.Background(), c.URL, a.collection, a.identity, a.password)
			switch {
			case err != nil:
				errs[i] = err
			case status != a.status || (status == 200) != (token != ""):
				errs[i] = errors.New(a.identity + ": status " + http.StatusText(status))
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if s := l.Stats(); s.Runs != int64(len(attempts)) || s.Peak != 1 {
		t.Fatalf("%d sign-ins: %d password checks in the limiter, at most %d at once (want %d and 1)", len(attempts), s.Runs, s.Peak, len(attempts))
	}
}

// A sign-in queued behind a busy slot stops waiting when its client goes away: its
// password is never checked. The next one goes through.
func TestAQueuedSignInEndsWithItsClient(t *testing.T) {
	app, c, org := signInApp(t)
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	l := oneHashSlot(t)

	release, held := make(chan struct{}), make(chan error)
	go func() { held <- l.Do(context.Background(), func() error { <-release; return nil }) }()
	until(t, "the slot taken", func() bool { return l.Stats().Runs == 1 })

	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error)
	go func() {
		_, _, err := signIn(ctx, c.URL, "users", m.Email, m.Password)
		gone <- err
	}()
	until(t, "the sign-in queued", func() bool { return l.Stats().Waiting == 1 })
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("the client: %v", err)
	}
	until(t, "the server stopped waiting", func() bool { return l.Stats().Waiting == 0 })
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if s := l.Stats(); s.Runs != 1 {
		t.Fatalf("the abandoned sign-in was checked anyway: %+v", s)
	}
	if token, r := c.SignIn(m.Email, m.Password); token == "" || l.Stats().Runs != 2 {
		t.Fatalf("the next sign-in: %d %s, %+v", r.Status, r.Raw, l.Stats())
	}
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return col
}

// Every request but a sign-in is marked as served, so the limiter keeps a slot for it.
func TestOtherRequestsAreMarkedServed(t *testing.T) {
	_, c, org := signInApp(t)
	tok := org.Owner.Token(t)
	l := oneHashSlot(t)
	if r := c.Do("GET", "/api/me", tok, nil); r.Status != 200 {
		t.Fatalf("me: %d", r.Status)
	}
	c.Do("GET", "/api/health", "", nil)
	if got := l.Stats().Served; got != 2 {
		t.Fatalf("served after two reads = %d, want 2", got)
	}
	status, _, err := signIn(context.Background(), c.URL, "users", org.Owner.Email, testapp.Password)
	if err != nil || status != 200 {
		t.Fatalf("sign-in: %d %v", status, err)
	}
	if r := c.Do("POST", "/api/auth/totp", "", map[string]string{}); r.Status < 400 {
		t.Fatalf("totp step without a challenge: %d", r.Status)
	}
	if s := l.Stats(); s.Served != 2 || s.Runs != 1 {
		t.Fatalf("after a sign-in and a code step: %+v, want 2 served and 1 hash", s)
	}
}
