package api_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

// TestBulkActions: role, credits, ending sessions and removal in bulk keep the single
// action's rules member by member, all or nothing unless skipIneligible.
func TestBulkActions(t *testing.T) {
	w := newCrew(t)
	bulk := func(tok string, body map[string]any) testapp.Response {
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", tok, body)
	}
	ids := w.members(t, 6, access.Creator)
	viewers := w.members(t, 2, access.Viewer)

	t.Run("each action's own fields are required and checked", func(t *testing.T) {
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "role", "ids": ids[:1]}), "role")
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "role", "role": "owner", "ids": ids[:1]}), "role")
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "credits", "ids": ids[:1]}), "allocated")
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "credits", "allocated": -1, "ids": ids[:1]}), "allocated")
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "remove", "ids": ids[:2], "transferTo": ids[1]}), "transferTo")
		expectField(t, bulk(w.owner.Token(t), map[string]any{"action": "remove", "ids": ids[:1], "transferTo": ids[2], "deleteContent": true}), "transferTo")
	})

	t.Run("an admin cannot change roles in bulk", func(t *testing.T) {
		expectStatus(t, bulk(w.admin.Token(t), map[string]any{"action": "role", "role": "admin", "ids": ids[:2]}), 403, "")
	})

	t.Run("a viewer cannot become an administrator: nothing changes", func(t *testing.T) {
		r := bulk(w.owner.Token(t), map[string]any{"action": "role", "role": "admin", "ids": []string{ids[0], viewers[0]}})
		expectStatus(t, r, 409, "bulk_ineligible")
		if w.count(t, "memberships", dbx.HashExp{"id": ids[0], "role": "admin"}) != 0 {
			t.Fatal("half-applied")
		}
	})

	t.Run("roles change for the eligible, each signed out and audited", func(t *testing.T) {
		keys := w.tokenKeys(t, ids[0], ids[1])
		r := bulk(w.owner.Token(t), map[string]any{"action": "role", "role": "admin", "skipIneligible": true,
			"ids": []string{ids[0], ids[1], viewers[0]}})
		if r.Status != 200 || r.JSON["changed"] != 2.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if w.count(t, "memberships", dbx.HashExp{"role": "admin"}) != 4 || w.count(t, "auditLog", dbx.HashExp{"action": "members.changeRole"}) != 2 {
			t.Fatal("roles or audit rows")
		}
		if after := w.tokenKeys(t, ids[0], ids[1]); after[0] == keys[0] || after[1] == keys[1] {
			t.Fatal("sessions kept")
		}
	})

	t.Run("credits are allocated to several members, then made unlimited", func(t *testing.T) {
		org, _ := w.app.FindRecordById("organizations", w.org.ID)
		expectStatus(t, bulk(w.owner.Token(t), map[string]any{"action": "credits", "allocated": 10, "ids": ids[2:4]}), 409, "bulk_ineligible")
		org.Set("creditBudgeting", true)
		org.Set("creditsPool", 1000)
		if err := w.app.Save(org); err != nil {
			t.Fatal(err)
		}
		r := bulk(w.owner.Token(t), map[string]any{"action": "credits", "allocated": 10, "ids": ids[2:4]})
		if r.Status != 200 || r.JSON["changed"] != 2.0 || w.count(t, "memberships", dbx.HashExp{"creditsLimited": true, "creditsAllocated": 10}) != 2 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = bulk(w.owner.Token(t), map[string]any{"action": "credits", "unlimited": true, "ids": ids[2:4]})
		if r.Status != 200 || r.JSON["changed"] != 2.0 || w.count(t, "memberships", dbx.HashExp{"creditsLimited": true}) != 0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("ending sessions rotates every token key; an admin cannot end another admin's", func(t *testing.T) {
		expectStatus(t, bulk(w.admin.Token(t), map[string]any{"action": "endSessions", "ids": []string{ids[4], w.admin2.ID()}}), 409, "bulk_ineligible")
		keys := w.tokenKeys(t, ids[4], ids[5])
		r := bulk(w.admin.Token(t), map[string]any{"action": "endSessions", "ids": ids[4:6]})
		if r.Status != 200 || r.JSON["changed"] != 2.0 || w.count(t, "auditLog", dbx.HashExp{"action": "members.endSessions"}) != 2 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if after := w.tokenKeys(t, ids[4], ids[5]); after[0] == keys[0] || after[1] == keys[1] {
			t.Fatal("sessions kept")
		}
	})

	t.Run("one member still owning content blocks the removal of all", func(t *testing.T) {
		w.seed(t, "items", map[string]any{"org": w.org.ID, "owner": ids[5], "kind": "map", "title": "Carte", "sharing": "org"})
		r := bulk(w.owner.Token(t), map[string]any{"action": "remove", "ids": ids[4:6]})
		expectStatus(t, r, 409, "bulk_ineligible")
		if w.count(t, "memberships", dbx.HashExp{"org": w.org.ID}) != 13 {
			t.Fatal("half-applied")
		}
	})

	t.Run("members are removed together, their content going to one member", func(t *testing.T) {
		r := bulk(w.owner.Token(t), map[string]any{"action": "remove", "ids": ids[4:6], "transferTo": w.member.ID()})
		if r.Status != 200 || r.JSON["changed"] != 2.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if w.count(t, "memberships", dbx.HashExp{"org": w.org.ID}) != 11 || w.count(t, "items", dbx.HashExp{"owner": w.member.ID()}) != 1 ||
			w.count(t, "auditLog", dbx.HashExp{"action": "members.remove"}) != 2 || w.count(t, "seatLedger", dbx.HashExp{"reason": "removed"}) != 2 {
			t.Fatal("removal incomplete")
		}
	})
}

// TestCostBeforeTheChange: a dry run prices a change of user types (or a removal) before
// it is confirmed, from the same plan prices the change will bill, and changes nothing;
// the Members page reads its seats.
func TestCostBeforeTheChange(t *testing.T) {
	w := newCrew(t)
	ids := w.members(t, 3, access.Viewer)
	dry := func(body map[string]any) testapp.Response {
		body["dryRun"] = true
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", w.owner.Token(t), body)
	}
	sub, _ := w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
	before := sub.GetInt("monthlyAmount")

	r := dry(map[string]any{"action": "userType", "userType": "professional", "ids": ids})
	cost, _ := r.JSON["cost"].(map[string]any)
	if r.Status != 200 || r.JSON["changed"] != 0.0 || cost == nil {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	seats := cost["seats"].(map[string]any)
	if seats["viewer"] != -3.0 || seats["professional"] != 3.0 || cost["monthlyAmount"] != float64(before) {
		t.Fatalf("cost %v", cost)
	}
	if w.count(t, "memberships", dbx.HashExp{"userType": "professional"}) != 0 {
		t.Fatal("a dry run changed user types")
	}
	// The change bills exactly what was shown.
	r = w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", w.owner.Token(t),
		map[string]any{"action": "userType", "userType": "professional", "ids": ids})
	sub, _ = w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
	if r.Status != 200 || float64(sub.GetInt("monthlyAmount")) != cost["monthlyAmountAfter"] || cost["monthlyAmountAfter"] == float64(before) {
		t.Fatalf("billed %d, shown %v (%d %s)", sub.GetInt("monthlyAmount"), cost["monthlyAmountAfter"], r.Status, r.Raw)
	}

	r = dry(map[string]any{"action": "remove", "ids": ids[:1], "deleteContent": true})
	if cost, _ := r.JSON["cost"].(map[string]any); r.Status != 200 || cost["seats"].(map[string]any)["professional"] != -1.0 ||
		w.count(t, "memberships", dbx.HashExp{"id": ids[0]}) != 1 {
		t.Fatalf("removal dry run %d %s", r.Status, r.Raw)
	}
	if r := dry(map[string]any{"action": "disable", "ids": ids[:1]}); r.Status != 200 || r.JSON["cost"] != nil {
		t.Fatalf("a disable has no cost: %d %s", r.Status, r.Raw)
	}

	s := w.c.Do("GET", "/api/orgs/"+w.org.ID+"/seats", w.admin.Token(t), nil)
	if s.Status != 200 || s.JSON["seatsUsed"] != float64(w.count(t, "memberships", dbx.HashExp{"org": w.org.ID})) {
		t.Fatalf("seats %d %s", s.Status, s.Raw)
	}
	expectStatus(t, w.c.Do("GET", "/api/orgs/"+w.org.ID+"/seats", w.member.Token(t), nil), 403, "")
}

// tokenKeys reads the token keys of the accounts of the given memberships.
func (w *crew) tokenKeys(t *testing.T, ids ...string) []string {
	t.Helper()
	out := make([]string, len(ids))
	for i, id := range ids {
		m, err := w.app.FindRecordById("memberships", id)
		if err != nil {
			t.Fatal(err)
		}
		u, err := w.app.FindRecordById("users", m.GetString("user"))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = u.TokenKey()
	}
	return out
}

// TestBulkLicencesAndGroups: assigning and revoking a licence, and adding to and removing
// from a group, in bulk, with the single forms' checks member by member (content's
// LicenseBatch and GroupBatch), all or nothing unless skipIneligible; the licence or
// group is one of the organisation's.
func TestBulkLicencesAndGroups(t *testing.T) {
	w := newCrew(t)
	bulk := func(tok string, body map[string]any) testapp.Response {
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", tok, body)
	}
	ids := w.members(t, 4, access.Creator)
	viewer := w.members(t, 1, access.Viewer)[0]
	licence := w.seed(t, "licenses", map[string]any{"org": w.org.ID, "code": "spatial", "name": "Spatial",
		"compatibleTypes": []string{"creator", "professional"}, "seats": 3}).Id
	theirs := w.seed(t, "licenses", map[string]any{"org": w.other.ID, "code": "spatial", "name": "Spatial",
		"compatibleTypes": []string{"creator"}}).Id
	held := func() int { return w.count(t, "licenseAssignments", dbx.HashExp{"license": licence}) }

	t.Run("the licence is required, one of the organisation's", func(t *testing.T) {
		for _, action := range []string{"licenseAssign", "licenseRevoke"} {
			expectField(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1]}), "license")
			expectField(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1], "license": "nosuchlicence1"}), "license")
			expectStatus(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1], "license": theirs}), 404, "not_found")
		}
		if w.count(t, "licenseAssignments", nil) != 0 {
			t.Fatal("assigned")
		}
	})

	t.Run("a member cannot assign licences", func(t *testing.T) {
		expectStatus(t, bulk(w.member.Token(t), map[string]any{"action": "licenseAssign", "license": licence, "ids": ids[:2]}), 403, "role")
	})

	t.Run("a viewer, another administrator and a full licence: nothing is assigned", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "licenseAssign", "license": licence,
			"ids": []string{ids[0], viewer, w.admin2.ID(), ids[1], ids[2], ids[3], "nosuchmember12"}})
		expectStatus(t, r, 409, "bulk_ineligible")
		got := contentResults(t, r)
		want := map[string]string{ids[0]: "ok", viewer: "incompatible_type", w.admin2.ID(): "rank", ids[1]: "ok", ids[2]: "ok",
			ids[3]: "license_full", "nosuchmember12": "not_found"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("results %v, want %v", got, want)
		}
		if held() != 0 {
			t.Fatal("half-applied")
		}
	})

	t.Run("a dry run checks and changes nothing", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "licenseAssign", "license": licence, "dryRun": true, "ids": ids})
		if got := contentResults(t, r); r.Status != 200 || r.JSON["cost"] != nil || got[ids[3]] != "license_full" || held() != 0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("the eligible get the licence, each audited", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "licenseAssign", "license": licence, "skipIneligible": true,
			"ids": []string{ids[0], viewer, ids[1], ids[2], ids[3]}})
		if r.Status != 200 || r.JSON["changed"] != 3.0 || held() != 3 || w.count(t, "auditLog", dbx.HashExp{"action": "licenses.assign"}) != 3 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = bulk(w.admin.Token(t), map[string]any{"action": "licenseAssign", "license": licence, "ids": ids[:3]})
		if got := contentResults(t, r); r.Status != 200 || r.JSON["changed"] != 0.0 || got[ids[0]] != "unchanged" {
			t.Fatalf("again: %d %s", r.Status, r.Raw)
		}
	})

	t.Run("the licence is revoked from those who hold it", func(t *testing.T) {
		r := bulk(w.owner.Token(t), map[string]any{"action": "licenseRevoke", "license": licence, "ids": ids[1:]})
		if got := contentResults(t, r); r.Status != 200 || r.JSON["changed"] != 2.0 || got[ids[3]] != "unchanged" || held() != 1 ||
			w.count(t, "auditLog", dbx.HashExp{"action": "licenses.revoke"}) != 2 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	editors := w.seed(t, "groups", map[string]any{"org": w.org.ID, "owner": w.member.ID(), "title": "Éditeurs",
		"members": []string{w.member.ID()}, "sharedUpdate": true}).Id
	ownersGroup := w.seed(t, "groups", map[string]any{"org": w.org.ID, "owner": w.owner.ID(), "title": "Direction",
		"members": []string{w.owner.ID()}}).Id
	elsewhere := w.seed(t, "groups", map[string]any{"org": w.other.ID, "owner": w.other.Owner.ID(), "title": "Ailleurs",
		"members": []string{w.other.Owner.ID()}}).Id
	inGroup := func(g string) []string {
		r, err := w.app.FindRecordById("groups", g)
		if err != nil {
			t.Fatal(err)
		}
		return r.GetStringSlice("members")
	}

	t.Run("the group is required, one of the organisation's", func(t *testing.T) {
		for _, action := range []string{"groupAdd", "groupRemove"} {
			expectField(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1]}), "group")
			expectField(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1], "group": "nosuchgroup123"}), "group")
			expectStatus(t, bulk(w.owner.Token(t), map[string]any{"action": action, "ids": ids[:1], "group": elsewhere}), 404, "not_found")
		}
	})

	t.Run("a viewer cannot join a shared-update group: nobody joins", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "groupAdd", "group": editors, "ids": []string{ids[0], viewer, ids[1]}})
		expectStatus(t, r, 409, "bulk_ineligible")
		if got := contentResults(t, r); got[viewer] != "cannot_edit_shared" || got[ids[0]] != "ok" || len(inGroup(editors)) != 1 {
			t.Fatalf("results %v, members %v", got, inGroup(editors))
		}
	})

	t.Run("only who may edit the group changes its members", func(t *testing.T) {
		r := bulk(w.member2.Token(t), map[string]any{"action": "groupAdd", "group": editors, "ids": ids[:2]})
		if got := contentResults(t, r); r.Status != 409 || got[ids[0]] != "not_owner" {
			t.Fatalf("a member on another's group: %d %s", r.Status, r.Raw)
		}
		r = bulk(w.admin.Token(t), map[string]any{"action": "groupAdd", "group": ownersGroup, "ids": ids[:1]})
		if got := contentResults(t, r); r.Status != 409 || got[ids[0]] != "not_owner" {
			t.Fatalf("an admin on the owner's group: %d %s", r.Status, r.Raw)
		}
	})

	t.Run("the eligible join, with one audit row for the group", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "groupAdd", "group": editors, "skipIneligible": true,
			"ids": []string{ids[0], viewer, ids[1], w.member.ID()}})
		if got := contentResults(t, r); r.Status != 200 || r.JSON["changed"] != 2.0 || got[w.member.ID()] != "unchanged" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := inGroup(editors); len(got) != 3 || w.count(t, "auditLog", dbx.HashExp{"action": "groups.members", "targetId": editors}) != 1 {
			t.Fatalf("members %v", got)
		}
	})

	t.Run("members leave, but the group's owner stays in it", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "groupRemove", "group": editors, "ids": []string{ids[0], w.member.ID()}})
		if got := contentResults(t, r); r.Status != 409 || got[w.member.ID()] != "group_owner" || len(inGroup(editors)) != 3 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = bulk(w.admin.Token(t), map[string]any{"action": "groupRemove", "group": editors, "dryRun": true, "ids": ids[:2]})
		if r.Status != 200 || len(inGroup(editors)) != 3 {
			t.Fatalf("dry run: %d %s", r.Status, r.Raw)
		}
		r = bulk(w.admin.Token(t), map[string]any{"action": "groupRemove", "group": editors, "ids": ids[:3]})
		if got := contentResults(t, r); r.Status != 200 || r.JSON["changed"] != 2.0 || got[ids[2]] != "unchanged" || len(inGroup(editors)) != 1 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}
