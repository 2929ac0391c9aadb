package pb_migrations_test

import (
	"strings"
	"testing"

	"roster/internal/testapp"
)

// PocketBase's sign-in looks an account up by `email = ? COLLATE NOCASE`: the plan must
// search an index, not scan the users table.
func TestSignInEmailLookupUsesAnIndex(t *testing.T) {
	app := testapp.New(t)
	var plan []struct {
		Detail string `db:"detail"`
	}
	err := app.DB().NewQuery("EXPLAIN QUERY PLAN SELECT * FROM users WHERE email = {:e} COLLATE NOCASE LIMIT 1").
		Bind(map[string]any{"e": "someone@example.com"}).All(&plan)
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, p := range plan {
		details = append(details, p.Detail)
	}
	got := strings.Join(details, "; ")
	if !strings.Contains(got, "USING INDEX") || strings.Contains(got, "SCAN users") {
		t.Fatalf("plan: %s", got)
	}
}
