package api_test

import (
	"strings"
	"testing"

	"roster/internal/testapp"
)

// The members list and its CSV filter by two-factor sign-in (mfa=on|off) and show it on
// each row; any other value is a 400 naming mfa.
func TestMemberListMFA(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	for _, m := range []*testapp.Member{p.helene, p.dora, p.outsider} {
		m.User.Set("totpEnabled", true)
		if err := app.Save(m.User); err != nil {
			t.Fatal(err)
		}
	}
	owner := p.org.Owner.Token(t)
	base := "/api/orgs/" + p.org.ID
	list := func(q string) testapp.Response {
		t.Helper()
		r := c.Do("GET", base+"/members?"+q, owner, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Raw)
		}
		return r
	}
	for q, want := range map[string][]string{
		"mfa=on":                              {"Dora =cmd()", "Hélène Lefèvre"},
		"mfa=off":                             {"Adam Admin", "Zoë Dupré", "Luc Garçon", "Olivia " + p.org.Owner.User.GetString("familyName")},
		"mfa=on&status=active":                {"Hélène Lefèvre"},
		"mfa=off&role=member&sort=-lastLogin": {"Zoë Dupré", "Luc Garçon"},
		"mfa=on&search=helene":                {"Hélène Lefèvre"},
		"mfa=off&search=helene":               nil,
	} {
		r := list(q)
		if got := names(r); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", q, got, want)
		}
		if n := int(r.JSON["totalItems"].(float64)); n != len(want) {
			t.Errorf("%s: totalItems %d, want %d", q, n, len(want))
		}
	}
	for _, it := range list("").JSON["items"].([]any) {
		m := it.(map[string]any)
		if on := m["name"] == "Hélène Lefèvre" || m["name"] == "Dora =cmd()"; m["mfaEnabled"] != on {
			t.Errorf("%s: mfaEnabled %v", m["name"], m["mfaEnabled"])
		}
	}

	t.Run("the export filters and says it too", func(t *testing.T) {
		r := c.Do("GET", base+"/members.csv?mfa=on", owner, nil)
		lines := strings.Split(strings.TrimSpace(r.Raw), "\n")
		if r.Status != 200 || len(lines) != 3 || !strings.HasSuffix(strings.TrimSpace(lines[0]), ",mfaEnabled") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		for _, line := range lines[1:] {
			if !strings.HasSuffix(strings.TrimSpace(line), ",true") {
				t.Errorf("a member with two-factor sign-in exported as %q", line)
			}
		}
		r = c.Do("GET", base+"/members.csv?mfa=off", owner, nil)
		if lines := strings.Split(strings.TrimSpace(r.Raw), "\n"); r.Status != 200 || len(lines) != 5 || strings.Contains(r.Raw, "Hélène") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("another value is refused, naming the field", func(t *testing.T) {
		for _, path := range []string{"/members", "/members.csv"} {
			for _, v := range []string{"true", "yes", "ON", "1"} {
				r := c.Do("GET", base+path+"?mfa="+v, owner, nil)
				if r.Status != 400 || r.FieldCode("mfa") != "invalid_choice" {
					t.Errorf("%s?mfa=%s: %d %s", path, v, r.Status, r.Raw)
				}
			}
		}
	})
}
