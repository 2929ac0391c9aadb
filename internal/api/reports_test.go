package api_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/testapp"
)

// reportWorld is an organisation whose every number is known: members of each role,
// type and status with known sign-ins and credits, a seat ledger over 400 days, and
// invitations in every state, in and out of the 90-day window.
type reportWorld struct {
	*office
	now time.Time
}

func (w *reportWorld) at(daysAgo int) string {
	d := w.now.Truncate(24*time.Hour).AddDate(0, 0, -daysAgo).Add(12 * time.Hour)
	return d.Format("2006-01-02 15:04:05.000Z")
}

func (w *reportWorld) day(daysAgo int) string {
	return w.now.Truncate(24*time.Hour).AddDate(0, 0, -daysAgo).Format("2006-01-02")
}

func (w *reportWorld) exec(t *testing.T, sql string, params dbx.Params) {
	t.Helper()
	if _, err := w.app.DB().NewQuery(sql).Bind(params).Execute(); err != nil {
		t.Fatal(err)
	}
}

// member adds a member with a role, type, status, last sign-in (days ago, -1: never),
// partner access and credits (limit < 0: no limit).
func (w *reportWorld) addMember(t *testing.T, role access.Role, ut access.UserType, status access.Status, signedIn int, partner bool, limit, used float64) *testapp.Member {
	t.Helper()
	m := testapp.AddMember(t, w.app, w.org, role, ut)
	w.setMember(t, m, status, signedIn, partner, limit, used)
	return m
}

func (w *reportWorld) setMember(t *testing.T, m *testapp.Member, status access.Status, signedIn int, partner bool, limit, used float64) {
	t.Helper()
	m.Membership.Load(map[string]any{"status": string(status), "partnerAccess": partner, "creditsLimited": limit >= 0,
		"creditsAllocated": max(limit, 0), "creditsUsed": used})
	w.save(t, m.Membership)
	m.User.Set("lastLogin", "")
	if signedIn >= 0 {
		m.User.Set("lastLogin", w.at(signedIn))
	}
	w.save(t, m.User)
}

func (w *reportWorld) seat(t *testing.T, daysAgo int, ut access.UserType, delta, monthly int) {
	t.Helper()
	col, _ := w.app.FindCollectionByNameOrId("seatLedger")
	r := core.NewRecord(col)
	r.Load(map[string]any{"org": w.org.ID, "membership": "m", "userType": string(ut), "delta": delta,
		"monthlyDelta": monthly, "reason": "joined", "at": w.at(daysAgo)})
	w.save(t, r)
}

// invitation adds an invitation created, changed and answered at given days ago
// (answered < 0: not), expiring at expires days from now (negative: past).
func (w *reportWorld) invitation(t *testing.T, status string, created, updated, accepted, expires int) {
	t.Helper()
	col, _ := w.app.FindCollectionByNameOrId("invitations")
	r := core.NewRecord(col)
	n := time.Now().UnixNano()
	r.Load(map[string]any{"org": w.org.ID, "email": fmt.Sprintf("invitee%d@example.com", n), "role": "member",
		"userType": "viewer", "tokenHash": fmt.Sprint(n), "expires": w.at(-expires), "status": "pending"})
	w.save(t, r)
	params := dbx.Params{"id": r.Id, "status": status, "created": w.at(created), "updated": w.at(updated), "accepted": ""}
	if accepted >= 0 {
		params["accepted"] = w.at(accepted)
	}
	w.exec(t, "UPDATE invitations SET status = {:status}, created = {:created}, updated = {:updated}, acceptedAt = {:accepted} WHERE id = {:id}", params)
}

func newReportWorld(t *testing.T) *reportWorld {
	t.Helper()
	w := &reportWorld{office: newOffice(t), now: time.Now().UTC()}
	org := w.orgRecord(t)
	org.Set("creditBudgeting", true)
	org.Set("creditsPool", 1000)
	w.save(t, org)
	// The office's people, as the numbers below need them.
	w.setMember(t, w.owner, access.Active, 2, false, -1, 0)                                  // owner, creator
	w.setMember(t, w.admin, access.Active, 10, true, 300, 120)                               // admin, creator
	w.setMember(t, w.member, access.Active, 40, false, 50, 50)                               // member, creator
	w.setMember(t, w.disabled, access.Disabled, 100, false, -1, 7)                           // member, viewer
	w.addMember(t, access.RoleMember, access.Contributor, access.Active, -1, true, -1, 0)    // never signed in
	w.addMember(t, access.RoleMember, access.Professional, access.Active, 200, false, -1, 3) // inactive

	w.exec(t, "DELETE FROM seatLedger WHERE org = {:org}", dbx.Params{"org": w.org.ID})
	w.seat(t, 400, access.Creator, 1, 3500)
	w.seat(t, 200, access.Creator, 1, 3500)
	w.seat(t, 200, access.Viewer, 1, 0)
	w.seat(t, 100, access.Contributor, 1, 1500)
	w.seat(t, 50, access.Creator, 1, 3500)
	w.seat(t, 50, access.Professional, 1, 7500)
	w.seat(t, 50, access.Viewer, 1, 0)
	w.seat(t, 10, access.Viewer, -1, 0)

	w.invitation(t, "pending", 0, 0, -1, 7)          // pending
	w.invitation(t, "accepted", 20, 18, 18, -13)     // accepted in the window
	w.invitation(t, "expired", 30, 23, -1, -23)      // expired and marked
	w.invitation(t, "pending", 8, 8, -1, -1)         // expired, not marked yet
	w.invitation(t, "revoked", 5, 4, -1, 2)          // revoked
	w.invitation(t, "accepted", 205, 200, 200, -198) // out of the window
	w.invitation(t, "revoked", 300, 299, -1, -293)   // out of the window
	return w
}

