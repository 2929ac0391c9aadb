package api_test

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/members"
	"roster/internal/security"
	"roster/internal/testapp"
)

// newLife is a crew whose books are checked to balance from the start (orgs.Create and
// testapp.AddMember both bill the seats they add).
func newLife(t *testing.T) *crew {
	t.Helper()
	w := newCrew(t)
	lifeBooks(t, w)
	return w
}

// lifeMember adds a member who signed in once and holds a billed seat.
func lifeMember(t *testing.T, w *crew, role access.Role, ut access.UserType) *testapp.Member {
	t.Helper()
	m := testapp.AddMember(t, w.app, w.org, role, ut)
	w.signedIn(t, m)
	return m
}

// lifeBooks fails unless the ledger, the subscription and the members agree.
func lifeBooks(t *testing.T, w *crew) {
	t.Helper()
	problems, err := billing.Verify(w.app, w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("billing: %v", problems)
	}
}

func lifeMonthly(t *testing.T, w *crew) int {
	t.Helper()
	sub, err := w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	return sub.GetInt("monthlyAmount")
}

func lifeRecord(t *testing.T, w *crew, collection string, data map[string]any) *core.Record {
	t.Helper()
	return w.seed(t, collection, data)
}

func lifeItem(t *testing.T, w *crew, owner *testapp.Member, title string) *core.Record {
	return lifeRecord(t, w, "items", map[string]any{"org": w.org.ID, "owner": owner.ID(), "kind": "map", "title": title, "sharing": "private"})
}

func lifeGroup(t *testing.T, w *crew, owner *testapp.Member, title string, others ...*testapp.Member) *core.Record {
	ids := []string{owner.ID()}
	for _, m := range others {
		ids = append(ids, m.ID())
	}
	return lifeRecord(t, w, "groups", map[string]any{"org": w.org.ID, "owner": owner.ID(), "title": title, "members": ids})
}

func lifeLicense(t *testing.T, w *crew, code string, seats int, holders ...*testapp.Member) *core.Record {
	l := lifeRecord(t, w, "licenses", map[string]any{"org": w.org.ID, "code": code, "name": strings.ToUpper(code),
		"compatibleTypes": []string{"contributor", "creator", "professional"}, "seats": seats})
	for _, h := range holders {
		lifeRecord(t, w, "licenseAssignments", map[string]any{"license": l.Id, "membership": h.ID(), "assignedAt": time.Now()})
	}
	return l
}

func lifeExists(t *testing.T, w *crew, collection, id string) bool {
	t.Helper()
	return w.count(t, collection, dbx.HashExp{"id": id}) == 1
}

func lifeOwner(t *testing.T, w *crew, collection, id string) string {
	t.Helper()
	r, err := w.app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("owner")
}

func lifeRole(t *testing.T, w *crew, m *testapp.Member) string {
	t.Helper()
	ms, _ := w.fresh(t, m)
	return ms.GetString("role")
}

func lifeLanguage(t *testing.T, w *crew, m *testapp.Member, lang string) {
	t.Helper()
	m.User.Set("language", lang)
	if err := w.app.Save(m.User); err != nil {
		t.Fatal(err)
	}
}

