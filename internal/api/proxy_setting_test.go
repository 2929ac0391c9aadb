package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"roster/internal/testapp"
)

// PocketBase's own trusted-proxy setting (its dashboard's Settings > Application) would
// believe X-Forwarded-For from any peer; Roster removes the headers it names, so a client
// cannot dodge the per-client sign-in limit by forging a new address each time.
func TestPocketBaseProxySettingIsNotBelieved(t *testing.T) {
	app := testapp.New(t)
	app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For", "X-Real-IP"}
	c := testapp.Serve(t, app)
	status := func(i int) int {
		req, _ := http.NewRequest("POST", c.URL+"/api/collections/users/auth-with-password",
			strings.NewReader(`{"identity":"nobody@example.com","password":"wrong password"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		req.Header.Set("X-Real-IP", fmt.Sprintf("203.0.113.%d", i))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 1; i <= 10; i++ {
		if got := status(i); got != 400 {
			t.Fatalf("sign-in %d: status %d, want 400", i, got)
		}
	}
	if got := status(11); got != 429 {
		t.Fatalf("11th sign-in from one peer forging a new address: status %d, want 429", got)
	}
}
