package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

func contentPath(w *crew, suffix string) string { return "/api/orgs/" + w.org.ID + suffix }

// contentResults maps each member id of a batch answer (or of a refusal's data) to its code ("ok" when OK).
func contentResults(t *testing.T, r testapp.Response) map[string]string {
	t.Helper()
	src := r.JSON
	if d, ok := r.JSON["data"].(map[string]any); ok && r.Status >= 400 {
		src = d
	}
	list, ok := src["results"].([]any)
	if !ok {
		t.Fatalf("no results: %d %s", r.Status, r.Raw)
	}
	out := map[string]string{}
	for _, x := range list {
		m := x.(map[string]any)
		code, _ := m["code"].(string)
		if m["ok"] == true && code == "" {
			code = "ok"
		}
		out[m["id"].(string)] = code
	}
	return out
}

func contentID(t *testing.T, r testapp.Response) string {
	t.Helper()
	id, _ := r.JSON["id"].(string)
	if r.Status != 200 || id == "" {
		t.Fatalf("%d %s, want a created record", r.Status, r.Raw)
	}
	return id
}

func TestLicences(t *testing.T) {
	w := newCrew(t)
	disabled := testapp.AddMember(t, w.app, w.org, access.RoleAdmin, access.Creator)
	disabledToken := disabled.Token(t)
	testapp.SetStatus(t, w.app, disabled, access.Disabled)
	create := func(tok string, body map[string]any) testapp.Response {
		return w.c.Do("POST", contentPath(w, "/licenses"), tok, body)
	}
	spatial := map[string]any{"code": "spatial-analyst", "name": "Spatial Analyst", "compatibleTypes": []string{"creator", "professional"}, "seats": 2}

	t.Run("managing licences is for the owner and administrators", func(t *testing.T) {
		for _, c := range []struct {
			name, token string
			status      int
			code        string
		}{
			{"a member cannot list licences", w.member.Token(t), 403, "role"},
			{"an outsider gets a 404", w.other.Owner.Token(t), 404, ""},
			{"a disabled admin is refused", disabledToken, 403, "account_disabled"},
			{"no sign-in is a 401", "", 401, ""},
		} {
			expectStatus(t, w.c.Do("GET", contentPath(w, "/licenses"), c.token, nil), c.status, c.code)
			expectStatus(t, create(c.token, spatial), c.status, c.code)
		}
		if n := w.count(t, "licenses", nil); n != 0 {
			t.Fatalf("%d licences", n)
		}
	})

	t.Run("bad fields are 400s naming them", func(t *testing.T) {
		for field, body := range map[string]map[string]any{
			"code":            {"code": "no spaces", "name": "X", "compatibleTypes": []string{"creator"}},
			"name":            {"code": "x", "name": " ", "compatibleTypes": []string{"creator"}},
			"compatibleTypes": {"code": "x", "name": "X", "compatibleTypes": []string{"wizard"}},
			"seats":           {"code": "x", "name": "X", "compatibleTypes": []string{"creator"}, "seats": -1},
		} {
			expectField(t, create(w.admin.Token(t), body), field)
		}
		expectField(t, create(w.admin.Token(t), map[string]any{"code": "x", "name": "X", "compatibleTypes": []string{}}), "compatibleTypes")
		expectField(t, create(w.admin.Token(t), map[string]any{"code": "x", "name": "X", "compatibleTypes": []string{"creator"}, "seats": 1.5}), "seats")
	})

	var spatialID, navigatorID string
	t.Run("an admin defines licences; a code is unique in the organisation", func(t *testing.T) {
		r := create(w.admin.Token(t), spatial)
		spatialID = contentID(t, r)
		if r.JSON["assigned"] != float64(0) || r.JSON["seats"] != float64(2) || !strings.Contains(r.Raw, `"compatibleTypes":["creator","professional"]`) {
			t.Fatalf("answer: %s", r.Raw)
		}
		expectStatus(t, create(w.owner.Token(t), spatial), 409, "code_taken")
		navigatorID = contentID(t, create(w.owner.Token(t), map[string]any{"code": "navigator", "name": "Navigator",
			"compatibleTypes": []string{"professional", "viewer", "viewer"}}))
		expectStatus(t, w.c.Do("POST", "/api/orgs/"+w.other.ID+"/licenses", w.other.Owner.Token(t), spatial), 200, "")
	})

	assign := func(tok, id string, ms ...*testapp.Member) testapp.Response {
		ids := []string{}
		for _, m := range ms {
			ids = append(ids, m.ID())
		}
		return w.c.Do("POST", contentPath(w, "/licenses/"+id+"/assign"), tok, map[string]any{"members": ids})
	}
	revoke := func(tok, id string, ms ...*testapp.Member) testapp.Response {
		ids := []string{}
		for _, m := range ms {
			ids = append(ids, m.ID())
		}
		return w.c.Do("POST", contentPath(w, "/licenses/"+id+"/revoke"), tok, map[string]any{"members": ids})
	}
	held := func(id string) int { return w.count(t, "licenseAssignments", dbx.HashExp{"license": id}) }
	viewer := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer)

	t.Run("an incompatible user type is refused, and then nobody in the request gets the licence", func(t *testing.T) {
		r := assign(w.admin.Token(t), spatialID, w.member, viewer)
		expectStatus(t, r, 409, "incompatible_type")
		if got := contentResults(t, r); got[w.member.ID()] != "ok" || got[viewer.ID()] != "incompatible_type" {
			t.Fatalf("results: %v", got)
		}
		if held(spatialID) != 0 {
			t.Fatal("half applied")
		}
	})

	t.Run("a full licence is refused, all or nothing", func(t *testing.T) {
		r := assign(w.admin.Token(t), spatialID, w.member, w.member2, w.admin)
		expectStatus(t, r, 409, "license_full")
		if got := contentResults(t, r); got[w.admin.ID()] != "license_full" || got[w.member.ID()] != "ok" {
			t.Fatalf("results: %v", got)
		}
		if held(spatialID) != 0 {
			t.Fatal("half applied")
		}
	})

	t.Run("an admin assigns to members and to themselves, not to other admins", func(t *testing.T) {
		r := assign(w.admin.Token(t), spatialID, w.admin2)
		expectStatus(t, r, 403, "rank")
		r = assign(w.admin.Token(t), spatialID, w.member, w.admin)
		expectStatus(t, r, 200, "")
		if r.JSON["changed"] != float64(2) || held(spatialID) != 2 {
			t.Fatalf("answer: %s", r.Raw)
		}
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "licenses.assign"}); n != 2 {
			t.Fatalf("%d audit rows", n)
		}
		expectStatus(t, assign(w.owner.Token(t), spatialID, w.member2), 409, "license_full")
		r = assign(w.owner.Token(t), spatialID, w.member)
		if expectStatus(t, r, 200, ""); contentResults(t, r)[w.member.ID()] != "unchanged" || r.JSON["changed"] != float64(0) {
			t.Fatalf("answer: %s", r.Raw)
		}
	})

	t.Run("a member cannot assign licences, even to themselves", func(t *testing.T) {
		expectStatus(t, assign(w.member.Token(t), navigatorID, w.member), 403, "role")
		expectStatus(t, revoke(w.member.Token(t), spatialID, w.member), 403, "role")
	})

	t.Run("members of other organisations and unknown licences are not found", func(t *testing.T) {
		r := assign(w.owner.Token(t), navigatorID, w.other.Owner)
		expectStatus(t, r, 404, "not_found")
		otherLicence := w.c.Do("GET", "/api/orgs/"+w.other.ID+"/licenses", w.other.Owner.Token(t), nil)
		items, _ := otherLicence.JSON["items"].([]any)
		id := items[0].(map[string]any)["id"].(string)
		expectStatus(t, assign(w.owner.Token(t), id, w.member), 404, "not_found")
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/licenses/"+id), w.owner.Token(t), map[string]any{"name": "Mine"}), 404, "not_found")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/licenses/"+id), w.owner.Token(t), nil), 404, "not_found")
	})

	t.Run("at most 100 members a request", func(t *testing.T) {
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = fmt.Sprintf("m%03d", i)
		}
		expectField(t, w.c.Do("POST", contentPath(w, "/licenses/"+spatialID+"/assign"), w.owner.Token(t), map[string]any{"members": ids}), "members")
		expectField(t, w.c.Do("POST", contentPath(w, "/licenses/"+spatialID+"/assign"), w.owner.Token(t), map[string]any{"members": []string{}}), "members")
	})

	t.Run("seats cannot drop below the members holding it, nor types be removed from them", func(t *testing.T) {
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/licenses/"+spatialID), w.owner.Token(t), map[string]any{"seats": 1}), 409, "seats_below_assigned")
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/licenses/"+spatialID), w.owner.Token(t),
			map[string]any{"compatibleTypes": []string{"professional"}}), 409, "incompatible_assignments")
		r := w.c.Do("PATCH", contentPath(w, "/licenses/"+spatialID), w.owner.Token(t), map[string]any{"seats": 0, "name": "Spatial Analyst Pro"})
		expectStatus(t, r, 200, "")
		if r.JSON["seats"] != float64(0) || r.JSON["name"] != "Spatial Analyst Pro" || r.JSON["assigned"] != float64(2) {
			t.Fatalf("answer: %s", r.Raw)
		}
	})

	t.Run("the list answers code, name, types, seats and how many hold each", func(t *testing.T) {
		r := w.c.Do("GET", contentPath(w, "/licenses"), w.admin.Token(t), nil)
		expectStatus(t, r, 200, "")
		want := `{"id":"` + navigatorID + `","code":"navigator","name":"Navigator","compatibleTypes":["viewer","professional"],"seats":0,"assigned":0}`
		if !strings.Contains(r.Raw, want) || r.JSON["totalItems"] != float64(2) {
			t.Fatalf("list: %s", r.Raw)
		}
	})

	t.Run("revoking frees the seat; revoking what is not held changes nothing", func(t *testing.T) {
		r := revoke(w.admin.Token(t), spatialID, w.member, w.member2)
		expectStatus(t, r, 200, "")
		if got := contentResults(t, r); got[w.member.ID()] != "ok" || got[w.member2.ID()] != "unchanged" || held(spatialID) != 1 {
			t.Fatalf("results: %v", got)
		}
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "licenses.revoke", "targetId": w.member.ID()}); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("deleting a licence revokes it from everyone", func(t *testing.T) {
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/licenses/"+spatialID), w.member.Token(t), nil), 403, "role")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/licenses/"+spatialID), w.owner.Token(t), nil), 204, "")
		if held(spatialID) != 0 || w.count(t, "licenses", dbx.HashExp{"id": spatialID}) != 0 {
			t.Fatal("the licence or its assignments survive")
		}
	})
}