func (w *reportWorld) report(t *testing.T, m *testapp.Member, query string) (map[string]json.RawMessage, string) {
	t.Helper()
	r := w.c.Do("GET", w.url("/reports"+query), m.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Raw), &out); err != nil {
		t.Fatal(err)
	}
	return out, r.Raw
}

func section[T any](t *testing.T, rep map[string]json.RawMessage, name string) T {
	t.Helper()
	var v T
	raw, ok := rep[name]
	if !ok {
		t.Fatalf("no %s section", name)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTheReportsAddUpHandBuiltData(t *testing.T) {
	w := newReportWorld(t)
	rep, raw := w.report(t, w.owner, "")

	t.Run("members by role, user type and status", func(t *testing.T) {
		m := section[struct {
			Total         int
			ByRole        map[string]int
			ByUserType    map[string]int
			ByStatus      map[string]int
			PartnerAccess int
			Breakdown     []struct {
				Role, UserType, Status string
				Count                  int
			}
		}](t, rep, "members")
		want := map[string]int{"owner": 1, "admin": 1, "member": 4}
		for k, v := range want {
			if m.ByRole[k] != v {
				t.Errorf("role %s: %d, want %d", k, m.ByRole[k], v)
			}
		}
		for k, v := range map[string]int{"viewer": 1, "contributor": 1, "creator": 3, "professional": 1} {
			if m.ByUserType[k] != v {
				t.Errorf("type %s: %d, want %d", k, m.ByUserType[k], v)
			}
		}
		if m.Total != 6 || m.ByStatus["active"] != 5 || m.ByStatus["disabled"] != 1 || m.PartnerAccess != 2 {
			t.Errorf("%+v", m)
		}
		sum := 0
		for _, b := range m.Breakdown {
			sum += b.Count
			if b.Role == "member" && b.UserType == "creator" && b.Status == "active" && b.Count != 1 {
				t.Errorf("member creator active: %d", b.Count)
			}
		}
		if sum != 6 {
			t.Errorf("breakdown adds up to %d", sum)
		}
	})

	t.Run("sign-ins in the last 7, 30 and 90 days, and never", func(t *testing.T) {
		s := section[map[string]int](t, rep, "signins")
		want := map[string]int{"members": 6, "last7Days": 1, "last30Days": 2, "last90Days": 3, "inactive": 2, "neverSignedIn": 1}
		for k, v := range want {
			if s[k] != v {
				t.Errorf("%s: %d, want %d (%v)", k, s[k], v, s)
			}
		}
	})

	t.Run("credits: pool, allocated, used, per user type", func(t *testing.T) {
		c := section[struct {
			Budgeting                          bool
			Pool, Allocated, Used, Unallocated float64
			PoolAllocated, PoolLeft            float64
			UnlimitedMembers                   int
			ByUserType                         map[string]struct {
				Members, Unlimited int
				Allocated, Used    float64
			}
		}](t, rep, "credits")
		if !c.Budgeting || c.Pool != 1000 || c.Allocated != 350 || c.Used != 180 || c.Unallocated != 650 || c.UnlimitedMembers != 4 ||
			c.PoolAllocated != 360 || c.PoolLeft != 640 { // 300 + 50 allocated, 7 + 3 used without a limit
			t.Errorf("%+v", c)
		}
		cr := c.ByUserType["creator"]
		if cr.Members != 3 || cr.Allocated != 350 || cr.Used != 170 || cr.Unlimited != 1 {
			t.Errorf("creators: %+v", cr)
		}
		if v := c.ByUserType["viewer"]; v.Members != 1 || v.Used != 7 || v.Unlimited != 1 {
			t.Errorf("viewers: %+v", v)
		}
	})

	t.Run("seats over twelve months, from the ledger", func(t *testing.T) {
		s := section[struct {
			Currency      string
			Seats         int
			MonthlyAmount int
			ByUserType    map[string]int
			Points        []struct {
				Date          string
				Seats         int
				MonthlyAmount int
			}
		}](t, rep, "seats")
		if s.Currency != "EUR" || s.Seats != 6 || s.MonthlyAmount != 19500 || s.ByUserType["creator"] != 3 {
			t.Errorf("now: %s %d %d %v", s.Currency, s.Seats, s.MonthlyAmount, s.ByUserType)
		}
		if n := len(s.Points); n < 365 || n > 367 {
			t.Fatalf("%d points", n)
		}
		first, last := s.Points[0], s.Points[len(s.Points)-1]
		if first.Date != w.now.AddDate(0, -12, 0).Format("2006-01-02") || first.Seats != 1 || first.MonthlyAmount != 3500 {
			t.Errorf("first point %+v", first)
		}
		if last.Date != w.day(0) || last.Seats != 6 || last.MonthlyAmount != 19500 {
			t.Errorf("last point %+v", last)
		}
		byDate := map[string][2]int{}
		for _, p := range s.Points {
			byDate[p.Date] = [2]int{p.Seats, p.MonthlyAmount}
		}
		for daysAgo, want := range map[int][2]int{201: {1, 3500}, 200: {3, 7000}, 100: {4, 8500}, 50: {7, 19500}, 11: {7, 19500}, 10: {6, 19500}} {
			if got := byDate[w.day(daysAgo)]; got != want {
				t.Errorf("%d days ago (%s): %v, want %v", daysAgo, w.day(daysAgo), got, want)
			}
		}
	})

	t.Run("invitations of the last 90 days", func(t *testing.T) {
		i := section[map[string]int](t, rep, "invitations")
		want := map[string]int{"days": 90, "sent": 5, "accepted": 1, "expired": 2, "revoked": 1, "pending": 1}
		for k, v := range want {
			if i[k] != v {
				t.Errorf("%s: %d, want %d (%v)", k, i[k], v, i)
			}
		}
	})

	var sections []string
	_ = json.Unmarshal(rep["sections"], &sections)
	if len(sections) != 5 {
		t.Errorf("the owner sees %v: %s", sections, raw)
	}
}

func TestEachRoleSeesTheReportSectionsTheOwnerShares(t *testing.T) {
	o := newOffice(t)
	w := &reportWorld{office: o, now: time.Now().UTC()}
	o.refusedToAll(t, "GET", o.url("/reports"), nil, o.admin, o.member)
	sectionsOf := func(m *testapp.Member, query string) []string {
		t.Helper()
		rep, raw := w.report(t, m, query)
		var s []string
		_ = json.Unmarshal(rep["sections"], &s)
		for _, name := range []string{"seats", "members", "signins", "credits", "invitations"} {
			_, present := rep[name]
			listed := false
			for _, x := range s {
				listed = listed || x == name
			}
			if present != listed {
				t.Errorf("section %s present %v but listed %v: %s", name, present, listed, raw)
			}
		}
		return s
	}
	eq := func(got []string, want ...string) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	if s := sectionsOf(o.admin, ""); !eq(s, "seats", "members", "signins", "credits", "invitations") {
		t.Errorf("by default an administrator sees %v", s)
	}
	if s := sectionsOf(o.member, ""); !eq(s, "members") {
		t.Errorf("by default a member sees %v", s)
	}
	r := o.c.Do("PATCH", o.url("/settings"), o.owner.Token(t), map[string]any{
		"reportSections": map[string]any{"admin": []string{"credits", "seats"}, "member": []string{}}})
	if r.Status != 200 {
		t.Fatal(r.Raw)
	}
	if s := sectionsOf(o.admin, ""); !eq(s, "seats", "credits") {
		t.Errorf("the administrator sees %v", s)
	}
	if s := sectionsOf(o.member, ""); !eq(s) {
		t.Errorf("the member sees %v", s)
	}
	if s := sectionsOf(o.owner, ""); len(s) != 5 {
		t.Errorf("the owner sees %v", s)
	}
	if s := sectionsOf(o.owner, "?sections=signins,seats"); !eq(s, "seats", "signins") {
		t.Errorf("the owner asking for two sections gets %v", s)
	}
	if s := sectionsOf(o.admin, "?sections=members"); !eq(s) {
		t.Errorf("an administrator asking for a section not shared gets %v", s)
	}
	if r := o.c.Do("GET", o.url("/reports?sections=salaries"), o.owner.Token(t), nil); r.Status != 400 || r.FieldCode("sections") != "invalid_choice" {
		t.Errorf("an unknown section: %d %s", r.Status, r.Raw)
	}
	// Only the owner shares sections.
	if r := o.c.Do("PATCH", o.url("/settings"), o.admin.Token(t), map[string]any{"reportSections": map[string]any{"admin": []string{"members"}}}); r.Status != 403 {
		t.Errorf("an administrator changing the report sections: %d", r.Status)
	}
}