func TestChangeRole(t *testing.T) {
	w := newLife(t)
	disabled := lifeMember(t, w, access.RoleAdmin, access.Creator)
	disabledToken := disabled.Token(t)
	testapp.SetStatus(t, w.app, disabled, access.Disabled)
	w.refuse(t, "POST", "role", map[string]any{"role": "admin"}, []refusal{
		{"a member cannot change roles", w.member.Token(t), w.member2.ID(), 403, "role"},
		{"an admin cannot change a member's role", w.admin.Token(t), w.member.ID(), 403, "role"},
		{"an admin cannot change another admin's role", w.admin.Token(t), w.admin2.ID(), 403, "role"},
		{"an admin cannot change the owner's role", w.admin.Token(t), w.owner.ID(), 403, "role"},
		{"the owner cannot change their own role", w.owner.Token(t), w.owner.ID(), 403, "self"},
		{"an outsider from another organisation gets a 404", w.other.Owner.Token(t), w.member.ID(), 404, ""},
		{"a member of another organisation is not found", w.owner.Token(t), w.other.Owner.ID(), 404, "not_found"},
		{"a disabled admin is refused", disabledToken, w.member.ID(), 403, "account_disabled"},
		{"no sign-in is a 401", "", w.member.ID(), 401, ""},
	})

	t.Run("nobody becomes the owner through a role change", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.admin.ID(), "role"), w.owner.Token(t), map[string]any{"role": "owner"})
		if r.Status != 400 || r.FieldCode("role") != "use_transfer" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		expectField(t, w.c.Do("POST", w.path(w.admin.ID(), "role"), w.owner.Token(t), map[string]any{"role": "boss"}), "role")
		expectField(t, w.c.Do("POST", w.path(w.admin.ID(), "role"), w.owner.Token(t), map[string]any{"role": 2}), "role")
	})

	t.Run("a viewer or a contributor cannot become an admin", func(t *testing.T) {
		for _, ut := range []access.UserType{access.Viewer, access.Contributor} {
			m := lifeMember(t, w, access.RoleMember, ut)
			r := w.c.Do("POST", w.path(m.ID(), "role"), w.owner.Token(t), map[string]any{"role": "admin"})
			expectStatus(t, r, 409, "role_incompatible_type")
			if lifeRole(t, w, m) != "member" || w.audits(t, access.MembersChangeRole, m) != 0 {
				t.Fatal("a refused role change changed something")
			}
		}
	})

	sent := w.mails()
	t.Run("the owner makes a member an admin: their sessions end, they are told in their language", func(t *testing.T) {
		lifeLanguage(t, w, w.member, "fr")
		old, r := w.c.SignIn(w.member.Email, w.member.Password)
		expectStatus(t, r, 200, "")
		r = w.c.Do("POST", w.path(w.member.ID(), "role"), w.owner.Token(t), map[string]any{"role": "admin"})
		expectStatus(t, r, 200, "")
		if r.JSON["role"] != "admin" || r.JSON["id"] != w.member.ID() {
			t.Fatalf("answer: %s", r.Raw)
		}
		if got := w.c.Do("GET", "/api/me", old, nil); got.Status != 401 {
			t.Fatalf("the old token still works: %d %s", got.Status, got.Raw)
		}
		mails := sent(t, 1)
		if !strings.Contains(mails[0], w.member.Email+" | Votre rôle dans Acme a changé") {
			t.Fatalf("mail: %v", mails)
		}
		if msg := w.app.TestMailer.LastMessage(); !strings.Contains(msg.Text, "administrateur") {
			t.Fatalf("the mail does not name the new role: %s", msg.Text)
		}
		if n := w.audits(t, access.MembersChangeRole, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
		tok, _ := w.c.SignIn(w.member.Email, w.member.Password)
		if me := w.c.Do("GET", "/api/me", tok, nil); !strings.Contains(me.Raw, `"role":"admin"`) {
			t.Fatalf("me: %s", me.Raw)
		}
	})

	t.Run("the same role again changes nothing", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", w.path(w.member.ID(), "role"), w.owner.Token(t), map[string]any{"role": "admin"}), 200, "")
		if n := w.audits(t, access.MembersChangeRole, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
		sent(t, 0)
	})

	t.Run("the owner makes an admin a member again", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.admin2.ID(), "role"), w.owner.Token(t), map[string]any{"role": "member"})
		expectStatus(t, r, 200, "")
		if lifeRole(t, w, w.admin2) != "member" {
			t.Fatal("still an admin")
		}
		if mails := sent(t, 1); !strings.Contains(mails[0], "Your role in Acme changed") {
			t.Fatalf("mail: %v", mails)
		}
	})
	lifeBooks(t, w)
}

