package api_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/testapp"
)

// TestEveryFormReadsYesAndNoAlike: the three multipart forms (settings, a member's
// profile, invitations) read a yes/no field in one spelling (true, 1, on, yes; false,
// 0, off, no; any case) and refuse anything else with a 400 naming the field. They used
// to differ: the profile read "yes" as no and "maybe" as no, settings took only JSON's
// true and false.
func TestEveryFormReadsYesAndNoAlike(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	tok := org.Owner.Token(t)
	base := "/api/orgs/" + org.ID
	for _, yes := range []string{"yes", "On", "1", "TRUE"} {
		if r := sendForm(t, c, "PATCH", base+"/settings", tok, map[string]string{"mfaEnabled": yes}); r.Status != 200 || r.JSON["mfaEnabled"] != true {
			t.Errorf("settings, mfaEnabled=%s: %d %.200s", yes, r.Status, r.Raw)
		}
		if r := sendForm(t, c, "PATCH", base+"/settings", tok, map[string]string{"mfaEnabled": "no"}); r.Status != 200 || r.JSON["mfaEnabled"] != false {
			t.Errorf("settings, mfaEnabled=no: %d %.200s", r.Status, r.Raw)
		}
		if r := sendForm(t, c, "PATCH", base+"/members/"+org.Owner.ID(), tok, map[string]string{"deleteAvatar": yes, "givenName": "Olivia"}); r.Status != 200 {
			t.Errorf("profile, deleteAvatar=%s: %d %.200s", yes, r.Status, r.Raw)
		}
		r := sendForm(t, c, "POST", base+"/invitations", tok, map[string]string{"emails": "zoe@example.org", "dryRun": yes})
		if r.Status != 200 || count(t, app, "invitations", dbx.HashExp{"org": org.ID}) != 0 {
			t.Errorf("invitations, dryRun=%s: %d %.200s", yes, r.Status, r.Raw)
		}
	}
	for _, tc := range []struct{ method, path, field string }{
		{"PATCH", base + "/settings", "mfaEnabled"},
		{"PATCH", base + "/members/" + org.Owner.ID(), "deleteAvatar"},
		{"POST", base + "/invitations", "dryRun"},
	} {
		r := sendForm(t, c, tc.method, tc.path, tok, map[string]string{tc.field: "maybe", "emails": "zoe@example.org"})
		if r.Status != 400 || r.FieldCode(tc.field) != "invalid_type" {
			t.Errorf("%s %s, %s=maybe: %d %.200s", tc.method, tc.path, tc.field, r.Status, r.Raw)
		}
	}
}
