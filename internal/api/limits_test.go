package api_test

import (
	"testing"

	"roster/internal/testapp"
)

func TestInstanceSettings(t *testing.T) {
	app := testapp.New(t)
	s := app.Settings()
	if !s.RateLimits.Enabled {
		t.Error("the rate limiter is off")
	}
	labels := map[string]bool{}
	for _, r := range s.RateLimits.Rules {
		labels[r.Label] = true
	}
	for _, want := range []string{"*:auth", "/api/auth/", "/api/invitations/", "POST /api/setup"} {
		if !labels[want] {
			t.Errorf("no rate-limit rule for %s", want)
		}
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.AuthToken.Duration != 3600 {
		t.Errorf("user tokens last %d s, want 3600", users.AuthToken.Duration)
	}
	if users.CreateRule != nil || users.ListRule != nil || users.UpdateRule != nil || users.ManageRule != nil {
		t.Error("the users collection is not closed")
	}
	if s.Meta.AppName != "Roster" {
		t.Errorf("app name %q", s.Meta.AppName)
	}
}

func TestSetupIsRateLimited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	statuses := []int{}
	for i := 0; i < 7; i++ {
		statuses = append(statuses, c.Do("POST", "/api/setup", "", map[string]string{"token": "guess"}).Status)
	}
	if statuses[0] != 403 || statuses[6] != 429 {
		t.Fatalf("statuses %v: want 403 first, 429 once the limit is reached", statuses)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	last := 0
	for i := 0; i < 12; i++ {
		_, r := c.SignIn("nobody@example.com", "wrong password")
		last = r.Status
	}
	if last != 429 {
		t.Fatalf("12 sign-ins in a row: last status %d, want 429", last)
	}
}