func TestTransferOwnership(t *testing.T) {
	w := newLife(t)
	path := "/api/orgs/" + w.org.ID + "/transfer-ownership"
	body := func(to string) map[string]any {
		return map[string]any{"to": to, "password": testapp.Password}
	}
	disabled := lifeMember(t, w, access.RoleMember, access.Creator)
	disabledToken := disabled.Token(t)
	testapp.SetStatus(t, w.app, disabled, access.Disabled)

	for _, rc := range []refusal{
		{"an admin cannot transfer the ownership", w.admin.Token(t), w.member.ID(), 403, "role"},
		{"a member cannot transfer the ownership", w.member.Token(t), w.member2.ID(), 403, "role"},
		{"the owner cannot transfer to themselves", w.owner.Token(t), w.owner.ID(), 403, "self"},
		{"an outsider gets a 404", w.other.Owner.Token(t), w.member.ID(), 404, ""},
		{"a member of another organisation is not found", w.owner.Token(t), w.other.Owner.ID(), 404, "not_found"},
		{"a disabled member is refused", disabledToken, w.member.ID(), 403, "account_disabled"},
		{"no sign-in is a 401", "", w.member.ID(), 401, ""},
	} {
		t.Run(rc.name, func(t *testing.T) {
			before := w.count(t, "auditLog", nil)
			expectStatus(t, w.c.Do("POST", path, rc.token, body(rc.id)), rc.status, rc.code)
			if w.count(t, "auditLog", nil) != before || lifeRole(t, w, w.owner) != "owner" {
				t.Fatal("a refused transfer changed something")
			}
		})
	}

	t.Run("the new owner must be named", func(t *testing.T) {
		expectField(t, w.c.Do("POST", path, w.owner.Token(t), map[string]any{"password": testapp.Password}), "to")
	})

	t.Run("a wrong password is refused and nothing changes", func(t *testing.T) {
		r := w.c.Do("POST", path, w.owner.Token(t), map[string]any{"to": w.admin.ID(), "password": "not the password"})
		expectStatus(t, r, 403, "step_up_failed")
		expectStatus(t, w.c.Do("POST", path, w.owner.Token(t), map[string]any{"to": w.admin.ID()}), 403, "step_up_failed")
		if lifeRole(t, w, w.owner) != "owner" || lifeRole(t, w, w.admin) != "admin" || w.audits(t, access.OrgTransferOwnership, w.admin) != 0 {
			t.Fatal("a refused transfer changed something")
		}
	})

	t.Run("the new owner must be active and a creator or professional", func(t *testing.T) {
		viewer := lifeMember(t, w, access.RoleMember, access.Viewer)
		contributor := lifeMember(t, w, access.RoleMember, access.Contributor)
		for _, c := range []struct {
			m      *testapp.Member
			reason string
		}{{disabled, "not_active"}, {viewer, "user_type"}, {contributor, "user_type"}} {
			r := w.c.Do("POST", path, w.owner.Token(t), body(c.m.ID()))
			expectStatus(t, r, 409, "target_ineligible")
			if d, _ := r.JSON["data"].(map[string]any); d["reason"] != c.reason {
				t.Fatalf("reason: %s", r.Raw)
			}
		}
	})

	sent := w.mails()
	t.Run("the owner hands over to a member with their password: the old owner becomes an admin", func(t *testing.T) {
		lifeLanguage(t, w, w.member, "fr")
		r := w.c.Do("POST", path, w.owner.Token(t), body(w.member.ID()))
		expectStatus(t, r, 200, "")
		to, _ := r.JSON["to"].(map[string]any)
		from, _ := r.JSON["from"].(map[string]any)
		if to["id"] != w.member.ID() || from["id"] != w.owner.ID() {
			t.Fatalf("answer: %s", r.Raw)
		}
		if lifeRole(t, w, w.member) != "owner" || lifeRole(t, w, w.owner) != "admin" {
			t.Fatalf("roles: new %s, old %s", lifeRole(t, w, w.member), lifeRole(t, w, w.owner))
		}
		if n := w.count(t, "memberships", dbx.HashExp{"org": w.org.ID, "role": "owner"}); n != 1 {
			t.Fatalf("%d owners", n)
		}
		row, err := w.app.FindFirstRecordByFilter("auditLog", "action = 'org.transferOwnership' && targetId = {:id}", dbx.Params{"id": w.member.ID()})
		if err != nil {
			t.Fatal(err)
		}
		if d := row.GetString("details"); !strings.Contains(d, w.owner.ID()) || !strings.Contains(d, w.member.ID()) || row.GetString("actor") != w.owner.ID() {
			t.Fatalf("the audit row does not name both: %s", d)
		}
		mails := strings.Join(sent(t, 2), "\n")
		if !strings.Contains(mails, w.member.Email+" | Acme a un nouveau propriétaire") || !strings.Contains(mails, w.owner.Email+" | Acme has a new owner") {
			t.Fatalf("mails: %s", mails)
		}
		// The old owner's session still works, now as an admin.
		if me := w.c.Do("GET", "/api/me", w.owner.Token(t), nil); !strings.Contains(me.Raw, `"role":"admin"`) {
			t.Fatalf("me: %s", me.Raw)
		}
		expectStatus(t, w.c.Do("GET", "/api/orgs/"+w.org.ID+"/subscription", w.member.Token(t), nil), 200, "")
		expectStatus(t, w.c.Do("GET", "/api/orgs/"+w.org.ID+"/subscription", w.owner.Token(t), nil), 403, "")
	})

	t.Run("with two-factor sign-in on, the new owner also needs a current code, once", func(t *testing.T) {
		o, _ := w.app.FindRecordById("organizations", w.org.ID)
		o.Set("mfaEnabled", true)
		if err := w.app.Save(o); err != nil {
			t.Fatal(err)
		}
		session, err := members.SessionOf(w.app, w.member.User)
		if err != nil {
			t.Fatal(err)
		}
		a := session.Actor
		enr, err := security.Setup(w.app, a)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(enr.OTPAuthURL)
		secret := u.Query().Get("secret")
		prev, _ := security.Code(secret, security.Step(time.Now())-1)
		if _, err := security.Enable(w.app, a, prev); err != nil {
			t.Fatal(err)
		}
		tok := w.member.Token(t)
		expectStatus(t, w.c.Do("POST", path, tok, body(w.admin.ID())), 403, "step_up_failed")
		now := code(t, secret)
		expectStatus(t, w.c.Do("POST", path, tok, map[string]any{"to": w.admin.ID(), "password": "wrong", "code": now}), 403, "step_up_failed")
		if lifeRole(t, w, w.member) != "owner" {
			t.Fatal("a refused transfer changed the owner")
		}
		r := w.c.Do("POST", path, tok, map[string]any{"to": w.admin.ID(), "password": testapp.Password, "code": now})
		expectStatus(t, r, 200, "")
		if lifeRole(t, w, w.admin) != "owner" || lifeRole(t, w, w.member) != "admin" {
			t.Fatal("the transfer did not happen")
		}
		sent(t, 2)
	})
	lifeBooks(t, w)
}

