package api_test

import (
	"strings"
	"testing"

	"roster/internal/testapp"
)

// fmt's %v wrote 10 000 000 credits as 1e+07, which a spreadsheet reads as text or rounds.
func TestMemberExportWritesWholeNumbers(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	p.helene.Membership.Set("creditsAllocated", 10_000_000)
	p.helene.Membership.Set("creditsUsed", 2.5)
	if err := app.Save(p.helene.Membership); err != nil {
		t.Fatal(err)
	}
	r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members.csv?userType=viewer", p.admin.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if !strings.Contains(r.Raw, ",10000000,2.5,") || strings.Contains(r.Raw, "e+") {
		t.Fatalf("credits not written in full:\n%s", r.Raw)
	}
}