func TestItems(t *testing.T) {
	w := newCrew(t)
	viewer := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer)
	contributor := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Contributor)
	create := func(tok string, body map[string]any) testapp.Response {
		return w.c.Do("POST", contentPath(w, "/items"), tok, body)
	}
	titles := func(t *testing.T, org, tok string) string {
		t.Helper()
		r := w.c.Do("GET", "/api/orgs/"+org+"/items?perPage=200", tok, nil)
		expectStatus(t, r, 200, "")
		var out []string
		for _, x := range r.JSON["items"].([]any) {
			out = append(out, x.(map[string]any)["title"].(string))
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}

	t.Run("only creators and professionals create items", func(t *testing.T) {
		for _, m := range []*testapp.Member{viewer, contributor} {
			expectStatus(t, create(m.Token(t), map[string]any{"kind": "map", "title": "Mine"}), 403, "user_type")
		}
		expectStatus(t, create("", map[string]any{"kind": "map", "title": "Mine"}), 401, "")
		off := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)
		tok := off.Token(t)
		testapp.SetStatus(t, w.app, off, access.Disabled)
		expectStatus(t, create(tok, map[string]any{"kind": "map", "title": "Mine"}), 403, "account_disabled")
		expectStatus(t, w.c.Do("GET", contentPath(w, "/items"), tok, nil), 403, "account_disabled")
		expectStatus(t, w.c.Do("GET", contentPath(w, "/groups"), tok, nil), 403, "account_disabled")
		expectStatus(t, w.c.Do("POST", "/api/orgs/"+w.other.ID+"/items", w.member.Token(t), map[string]any{"kind": "map", "title": "Mine"}), 404, "")
		expectField(t, create(w.member.Token(t), map[string]any{"kind": "spreadsheet", "title": "Mine"}), "kind")
		expectField(t, create(w.member.Token(t), map[string]any{"kind": "map", "title": ""}), "title")
		expectField(t, create(w.member.Token(t), map[string]any{"kind": "map", "title": "T", "sharing": "world"}), "sharing")
	})

	group := contentID(t, w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": "Cartographes", "members": []string{viewer.ID()}}))
	var private, org, shared string
	t.Run("a creator creates private, organisation and group items", func(t *testing.T) {
		r := create(w.member.Token(t), map[string]any{"kind": "map", "title": "Brouillon"})
		private = contentID(t, r)
		if r.JSON["sharing"] != "private" || r.JSON["canEdit"] != true {
			t.Fatalf("answer: %s", r.Raw)
		}
		org = contentID(t, create(w.member.Token(t), map[string]any{"kind": "dataset", "title": "Communes", "sharing": "org"}))
		shared = contentID(t, create(w.member.Token(t), map[string]any{"kind": "app", "title": "Tableau", "sharing": "groups", "groups": []string{group}}))
		expectField(t, create(w.member2.Token(t), map[string]any{"kind": "app", "title": "X", "sharing": "groups", "groups": []string{group}}), "groups")
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "items.create"}); n != 3 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("each member sees their own items, the organisation's and their groups'", func(t *testing.T) {
		if got := titles(t, w.org.ID, w.member.Token(t)); got != "Brouillon,Communes,Tableau" {
			t.Fatalf("owner sees %s", got)
		}
		if got := titles(t, w.org.ID, viewer.Token(t)); got != "Communes,Tableau" {
			t.Fatalf("group member sees %s", got)
		}
		if got := titles(t, w.org.ID, w.member2.Token(t)); got != "Communes" {
			t.Fatalf("colleague sees %s", got)
		}
		if got := titles(t, w.other.ID, w.other.Owner.Token(t)); got != "" {
			t.Fatalf("another organisation sees %s", got)
		}
		expectStatus(t, w.c.Do("GET", contentPath(w, "/items/"+private), w.member2.Token(t), nil), 404, "not_found")
		expectStatus(t, w.c.Do("GET", contentPath(w, "/items/"+shared), viewer.Token(t), nil), 200, "")
		expectStatus(t, w.c.Do("GET", "/api/orgs/"+w.other.ID+"/items/"+org, w.other.Owner.Token(t), nil), 404, "not_found")
		r := w.c.Do("GET", contentPath(w, "/items?owner=me&kind=dataset"), w.member.Token(t), nil)
		if r.JSON["totalItems"] != float64(1) {
			t.Fatalf("filtered: %s", r.Raw)
		}
	})

	t.Run("only the owner, or whoever may remove them, edits or deletes an item", func(t *testing.T) {
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/items/"+org), w.member2.Token(t), map[string]any{"title": "Mine now"}), 403, "not_owner")
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/items/"+private), w.member2.Token(t), map[string]any{"title": "Mine now"}), 404, "not_found")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/items/"+org), viewer.Token(t), nil), 403, "not_owner")
		expectStatus(t, w.c.Do("PATCH", "/api/orgs/"+w.other.ID+"/items/"+org, w.other.Owner.Token(t), map[string]any{"title": "X"}), 404, "not_found")

		r := w.c.Do("PATCH", contentPath(w, "/items/"+org), w.member.Token(t), map[string]any{"title": "Communes 2026", "sharing": "private"})
		expectStatus(t, r, 200, "")
		if r.JSON["title"] != "Communes 2026" || r.JSON["sharing"] != "private" {
			t.Fatalf("answer: %s", r.Raw)
		}
		// An admin moderates a member's item; nobody but the owner edits the owner's.
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/items/"+private), w.admin.Token(t), map[string]any{"title": "Modéré"}), 200, "")
		ownerItem := contentID(t, create(w.owner.Token(t), map[string]any{"kind": "map", "title": "Du propriétaire", "sharing": "org"}))
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/items/"+ownerItem), w.admin.Token(t), map[string]any{"title": "X"}), 403, "not_owner")
		adminItem := contentID(t, create(w.admin.Token(t), map[string]any{"kind": "map", "title": "De l'admin", "sharing": "org"}))
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/items/"+adminItem), w.admin2.Token(t), nil), 403, "not_owner")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/items/"+adminItem), w.owner.Token(t), nil), 204, "")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/items/"+shared), w.member.Token(t), nil), 204, "")
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "items.delete"}); n != 2 {
			t.Fatalf("%d audit rows", n)
		}
	})
}