func TestLeave(t *testing.T) {
	w := newLife(t)
	path := "/api/orgs/" + w.org.ID + "/leave"

	t.Run("the owner must transfer the ownership first", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", path, w.owner.Token(t), nil), 409, "owner_must_transfer")
	})
	t.Run("nobody leaves an organisation they do not belong to", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", "/api/orgs/"+w.other.ID+"/leave", w.member.Token(t), nil), 404, "")
	})
	t.Run("no sign-in is a 401", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", path, "", nil), 401, "")
	})
	t.Run("a disabled member cannot leave by themselves", func(t *testing.T) {
		d := lifeMember(t, w, access.RoleMember, access.Creator)
		tok := d.Token(t)
		testapp.SetStatus(t, w.app, d, access.Disabled)
		expectStatus(t, w.c.Do("POST", path, tok, nil), 403, "account_disabled")
	})

	maps := []*core.Record{lifeItem(t, w, w.member, "Carte A"), lifeItem(t, w, w.member, "Carte B")}
	lifeLicense(t, w, "navigator", 0, w.member)
	tok := w.member.Token(t)
	t.Run("a member who owns content or holds licences must say what becomes of them", func(t *testing.T) {
		r := w.c.Do("POST", path, tok, nil)
		expectStatus(t, r, 409, "owns_content")
		if d, _ := r.JSON["data"].(map[string]any); d["items"] != float64(2) || d["groups"] != float64(0) {
			t.Fatalf("counts: %s", r.Raw)
		}
		expectStatus(t, w.c.Do("POST", path, tok, map[string]any{"transferTo": w.member2.ID()}), 409, "has_licenses")
		viewer := lifeMember(t, w, access.RoleMember, access.Viewer)
		expectStatus(t, w.c.Do("POST", path, tok, map[string]any{"transferTo": viewer.ID(), "revokeLicenses": true}), 409, "transfer_target_ineligible")
	})

	t.Run("a member leaves, handing their maps to a colleague: their account is gone and their seat no longer billed", func(t *testing.T) {
		before := lifeMonthly(t, w)
		r := w.c.Do("POST", path, tok, map[string]any{"transferTo": w.member2.ID(), "revokeLicenses": true})
		expectStatus(t, r, 200, "")
		for _, m := range maps {
			if lifeOwner(t, w, "items", m.Id) != w.member2.ID() {
				t.Fatal("a map did not go to the colleague")
			}
		}
		if lifeExists(t, w, "users", w.member.User.Id) || lifeExists(t, w, "memberships", w.member.ID()) {
			t.Fatal("the account is still there")
		}
		if got := lifeMonthly(t, w); got != before-3500 {
			t.Fatalf("monthly amount %d, want %d", got, before-3500)
		}
		expectStatus(t, w.c.Do("GET", "/api/me", tok, nil), 401, "")
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "org.leave", "targetId": w.member.ID(), "actor": w.member.ID()}); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
		lifeBooks(t, w)
	})

	t.Run("an admin with nothing leaves at once", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", path, w.admin2.Token(t), nil), 200, "")
		if lifeExists(t, w, "memberships", w.admin2.ID()) {
			t.Fatal("still a member")
		}
		lifeBooks(t, w)
	})
}

