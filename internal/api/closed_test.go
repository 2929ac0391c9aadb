package api_test

import (
	"strings"
	"testing"

	"roster/internal/access"
	"roster/internal/testapp"
)

// PocketBase's own record API is closed to everyone but the instance operator.
func TestPocketBaseCollectionsAreClosed(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	tokens := map[string]string{"anonymous": "", "member": member.Token(t), "owner": org.Owner.Token(t)}
	collections := []string{"users", "organizations", "memberships", "invitations", "plans", "subscriptions",
		"seatLedger", "invoices", "paymentMethods", "creditLedger", "items", "groups", "licenses",
		"licenseAssignments", "auditLog", "mailOutbox"}
	for who, tok := range tokens {
		for _, col := range collections {
			base := "/api/collections/" + col + "/records"
			for _, req := range []struct{ method, path string }{
				{"GET", base}, {"GET", base + "/" + member.ID()}, {"POST", base},
				{"PATCH", base + "/" + member.ID()}, {"DELETE", base + "/" + member.ID()},
			} {
				r := c.Do(req.method, req.path, tok, map[string]any{})
				if req.method == "GET" && r.Status == 200 && !strings.Contains(r.Raw, `"items":[]`) {
					t.Errorf("%s %s %s: %d %s", who, req.method, req.path, r.Status, r.Raw)
				}
				if req.method != "GET" && r.Status < 400 {
					t.Errorf("%s %s %s: %d", who, req.method, req.path, r.Status)
				}
			}
		}
	}

	t.Run("a member cannot give themselves another role through PocketBase", func(t *testing.T) {
		r := c.Do("PATCH", "/api/collections/memberships/records/"+member.ID(), member.Token(t), map[string]string{"role": "owner"})
		if r.Status != 403 && r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = c.Do("PATCH", "/api/collections/users/records/"+member.User.Id, member.Token(t), map[string]string{"role": "admin", "username": "root"})
		if r.Status != 403 && r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		m, _ := app.FindRecordById("memberships", member.ID())
		if m.GetString("role") != "member" {
			t.Fatal("role changed")
		}
	})
	t.Run("public sign-up is closed", func(t *testing.T) {
		r := c.Do("POST", "/api/collections/users/records", "", map[string]string{
			"email": "new@example.com", "password": "12345678", "passwordConfirm": "12345678", "username": "newbie"})
		if r.Status != 403 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if _, err := app.FindAuthRecordByEmail("users", "new@example.com"); err == nil {
			t.Fatal("account created")
		}
	})
}

func TestUnknownAPIRouteIsJSON404(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	for _, m := range []string{"GET", "POST"} {
		r := c.Do(m, "/api/no/such/route", "", nil)
		if r.Status != 404 || r.JSON == nil {
			t.Fatalf("%s: %d %q", m, r.Status, r.Raw)
		}
	}
}

func TestWebAppHeaders(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	for _, path := range []string{"/", "/members", "/join/sometoken"} {
		r := c.Do("GET", path, "", nil)
		if r.Status != 200 || !strings.Contains(r.Raw, "<div id=\"app\"") {
			t.Fatalf("%s: %d %q", path, r.Status, r.Raw)
		}
		h := r.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
			h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("%s: headers %v", path, h)
		}
	}
}