func TestGroups(t *testing.T) {
	w := newCrew(t)
	viewer := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer)
	contributor := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Contributor)
	members := func(id string, body map[string]any, tok string) testapp.Response {
		return w.c.Do("POST", contentPath(w, "/groups/"+id+"/members"), tok, body)
	}
	inGroup := func(id string, m *testapp.Member) bool {
		return w.count(t, "groups", dbx.NewExp("id = {:g} AND members LIKE {:m}", dbx.Params{"g": id, "m": "%" + m.ID() + "%"})) == 1
	}

	t.Run("only creators and professionals create groups", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", contentPath(w, "/groups"), contributor.Token(t), map[string]any{"title": "G"}), 403, "user_type")
		expectStatus(t, w.c.Do("POST", contentPath(w, "/groups"), "", map[string]any{"title": "G"}), 401, "")
		expectField(t, w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": ""}), "title")
	})

	t.Run("a shared-update group takes only members whose type can edit shared content", func(t *testing.T) {
		r := w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": "Éditeurs", "sharedUpdate": true,
			"members": []string{contributor.ID(), viewer.ID()}})
		expectStatus(t, r, 409, "cannot_edit_shared")
		if !strings.Contains(r.Raw, viewer.ID()) || strings.Contains(r.Raw, contributor.ID()) {
			t.Fatalf("answer: %s", r.Raw)
		}
		r = w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": "G", "members": []string{w.other.Owner.ID()}})
		expectStatus(t, r, 409, "not_found")
	})

	var editors, readers string
	t.Run("the creator owns the group and is its first member", func(t *testing.T) {
		r := w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": "Éditeurs", "sharedUpdate": true,
			"members": []string{contributor.ID()}})
		editors = contentID(t, r)
		if r.JSON["isMember"] != true || r.JSON["canEdit"] != true || !inGroup(editors, w.member) || !inGroup(editors, contributor) {
			t.Fatalf("answer: %s", r.Raw)
		}
		readers = contentID(t, w.c.Do("POST", contentPath(w, "/groups"), w.member.Token(t), map[string]any{"title": "Lecteurs"}))
	})

	t.Run("adding a viewer to a shared-update group is refused, all or nothing", func(t *testing.T) {
		r := members(editors, map[string]any{"add": []string{w.member2.ID(), viewer.ID()}}, w.member.Token(t))
		expectStatus(t, r, 409, "cannot_edit_shared")
		if got := contentResults(t, r); got[viewer.ID()] != "cannot_edit_shared" || got[w.member2.ID()] != "ok" {
			t.Fatalf("results: %v", got)
		}
		if inGroup(editors, w.member2) {
			t.Fatal("half applied")
		}
		r = members(readers, map[string]any{"add": []string{viewer.ID(), w.member2.ID()}}, w.member.Token(t))
		expectStatus(t, r, 200, "")
		if r.JSON["changed"] != float64(2) || !inGroup(readers, viewer) {
			t.Fatalf("answer: %s", r.Raw)
		}
	})

	t.Run("shared update cannot be switched on while a member cannot edit", func(t *testing.T) {
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/groups/"+readers), w.member.Token(t), map[string]any{"sharedUpdate": true}), 409, "cannot_edit_shared")
	})

	t.Run("only the group's owner (or whoever may remove them) manages it; anyone may leave it", func(t *testing.T) {
		expectStatus(t, members(readers, map[string]any{"add": []string{contributor.ID()}}, w.member2.Token(t)), 403, "not_owner")
		expectStatus(t, members(readers, map[string]any{"remove": []string{viewer.ID()}}, w.member2.Token(t)), 403, "not_owner")
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/groups/"+readers), w.member2.Token(t), map[string]any{"title": "X"}), 403, "not_owner")
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/groups/"+readers), viewer.Token(t), nil), 403, "not_owner")
		expectStatus(t, members(readers, map[string]any{"remove": []string{w.member2.ID()}}, w.member2.Token(t)), 200, "")
		expectStatus(t, members(readers, map[string]any{"remove": []string{w.member.ID()}}, w.member.Token(t)), 409, "group_owner")
		expectStatus(t, members(readers, map[string]any{"add": []string{w.admin2.ID()}}, w.admin.Token(t)), 200, "")
		expectStatus(t, w.c.Do("PATCH", contentPath(w, "/groups/"+readers), w.owner.Token(t), map[string]any{"title": "Lecteurs 2026"}), 200, "")
		expectStatus(t, members(readers, map[string]any{"add": []string{w.other.Owner.ID()}}, w.member.Token(t)), 404, "not_found")
		expectField(t, members(readers, map[string]any{"add": []string{viewer.ID()}, "remove": []string{viewer.ID()}}, w.member.Token(t)), "remove")
		expectField(t, members(readers, map[string]any{}, w.member.Token(t)), "add")
	})

	t.Run("groups of another organisation are not found", func(t *testing.T) {
		expectStatus(t, w.c.Do("GET", "/api/orgs/"+w.other.ID+"/groups/"+readers, w.other.Owner.Token(t), nil), 404, "not_found")
		expectStatus(t, members(readers, map[string]any{"add": []string{w.other.Owner.ID()}}, w.other.Owner.Token(t)), 404, "")
		r := w.c.Do("GET", "/api/orgs/"+w.other.ID+"/groups", w.other.Owner.Token(t), nil)
		if r.JSON["totalItems"] != float64(0) {
			t.Fatalf("list: %s", r.Raw)
		}
	})

	t.Run("every member lists the groups; member=me lists their own", func(t *testing.T) {
		r := w.c.Do("GET", contentPath(w, "/groups"), viewer.Token(t), nil)
		if r.JSON["totalItems"] != float64(2) {
			t.Fatalf("list: %s", r.Raw)
		}
		r = w.c.Do("GET", contentPath(w, "/groups?member=me"), viewer.Token(t), nil)
		if r.JSON["totalItems"] != float64(1) || !strings.Contains(r.Raw, "Lecteurs 2026") {
			t.Fatalf("mine: %s", r.Raw)
		}
	})

	t.Run("deleting a group unshares the items shared with it", func(t *testing.T) {
		item := contentID(t, w.c.Do("POST", contentPath(w, "/items"), w.member.Token(t),
			map[string]any{"kind": "map", "title": "Carte", "sharing": "groups", "groups": []string{readers}}))
		expectStatus(t, w.c.Do("DELETE", contentPath(w, "/groups/"+readers), w.member.Token(t), nil), 204, "")
		r := w.c.Do("GET", contentPath(w, "/items/"+item), w.member.Token(t), nil)
		if !strings.Contains(r.Raw, `"groups":[]`) {
			t.Fatalf("item: %s", r.Raw)
		}
		expectStatus(t, w.c.Do("GET", contentPath(w, "/items/"+item), viewer.Token(t), nil), 404, "not_found")
		for _, action := range []string{"groups.create", "groups.members", "groups.update", "groups.delete"} {
			if w.count(t, "auditLog", dbx.HashExp{"action": action}) == 0 {
				t.Errorf("no %s audit row", action)
			}
		}
	})
}