func TestRemovalRefusals(t *testing.T) {
	w := newLife(t)
	t.Run("removing", func(t *testing.T) {
		w.refuse(t, "DELETE", "", map[string]any{}, append(w.refusals(t),
			refusal{"the owner cannot remove themselves", w.owner.Token(t), w.owner.ID(), 403, "self"},
			refusal{"an admin cannot remove themselves", w.admin.Token(t), w.admin.ID(), 403, "self"},
		))
	})
	t.Run("previewing", func(t *testing.T) {
		w.refuse(t, "GET", "removal", nil, append(w.refusals(t),
			refusal{"the owner's removal cannot even be previewed", w.owner.Token(t), w.owner.ID(), 403, "role"},
		))
	})

	t.Run("an admin cannot remove an admin, and nobody can remove the owner", func(t *testing.T) {
		expectStatus(t, w.c.Do("DELETE", w.path(w.admin2.ID(), ""), w.admin.Token(t), nil), 403, "rank")
		expectStatus(t, w.c.Do("DELETE", w.path(w.owner.ID(), ""), w.admin.Token(t), nil), 403, "owner_protected")
		if !lifeExists(t, w, "memberships", w.admin2.ID()) || !lifeExists(t, w, "memberships", w.owner.ID()) {
			t.Fatal("a refused removal removed someone")
		}
	})

	lifeItem(t, w, w.member, "Carte")
	lifeGroup(t, w, w.member, "Équipe")
	lifeLicense(t, w, "navigator", 0, w.member)
	t.Run("a member who owns content cannot be removed until the request says what becomes of it", func(t *testing.T) {
		r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.admin.Token(t), nil)
		expectStatus(t, r, 409, "owns_content")
		if d, _ := r.JSON["data"].(map[string]any); d["items"] != float64(1) || d["groups"] != float64(1) || d["licenses"] != float64(1) {
			t.Fatalf("counts: %s", r.Raw)
		}
	})
	t.Run("a member who holds licences cannot be removed until the request agrees to revoke them", func(t *testing.T) {
		r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"deleteContent": true})
		expectStatus(t, r, 409, "has_licenses")
		if d, _ := r.JSON["data"].(map[string]any); d["licenses"] != float64(1) {
			t.Fatalf("counts: %s", r.Raw)
		}
	})
	t.Run("transferring and deleting at once is a 400", func(t *testing.T) {
		r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.admin.Token(t),
			map[string]any{"transferTo": w.member2.ID(), "deleteContent": true, "revokeLicenses": true})
		expectField(t, r, "transferTo")
	})
	t.Run("the content only goes to an active member of the organisation who can own it", func(t *testing.T) {
		viewer := lifeMember(t, w, access.RoleMember, access.Viewer)
		off := lifeMember(t, w, access.RoleMember, access.Creator)
		testapp.SetStatus(t, w.app, off, access.Disabled)
		for to, reason := range map[string]string{viewer.ID(): "user_type", off.ID(): "not_active",
			w.other.Owner.ID(): "not_member", w.member.ID(): "same_member", "nosuchmember123": "not_member"} {
			r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"transferTo": to, "revokeLicenses": true})
			expectStatus(t, r, 409, "transfer_target_ineligible")
			if d, _ := r.JSON["data"].(map[string]any); d["reason"] != reason {
				t.Fatalf("%s: %s", reason, r.Raw)
			}
		}
	})
	if !lifeExists(t, w, "memberships", w.member.ID()) || w.audits(t, access.MembersRemove, w.member) != 0 {
		t.Fatal("a refused removal changed something")
	}
}

// removalSnapshot is everything a removal touches.
type removalSnapshot struct {
	owners map[string]string // item or group id → owner
	counts removalTally
}

