package api_test

import (
	"strings"
	"testing"

	"roster/internal/testapp"
)

// Changes to the owner on PocketBase's records API (what the dashboard uses) are refused
// with a code and a message that says what to do instead: they used to be a bare 400
// "Failed to update record." (the one-owner hook's refusal), and are now refused before
// it, as every operator write of a membership is (hooks/operator.go).
func TestOwnerChangesTellTheOperatorWhatToDo(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	tok := operatorToken(t, app)
	owner := org.Owner.Membership
	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
		code, says         string
	}{
		{"demote the owner", "PATCH", "/api/collections/memberships/records/" + owner.Id, map[string]any{"role": "admin"},
			"use_roster", "transfer-ownership"},
		{"disable the owner", "PATCH", "/api/collections/Memberships/records/" + owner.Id, map[string]any{"status": "disabled"},
			"use_roster", "transfer-ownership"},
		{"delete the owner's membership", "DELETE", "/api/collections/MEMBERSHIPS/records/" + owner.Id, nil,
			"use_roster", "transfer-ownership"},
		{"a second owner", "POST", "/api/collections/memberships/records", map[string]any{"org": org.ID,
			"user": org.Owner.User.Id, "role": "owner", "userType": "creator", "status": "active"},
			"use_roster", "transfer-ownership"},
	} {
		r := c.Do(tc.method, tc.path, tok, tc.body)
		data, _ := r.JSON["data"].(map[string]any)
		msg, _ := r.JSON["message"].(string)
		if r.Status != 403 || data["code"] != tc.code || !strings.Contains(msg, tc.says) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	after, err := app.FindRecordById("memberships", owner.Id)
	if err != nil || after.GetString("role") != "owner" || after.GetString("status") != "active" {
		t.Fatalf("the owner changed: %v %v", after, err)
	}
}