type removalTally struct {
	groupMembers, memberships, users, assignments, ledger, audit, mail, monthly int
}

func takeRemovalSnapshot(t *testing.T, w *crew, records ...*core.Record) removalSnapshot {
	t.Helper()
	s := removalSnapshot{owners: map[string]string{}}
	for _, r := range records {
		s.owners[r.Id] = lifeOwner(t, w, r.Collection().Name, r.Id)
	}
	if err := w.app.DB().NewQuery("SELECT count(*) FROM groupMembers").Row(&s.counts.groupMembers); err != nil {
		t.Fatal(err)
	}
	s.counts.memberships = w.count(t, "memberships", nil)
	s.counts.users = w.count(t, "users", nil)
	s.counts.assignments = w.count(t, "licenseAssignments", nil)
	s.counts.ledger = w.count(t, "seatLedger", nil)
	s.counts.audit = w.count(t, "auditLog", nil)
	s.counts.mail = w.count(t, "mailOutbox", nil)
	s.counts.monthly = lifeMonthly(t, w)
	return s
}

// unchanged fails unless after is before.
func (before removalSnapshot) unchanged(t *testing.T, after removalSnapshot) {
	t.Helper()
	for id, owner := range before.owners {
		if after.owners[id] != owner {
			t.Errorf("%s changed owner: %s → %s", id, owner, after.owners[id])
		}
	}
	if after.counts != before.counts {
		t.Errorf("half applied:\nbefore %+v\nafter  %+v", before.counts, after.counts)
	}
}

func TestRemovalIsAllOrNothing(t *testing.T) {
	w := newLife(t)
	maps := []*core.Record{lifeItem(t, w, w.member, "Carte 1"), lifeItem(t, w, w.member, "Carte 2")}
	group := lifeGroup(t, w, w.member, "Équipe", w.member2)
	other := lifeGroup(t, w, w.member2, "Autre", w.member)
	lifeLicense(t, w, "navigator", 0, w.member)
	before := takeRemovalSnapshot(t, w, maps[0], maps[1], group, other)
	body := map[string]any{"transferTo": w.admin.ID(), "revokeLicenses": true}

	t.Run("a failure on the last step, deleting the account, undoes every step before it", func(t *testing.T) {
		id := w.app.OnRecordDeleteExecute("users").BindFunc(func(e *core.RecordEvent) error {
			return errors.New("injected failure")
		})
		r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.owner.Token(t), body)
		w.app.OnRecordDeleteExecute("users").Unbind(id)
		expectStatus(t, r, 500, "")
		if strings.Contains(r.Raw, "injected") {
			t.Fatalf("the answer leaks the internal error: %s", r.Raw)
		}
		before.unchanged(t, takeRemovalSnapshot(t, w, maps[0], maps[1], group, other))
		if !lifeExists(t, w, "memberships", w.member.ID()) || !lifeExists(t, w, "users", w.member.User.Id) {
			t.Fatal("the member is gone")
		}
		expectStatus(t, w.c.Do("GET", "/api/me", w.member.Token(t), nil), 200, "")
		lifeBooks(t, w)
	})

	t.Run("a failure while writing the ledger undoes the content handover", func(t *testing.T) {
		id := w.app.OnRecordCreateExecute("seatLedger").BindFunc(func(e *core.RecordEvent) error {
			return errors.New("injected failure")
		})
		r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.owner.Token(t), body)
		w.app.OnRecordCreateExecute("seatLedger").Unbind(id)
		expectStatus(t, r, 500, "")
		before.unchanged(t, takeRemovalSnapshot(t, w, maps[0], maps[1], group, other))
	})

	t.Run("once nothing fails, the same request goes through", func(t *testing.T) {
		expectStatus(t, w.c.Do("DELETE", w.path(w.member.ID(), ""), w.owner.Token(t), body), 200, "")
		for _, r := range []*core.Record{maps[0], maps[1], group} {
			if lifeOwner(t, w, r.Collection().Name, r.Id) != w.admin.ID() {
				t.Fatalf("%s did not go to the admin", r.Id)
			}
		}
		g, _ := w.app.FindRecordById("groups", other.Id)
		if ms := g.GetStringSlice("members"); slices.Contains(ms, w.member.ID()) || !slices.Contains(ms, w.member2.ID()) {
			t.Fatal("the member is still in another group")
		}
		lifeBooks(t, w)
	})
}

// TestRemovingAMemberWhoOwnsMapsAGroupAndALicence is the whole removal flow, end to end.
func TestRemovingAMemberWhoOwnsMapsAGroupAndALicence(t *testing.T) {
	w := newLife(t)
	leaving := lifeMember(t, w, access.RoleMember, access.Professional)
	colleague := w.member2
	lifeLanguage(t, w, leaving, "fr")
	var maps []*core.Record
	for _, title := range []string{"Réseau cyclable", "Zones inondables", "Écoles"} {
		maps = append(maps, lifeItem(t, w, leaving, title))
	}
	group := lifeGroup(t, w, leaving, "Cartographes", w.member)
	licence := lifeLicense(t, w, "field-maps", 2, leaving)
	avatar := w.form(t, "PATCH", w.path(leaving.ID(), ""), w.owner.Token(t), nil, pngBytes(t), "me.png")
	expectStatus(t, avatar, 200, "")
	u, _ := w.app.FindRecordById("users", leaving.User.Id)
	avatarKey := u.BaseFilesPath() + "/" + u.GetString("avatar")
	fsys, err := w.app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if ok, _ := fsys.Exists(avatarKey); !ok {
		t.Fatal("the avatar was not stored")
	}
	tok := leaving.Token(t)
	monthly := lifeMonthly(t, w)
	const price = 7500 // a professional seat on the team plan

	t.Run("the wizard's inventory lists what the member holds and the seat price saved", func(t *testing.T) {
		r := w.c.Do("GET", w.path(leaving.ID(), "removal"), w.owner.Token(t), nil)
		expectStatus(t, r, 200, "")
		counts, _ := r.JSON["counts"].(map[string]any)
		if counts["items"] != float64(3) || counts["groups"] != float64(1) || counts["licenses"] != float64(1) {
			t.Fatalf("counts: %s", r.Raw)
		}
		if r.JSON["seatPrice"] != float64(price) || r.JSON["monthlyAmountAfter"] != float64(monthly-price) || r.JSON["currency"] != "EUR" {
			t.Fatalf("prices: %s", r.Raw)
		}
		if !strings.Contains(r.Raw, "Zones inondables") || !strings.Contains(r.Raw, "field-maps") || !strings.Contains(r.Raw, `"required":["owns_content","has_licenses"]`) {
			t.Fatalf("inventory: %s", r.Raw)
		}
	})

	t.Run("an admin cannot remove an admin, and nobody can remove the owner", func(t *testing.T) {
		expectStatus(t, w.c.Do("DELETE", w.path(w.admin2.ID(), ""), w.admin.Token(t), nil), 403, "rank")
		expectStatus(t, w.c.Do("DELETE", w.path(w.owner.ID(), ""), w.admin.Token(t), nil), 403, "owner_protected")
		expectStatus(t, w.c.Do("DELETE", w.path(w.owner.ID(), ""), w.owner.Token(t), nil), 403, "self")
	})

	sent := w.mails()
	t.Run("the owner removes them, handing everything to a colleague", func(t *testing.T) {
		r := w.c.Do("DELETE", w.path(leaving.ID(), ""), w.owner.Token(t),
			map[string]any{"transferTo": colleague.ID(), "deleteContent": false, "revokeLicenses": true})
		expectStatus(t, r, 200, "")
		if r.JSON["seatPrice"] != float64(price) || r.JSON["monthlyAmount"] != float64(monthly-price) {
			t.Fatalf("answer: %s", r.Raw)
		}

		// The maps and the group now belong to the colleague.
		for _, m := range maps {
			if lifeOwner(t, w, "items", m.Id) != colleague.ID() {
				t.Fatalf("map %s was not transferred", m.GetString("title"))
			}
		}
		g, _ := w.app.FindRecordById("groups", group.Id)
		if ms := g.GetStringSlice("members"); g.GetString("owner") != colleague.ID() || !slices.Contains(ms, colleague.ID()) ||
			!slices.Contains(ms, w.member.ID()) || slices.Contains(ms, leaving.ID()) {
			t.Fatalf("group: owner %s, members %v", g.GetString("owner"), ms)
		}

		// The licence seat is free.
		list := w.c.Do("GET", "/api/orgs/"+w.org.ID+"/licenses", w.owner.Token(t), nil)
		if !strings.Contains(list.Raw, `"id":"`+licence.Id+`"`) || !strings.Contains(list.Raw, `"assigned":0`) {
			t.Fatalf("licences: %s", list.Raw)
		}

		// The monthly amount went down by exactly that member's seat price; ledger and subscription agree.
		if got := lifeMonthly(t, w); got != monthly-price {
			t.Fatalf("monthly amount %d, want %d", got, monthly-price)
		}
		var row struct {
			Delta        int    `db:"delta"`
			MonthlyDelta int    `db:"monthlyDelta"`
			Reason       string `db:"reason"`
		}
		if err := w.app.DB().NewQuery("SELECT delta, monthlyDelta, reason FROM seatLedger WHERE membership = {:m} AND delta < 0").
			Bind(dbx.Params{"m": leaving.ID()}).One(&row); err != nil {
			t.Fatal(err)
		}
		if row.Delta != -1 || row.MonthlyDelta != -price || row.Reason != "removed" {
			t.Fatalf("ledger row: %+v", row)
		}
		lifeBooks(t, w)

		// The account, its avatar and its session are gone.
		if lifeExists(t, w, "users", leaving.User.Id) || lifeExists(t, w, "memberships", leaving.ID()) {
			t.Fatal("the account is still there")
		}
		expectStatus(t, w.c.Do("GET", "/api/me", tok, nil), 401, "")
		if _, r := w.c.SignIn(leaving.Email, testapp.Password); r.Status != 400 {
			t.Fatalf("sign-in: %d %s", r.Status, r.Raw)
		}
		if ok, _ := fsys.Exists(avatarKey); ok {
			t.Fatal("the avatar file is still stored")
		}

		// They were told, in French.
		if mails := sent(t, 1); mails[0] != leaving.Email+" | Vous avez été retiré d’Acme" {
			t.Fatalf("mail: %v", mails)
		}
	})

	t.Run("the audit log tells the story", func(t *testing.T) {
		rows, err := w.app.FindAllRecords("auditLog", dbx.HashExp{"action": "members.remove", "targetId": leaving.ID()})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%d audit rows, %v", len(rows), err)
		}
		d := rows[0].GetString("details")
		for _, want := range []string{`"itemsTransferred":3`, `"groupsTransferred":1`, `"licensesRevoked":["field-maps"]`,
			`"seatPriceSaved":7500`, colleague.ID(), `"accountDeleted":true`, `"userType":"professional"`} {
			if !strings.Contains(d, want) {
				t.Errorf("the audit row lacks %s: %s", want, d)
			}
		}
		if rows[0].GetString("actor") != w.owner.ID() || !strings.Contains(rows[0].GetString("targetLabel"), leaving.Email) {
			t.Errorf("actor %s, target %s", rows[0].GetString("actor"), rows[0].GetString("targetLabel"))
		}
	})
}

func TestRemovalDeletingContent(t *testing.T) {
	w := newLife(t)
	item := lifeItem(t, w, w.member, "Brouillon")
	group := lifeGroup(t, w, w.member, "Atelier", w.member2)
	shared := lifeRecord(t, w, "items", map[string]any{"org": w.org.ID, "owner": w.member2.ID(), "kind": "app",
		"title": "Appli", "sharing": "groups", "groups": []string{group.Id}})
	r := w.c.Do("DELETE", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"deleteContent": true})
	expectStatus(t, r, 200, "")
	if lifeExists(t, w, "items", item.Id) || lifeExists(t, w, "groups", group.Id) {
		t.Fatal("the content is still there")
	}
	s, _ := w.app.FindRecordById("items", shared.Id)
	if len(s.GetStringSlice("groups")) != 0 {
		t.Fatal("another member's item is still shared with the deleted group")
	}
	if n := w.audits(t, access.MembersRemove, w.member); n != 1 {
		t.Fatalf("%d audit rows", n)
	}
	lifeBooks(t, w)
}

func TestRemovingADisabledMemberFreesTheirBilledSeatToo(t *testing.T) {
	w := newLife(t)
	off := lifeMember(t, w, access.RoleMember, access.Professional)
	expectStatus(t, w.c.Do("POST", w.path(off.ID(), "disable"), w.admin.Token(t), nil), 200, "")
	before := lifeMonthly(t, w)
	expectStatus(t, w.c.Do("DELETE", w.path(off.ID(), ""), w.admin.Token(t), nil), 200, "")
	if got := lifeMonthly(t, w); got != before-7500 {
		t.Fatalf("monthly amount %d, want %d", got, before-7500)
	}
	lifeBooks(t, w)
}
