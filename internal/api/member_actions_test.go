package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/testapp"
)

// crew is an organisation with one member of each kind, all signed in at least once,
// and another organisation next door.
type crew struct {
	app                                   *tests.TestApp
	c                                     *testapp.Client
	org, other                            *testapp.Org
	owner, admin, admin2, member, member2 *testapp.Member
}

func newCrew(t *testing.T) *crew {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false // these tests send hundreds of requests
	w := &crew{app: app, c: testapp.Serve(t, app)}
	w.org = testapp.CreateOrg(t, app, "Acme", "")
	w.other = testapp.CreateOrg(t, app, "Other", "")
	w.owner = w.org.Owner
	w.admin = testapp.AddMember(t, app, w.org, access.RoleAdmin, access.Creator)
	w.admin2 = testapp.AddMember(t, app, w.org, access.RoleAdmin, access.Creator)
	w.member = testapp.AddMember(t, app, w.org, access.RoleMember, access.Creator)
	w.member2 = testapp.AddMember(t, app, w.org, access.RoleMember, access.Creator)
	w.signedIn(t, w.owner, w.admin, w.admin2, w.member, w.member2, w.other.Owner)
	return w
}

// signedIn records a past sign-in for each member.
func (w *crew) signedIn(t *testing.T, ms ...*testapp.Member) {
	t.Helper()
	for _, m := range ms {
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		if err := w.app.Save(m.User); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *crew) path(id, action string) string {
	p := "/api/orgs/" + w.org.ID + "/members/" + id
	if action != "" {
		p += "/" + action
	}
	return p
}

// fresh reloads a member's membership and account from the database.
func (w *crew) fresh(t *testing.T, m *testapp.Member) (*core.Record, *core.Record) {
	t.Helper()
	ms, err := w.app.FindRecordById("memberships", m.ID())
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.app.FindRecordById("users", m.User.Id)
	if err != nil {
		t.Fatal(err)
	}
	return ms, u
}

func (w *crew) count(t *testing.T, collection string, where dbx.Expression) int {
	t.Helper()
	n, err := w.app.CountRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// audits counts the audit rows of one action on one member.
func (w *crew) audits(t *testing.T, action access.Action, m *testapp.Member) int {
	return w.count(t, "auditLog", dbx.HashExp{"action": string(action), "targetId": m.ID()})
}

func (w *crew) seed(t *testing.T, collection string, data map[string]any) *core.Record {
	t.Helper()
	col, err := w.app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(data)
	if err := w.app.Save(r); err != nil {
		t.Fatalf("seeding %s: %v", collection, err)
	}
	return r
}

// mails turns mail delivery on. The function it returns waits for the next n mails
// (no more) and lists them as "to | subject".
func (w *crew) mails() func(t *testing.T, n int) []string {
	w.app.Settings().SMTP.Enabled = true
	seen := w.app.TestMailer.TotalSend()
	return func(t *testing.T, n int) []string {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for w.app.TestMailer.TotalSend() < seen+n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(30 * time.Millisecond) // and no more than n
		msgs := w.app.TestMailer.Messages()[seen:]
		seen += len(msgs)
		var out []string
		for _, m := range msgs {
			for _, to := range m.To {
				out = append(out, to.Address+" | "+m.Subject)
			}
		}
		if len(msgs) != n {
			t.Fatalf("%d mails, want %d: %v", len(msgs), n, out)
		}
		return out
	}
}

// refusal is a request that must be refused.
type refusal struct {
	name   string
	token  string
	id     string
	status int
	code   string
}

// refusals are the cases every member action refuses alike.
func (w *crew) refusals(t *testing.T) []refusal {
	disabled := testapp.AddMember(t, w.app, w.org, access.RoleAdmin, access.Creator)
	tok := disabled.Token(t)
	testapp.SetStatus(t, w.app, disabled, access.Disabled)
	return []refusal{
		{"a member acting on another member is refused", w.member.Token(t), w.member2.ID(), 403, "role"},
		{"an admin acting on another admin is refused", w.admin.Token(t), w.admin2.ID(), 403, "rank"},
		{"an admin acting on the owner is refused", w.admin.Token(t), w.owner.ID(), 403, "owner_protected"},
		{"an outsider from another organisation gets a 404", w.other.Owner.Token(t), w.member.ID(), 404, ""},
		{"a member of another organisation is not found", w.owner.Token(t), w.other.Owner.ID(), 404, "not_found"},
		{"an unknown member is not found", w.owner.Token(t), "nosuchmember123", 404, "not_found"},
		{"a disabled admin is refused", tok, w.member.ID(), 403, "account_disabled"},
		{"no sign-in is a 401", "", w.member.ID(), 401, ""},
	}
}

func (w *crew) refuse(t *testing.T, method, action string, body any, cases []refusal) {
	t.Helper()
	for _, rc := range cases {
		t.Run(rc.name, func(t *testing.T) {
			before := w.count(t, "auditLog", nil)
			r := w.c.Do(method, w.path(rc.id, action), rc.token, body)
			if r.Status != rc.status || rc.code != "" && r.Code() != rc.code {
				t.Fatalf("%d %s, want %d %s", r.Status, r.Raw, rc.status, rc.code)
			}
			if w.count(t, "auditLog", nil) != before {
				t.Fatal("a refused action wrote an audit row")
			}
		})
	}
}

func expectStatus(t *testing.T, r testapp.Response, status int, code string) {
	t.Helper()
	if r.Status != status || code != "" && r.Code() != code {
		t.Fatalf("%d %s, want %d %s", r.Status, r.Raw, status, code)
	}
}

func expectField(t *testing.T, r testapp.Response, field string) {
	t.Helper()
	if r.Status != 400 || r.FieldCode(field) == "" {
		t.Fatalf("%d %s, want a 400 naming %s", r.Status, r.Raw, field)
	}
}

func TestDisableAndEnable(t *testing.T) {
	w := newCrew(t)
	w.refuse(t, "POST", "disable", nil, append(w.refusals(t),
		refusal{"the owner cannot disable themselves", w.owner.Token(t), w.owner.ID(), 403, "self"},
		refusal{"an admin cannot disable themselves", w.admin.Token(t), w.admin.ID(), 403, "self"},
	))
	w.refuse(t, "POST", "enable", nil, w.refusals(t))

	t.Run("a member who never signed in cannot be disabled", func(t *testing.T) {
		newcomer := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer)
		expectStatus(t, w.c.Do("POST", w.path(newcomer.ID(), "disable"), w.admin.Token(t), nil), 409, "never_signed_in")
	})

	t.Run("an admin disables a member: sessions end, partner access goes, the seat stays", func(t *testing.T) {
		ms, _ := w.fresh(t, w.member)
		ms.Set("partnerAccess", true)
		if err := w.app.Save(ms); err != nil {
			t.Fatal(err)
		}
		oldToken, r := w.c.SignIn(w.member.Email, w.member.Password)
		expectStatus(t, r, 200, "")
		seats := w.count(t, "seatLedger", nil)

		r = w.c.Do("POST", w.path(w.member.ID(), "disable"), w.admin.Token(t), nil)
		expectStatus(t, r, 200, "")
		if r.JSON["status"] != "disabled" || r.JSON["partnerAccess"] != false || r.JSON["id"] != w.member.ID() {
			t.Fatalf("answer: %s", r.Raw)
		}
		if got := w.c.Do("GET", "/api/me", oldToken, nil); got.Status != 401 && got.Status != 403 {
			t.Fatalf("the old token still works: %d %s", got.Status, got.Raw)
		}
		if _, got := w.c.SignIn(w.member.Email, w.member.Password); got.Status != 403 || got.Code() != "account_disabled" {
			t.Fatalf("sign-in: %d %s", got.Status, got.Raw)
		}
		if w.count(t, "seatLedger", nil) != seats {
			t.Fatal("disabling wrote a seat-ledger row: a disabled member is still a billed seat")
		}
		if n := w.audits(t, access.MembersDisable, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("disabling a disabled member is a 409", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", w.path(w.member.ID(), "disable"), w.admin.Token(t), nil), 409, "already_disabled")
	})

	t.Run("partner access cannot be switched on for a disabled member", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), map[string]any{"enabled": true})
		expectStatus(t, r, 409, "member_disabled")
	})

	t.Run("an admin enables the member again, without partner access", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.member.ID(), "enable"), w.admin.Token(t), nil)
		expectStatus(t, r, 200, "")
		if r.JSON["status"] != "active" || r.JSON["partnerAccess"] != false {
			t.Fatalf("answer: %s", r.Raw)
		}
		if _, got := w.c.SignIn(w.member.Email, w.member.Password); got.Status != 200 {
			t.Fatalf("sign-in: %d %s", got.Status, got.Raw)
		}
		if n := w.audits(t, access.MembersEnable, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("enabling an active member is a 409", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", w.path(w.member.ID(), "enable"), w.admin.Token(t), nil), 409, "already_enabled")
	})

	t.Run("the owner disables an admin", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.admin2.ID(), "disable"), w.owner.Token(t), nil)
		expectStatus(t, r, 200, "")
		if r.JSON["status"] != "disabled" {
			t.Fatalf("answer: %s", r.Raw)
		}
		_, u := w.fresh(t, w.admin2)
		tok, _ := u.NewAuthToken()
		if got := w.c.Do("GET", "/api/me", tok, nil); got.Status != 403 || got.Code() != "account_disabled" {
			t.Fatalf("a disabled admin's new token: %d %s", got.Status, got.Raw)
		}
	})
}

func TestChangeUserType(t *testing.T) {
	w := newCrew(t)
	body := map[string]any{"userType": "viewer"}
	w.refuse(t, "POST", "user-type", body, append(w.refusals(t),
		refusal{"an admin cannot change their own user type", w.admin.Token(t), w.admin.ID(), 403, "self"},
	))

	amount := func() int {
		sub, err := w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
		if err != nil {
			t.Fatal(err)
		}
		return sub.GetInt("monthlyAmount")
	}
	change := func(tok string, m *testapp.Member, to string) testapp.Response {
		return w.c.Do("POST", w.path(m.ID(), "user-type"), tok, map[string]any{"userType": to})
	}

	t.Run("an unknown user type is a 400 naming the field", func(t *testing.T) {
		expectField(t, change(w.owner.Token(t), w.member, "wizard"), "userType")
		expectField(t, w.c.Do("POST", w.path(w.member.ID(), "user-type"), w.owner.Token(t), map[string]any{"userType": 3}), "userType")
	})

	t.Run("an upgrade writes two ledger rows and raises the monthly amount", func(t *testing.T) {
		before := amount()
		r := change(w.admin.Token(t), w.member, "professional")
		expectStatus(t, r, 200, "")
		if r.JSON["userType"] != "professional" {
			t.Fatalf("answer: %s", r.Raw)
		}
		var rows []struct {
			UserType     string `db:"userType"`
			Delta        int    `db:"delta"`
			MonthlyDelta int    `db:"monthlyDelta"`
			Reason       string `db:"reason"`
		}
		err := w.app.DB().NewQuery("SELECT userType, delta, monthlyDelta, reason FROM seatLedger WHERE membership = {:m} AND reason = 'type_changed' ORDER BY delta").
			Bind(dbx.Params{"m": w.member.ID()}).All(&rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].UserType != "creator" || rows[0].MonthlyDelta != -3500 || rows[1].UserType != "professional" ||
			rows[1].MonthlyDelta != 7500 || rows[0].Reason != "type_changed" || rows[1].Reason != "type_changed" {
			t.Fatalf("ledger: %+v", rows)
		}
		if got := amount(); got != before+4000 {
			t.Fatalf("monthly amount %d, want %d", got, before+4000)
		}
		if n := w.audits(t, access.MembersChangeUserType, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("a downgrade to viewer lowers the monthly amount by the professional price", func(t *testing.T) {
		before := amount()
		expectStatus(t, change(w.admin.Token(t), w.member, "viewer"), 200, "")
		if got := amount(); got != before-7500 {
			t.Fatalf("monthly amount %d, want %d", got, before-7500)
		}
		sub, _ := w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
		var seats map[string]int
		_ = json.Unmarshal([]byte(sub.GetString("seats")), &seats)
		if seats["viewer"] != 1 || seats["professional"] != 0 {
			t.Fatalf("seats %v", seats)
		}
	})

	t.Run("the same user type again changes nothing", func(t *testing.T) {
		ledger := w.count(t, "seatLedger", nil)
		expectStatus(t, change(w.admin.Token(t), w.member, "viewer"), 200, "")
		if w.count(t, "seatLedger", nil) != ledger || w.audits(t, access.MembersChangeUserType, w.member) != 2 {
			t.Fatal("a no-op wrote rows")
		}
	})

	holder := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)
	cases := []struct {
		name    string
		seed    func() *core.Record
		to      string
		code    string
		details map[string]float64
	}{
		{"owning an item blocks a type that cannot own", func() *core.Record {
			return w.seed(t, "items", map[string]any{"org": w.org.ID, "owner": holder.ID(), "kind": "map", "title": "Carte", "sharing": "org"})
		}, "contributor", "owns_content", map[string]float64{"itemsOwned": 1}},
		{"owning a group blocks a type that cannot own", func() *core.Record {
			return w.seed(t, "groups", map[string]any{"org": w.org.ID, "owner": holder.ID(), "title": "Équipe"})
		}, "viewer", "owns_content", map[string]float64{"groupsOwned": 1}},
		{"a licence the new type is not compatible with blocks it", func() *core.Record {
			l := w.seed(t, "licenses", map[string]any{"org": w.org.ID, "code": "pro", "name": "Pro tools", "compatibleTypes": []string{"creator", "professional"}})
			return w.seed(t, "licenseAssignments", map[string]any{"license": l.Id, "membership": holder.ID(), "assignedAt": types.NowDateTime()})
		}, "contributor", "incompatible_licenses", map[string]float64{"incompatibleLicenses": 1}},
		{"a shared-update group blocks a type that cannot edit it", func() *core.Record {
			return w.seed(t, "groups", map[string]any{"org": w.org.ID, "owner": w.owner.ID(), "title": "Mises à jour", "members": []string{holder.ID()}, "sharedUpdate": true})
		}, "viewer", "shared_update_groups", map[string]float64{"sharedUpdateGroups": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.seed()
			ledger := w.count(t, "seatLedger", nil)
			r := change(w.owner.Token(t), holder, tc.to)
			expectStatus(t, r, 409, tc.code)
			data := r.JSON["data"].(map[string]any)
			for k, v := range tc.details {
				if data[k] != v {
					t.Fatalf("details %s = %v, want %v: %s", k, data[k], v, r.Raw)
				}
			}
			ms, _ := w.fresh(t, holder)
			if ms.GetString("userType") != "creator" || w.count(t, "seatLedger", nil) != ledger {
				t.Fatal("half-applied")
			}
			if err := w.app.Delete(rec); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("a licence compatible with the new type does not block it", func(t *testing.T) {
		l := w.seed(t, "licenses", map[string]any{"org": w.org.ID, "code": "basic", "name": "Basic", "compatibleTypes": []string{"viewer", "contributor", "creator"}})
		w.seed(t, "licenseAssignments", map[string]any{"license": l.Id, "membership": holder.ID(), "assignedAt": types.NowDateTime()})
		expectStatus(t, change(w.owner.Token(t), holder, "contributor"), 200, "")
	})

	t.Run("an admin's type must allow the admin role", func(t *testing.T) {
		r := change(w.owner.Token(t), w.admin, "contributor")
		expectStatus(t, r, 409, "role_incompatible_type")
	})

	t.Run("the owner cannot make themselves a viewer", func(t *testing.T) {
		expectStatus(t, change(w.owner.Token(t), w.owner, "viewer"), 409, "role_incompatible_type")
	})

	t.Run("the owner may change their own type", func(t *testing.T) {
		expectStatus(t, change(w.owner.Token(t), w.owner, "professional"), 200, "")
	})
}

func TestPartnerAccess(t *testing.T) {
	w := newCrew(t)
	on := map[string]any{"enabled": true}
	w.refuse(t, "POST", "partner-access", on, append(w.refusals(t),
		refusal{"the owner cannot switch their own partner access", w.owner.Token(t), w.owner.ID(), 403, "self"},
		refusal{"an admin cannot switch their own partner access", w.admin.Token(t), w.admin.ID(), 403, "self"},
	))

	t.Run("enabled is required", func(t *testing.T) {
		expectField(t, w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), map[string]any{}), "enabled")
		expectField(t, w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), map[string]any{"enabled": "yes"}), "enabled")
	})

	t.Run("an admin switches a member's partner access on and off", func(t *testing.T) {
		r := w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), on)
		expectStatus(t, r, 200, "")
		if r.JSON["partnerAccess"] != true {
			t.Fatalf("answer: %s", r.Raw)
		}
		r = w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), map[string]any{"enabled": false})
		if r.Status != 200 || r.JSON["partnerAccess"] != false {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		w.c.Do("POST", w.path(w.member.ID(), "partner-access"), w.admin.Token(t), map[string]any{"enabled": false})
		if n := w.audits(t, access.MembersPartnerAccess, w.member); n != 2 {
			t.Fatalf("%d audit rows, want 2 (the no-op writes none)", n)
		}
	})

	t.Run("the owner switches an admin's partner access", func(t *testing.T) {
		expectStatus(t, w.c.Do("POST", w.path(w.admin.ID(), "partner-access"), w.owner.Token(t), on), 200, "")
	})
}

func TestCredits(t *testing.T) {
	w := newCrew(t)
	alloc := func(tok string, m *testapp.Member, body any) testapp.Response {
		return w.c.Do("POST", w.path(m.ID(), "credits"), tok, body)
	}

	t.Run("without credit budgeting allocations are refused", func(t *testing.T) {
		expectStatus(t, alloc(w.admin.Token(t), w.member, map[string]any{"allocated": 10}), 409, "credit_budgeting_off")
	})

	org, _ := w.app.FindRecordById("organizations", w.org.ID)
	org.Set("creditBudgeting", true)
	org.Set("creditsPool", 1000) // allocations come from the pool (credit_pool_test.go)
	if err := w.app.Save(org); err != nil {
		t.Fatal(err)
	}
	w.refuse(t, "POST", "credits", map[string]any{"allocated": 5}, w.refusals(t))

	t.Run("bad allocations are a 400 naming the field", func(t *testing.T) {
		for _, body := range []any{map[string]any{"allocated": -1}, map[string]any{}, map[string]any{"allocated": "ten"}} {
			expectField(t, alloc(w.admin.Token(t), w.member, body), "allocated")
		}
	})

	ledger := func() []string {
		var rows []string
		err := w.app.DB().NewQuery("SELECT kind || ':' || amount || ':' || note FROM creditLedger WHERE membership = {:m} ORDER BY rowid").
			Bind(dbx.Params{"m": w.member.ID()}).Column(&rows)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}

	t.Run("an admin allocates a number, then no limit", func(t *testing.T) {
		r := alloc(w.admin.Token(t), w.member, map[string]any{"allocated": 250})
		expectStatus(t, r, 200, "")
		credits := r.JSON["credits"].(map[string]any)
		if credits["allocated"] != 250.0 || credits["remaining"] != 250.0 {
			t.Fatalf("answer: %s", r.Raw)
		}
		r = alloc(w.admin.Token(t), w.member, map[string]any{"allocated": nil})
		expectStatus(t, r, 200, "")
		if credits := r.JSON["credits"].(map[string]any); credits["allocated"] != nil {
			t.Fatalf("answer: %s", r.Raw)
		}
		ms, _ := w.fresh(t, w.member)
		if ms.GetBool("creditsLimited") {
			t.Fatal("still limited")
		}
		if got := strings.Join(ledger(), ","); got != "allocate:250:,allocate:0:unlimited" {
			t.Fatalf("ledger %s", got)
		}
		if n := w.audits(t, access.MembersManageCredits, w.member); n != 2 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("the same allocation again changes nothing", func(t *testing.T) {
		expectStatus(t, alloc(w.admin.Token(t), w.member, map[string]any{"allocated": nil}), 200, "")
		if len(ledger()) != 2 {
			t.Fatal("a no-op wrote a ledger row")
		}
	})

	t.Run("an admin may allocate their own credits", func(t *testing.T) {
		expectStatus(t, alloc(w.admin.Token(t), w.admin, map[string]any{"allocated": 0}), 200, "")
	})
}

// form sends a multipart request; file may be nil.
func (w *crew) form(t *testing.T, method, path, token string, fields map[string]string, file []byte, filename string) testapp.Response {
	t.Helper()
	var files []formFile
	if file != nil {
		files = append(files, formFile{"avatar", filename, file})
	}
	return sendForm(t, w.c, method, path, token, fields, files...)
}

// formFile is one file of a multipart form: its field, file name and content.
type formFile struct {
	field, name string
	data        []byte
}

// sendForm sends a multipart form of fields and files with an optional token.
func sendForm(t *testing.T, c *testapp.Client, method, path, token string, fields map[string]string, files ...formFile) testapp.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(method, c.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := testapp.Response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.JSON)
	return out
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEditProfile(t *testing.T) {
	w := newCrew(t)
	w.refuse(t, "PATCH", "", map[string]any{"givenName": "Nope"}, w.refusals(t))
	sent := w.mails()

	t.Run("bad fields are a 400 naming them", func(t *testing.T) {
		for field, v := range map[string]any{"language": "de", "visibility": "everyone", "units": "cubits",
			"email": "not an address", "description": strings.Repeat("é", 2001), "givenName": 12, "avatar": "http://x/y.png"} {
			expectField(t, w.c.Do("PATCH", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{field: v}), field)
		}
		// An address with a Unicode line separator passes the email format check alone.
		expectField(t, w.c.Do("PATCH", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"email": "zoe@exa\u2028mple.com"}), "email")
	})

	t.Run("an admin edits a member, who is told in their language", func(t *testing.T) {
		_, u := w.fresh(t, w.member)
		u.Set("language", "fr")
		if err := w.app.Save(u); err != nil {
			t.Fatal(err)
		}
		r := w.c.Do("PATCH", w.path(w.member.ID(), ""), w.admin.Token(t),
			map[string]any{"givenName": "Zoë", "familyName": "Dupré", "units": "imperial"})
		expectStatus(t, r, 200, "")
		if r.JSON["givenName"] != "Zoë" || r.JSON["units"] != "imperial" {
			t.Fatalf("answer: %s", r.Raw)
		}
		got := sent(t, 1)
		if !strings.HasPrefix(got[0], w.member.Email+" | Votre profil") {
			t.Fatalf("mail %v", got)
		}
		if html := w.app.TestMailer.LastMessage().HTML; !strings.Contains(html, "prénom, nom et unités") {
			t.Fatalf("fields not listed in French: %s", html)
		}
		if n := w.audits(t, access.MembersUpdateProfile, w.member); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("members edit their own profile through the same service, without a mail", func(t *testing.T) {
		r := w.c.Do("PATCH", w.path(w.member2.ID(), ""), w.member2.Token(t), map[string]any{"description": "Cartographe"})
		expectStatus(t, r, 200, "")
		if r.JSON["description"] != "Cartographe" {
			t.Fatalf("answer: %s", r.Raw)
		}
		sent(t, 0)
	})

	t.Run("members cannot change their own email address", func(t *testing.T) {
		body := map[string]any{"email": "new-" + w.member2.Email}
		expectStatus(t, w.c.Do("PATCH", w.path(w.member2.ID(), ""), w.member2.Token(t), body), 403, "")
		expectStatus(t, w.c.Do("PATCH", "/api/account/profile", w.member2.Token(t), body), 403, "")
		body["email"] = strings.ToUpper(w.member2.Email) // their own address, unchanged, is fine
		expectStatus(t, w.c.Do("PATCH", "/api/account/profile", w.member2.Token(t), body), 204, "")
	})

	t.Run("an address another account has is a 409, whatever its case", func(t *testing.T) {
		r := w.c.Do("PATCH", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"email": strings.ToUpper(w.other.Owner.Email)})
		expectStatus(t, r, 409, "email_taken")
	})

	t.Run("an admin changes a member's email: both addresses are told, sessions end", func(t *testing.T) {
		oldToken, res := w.c.SignIn(w.member.Email, w.member.Password)
		expectStatus(t, res, 200, "")
		r := w.c.Do("PATCH", w.path(w.member.ID(), ""), w.admin.Token(t), map[string]any{"email": "  Zoe.Dupre@Example.com "})
		expectStatus(t, r, 200, "")
		if r.JSON["email"] != "zoe.dupre@example.com" {
			t.Fatalf("answer: %s", r.Raw)
		}
		got := strings.Join(sent(t, 2), "\n")
		if !strings.Contains(got, w.member.Email+" | L’adresse e-mail") || !strings.Contains(got, "zoe.dupre@example.com | L’adresse e-mail") {
			t.Fatalf("mails:\n%s", got)
		}
		if me := w.c.Do("GET", "/api/me", oldToken, nil); me.Status != 401 {
			t.Fatalf("the old token still works: %d", me.Status)
		}
		if _, res := w.c.SignIn("zoe.dupre@example.com", w.member.Password); res.Status != 200 {
			t.Fatalf("sign-in with the new address: %d %s", res.Status, res.Raw)
		}
	})

	t.Run("the owner changes their own email address: both addresses are told", func(t *testing.T) {
		r := w.c.Do("PATCH", "/api/account/profile", w.owner.Token(t), map[string]any{"email": "olivia@example.com"})
		expectStatus(t, r, 204, "")
		got := strings.Join(sent(t, 2), "\n")
		if !strings.Contains(got, w.owner.Email+" | The email address") || !strings.Contains(got, "olivia@example.com | The email address") {
			t.Fatalf("mails:\n%s", got)
		}
	})

	t.Run("an admin uploads, then removes, a member's picture", func(t *testing.T) {
		r := w.form(t, "PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), map[string]string{"visibility": "public"}, pngBytes(t), "me.png")
		expectStatus(t, r, 200, "")
		if a, _ := r.JSON["avatar"].(string); !strings.Contains(a, "thumb=100x100") || r.JSON["visibility"] != "public" || r.JSON["givenName"] == "" {
			t.Fatalf("answer: %s", r.Raw)
		}
		_, u := w.fresh(t, w.member2)
		if u.GetString("avatar") == "" {
			t.Fatal("no avatar saved")
		}
		sent(t, 1)
		r = w.form(t, "PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), map[string]string{"deleteAvatar": "true"}, nil, "")
		if r.Status != 200 || r.JSON["avatar"] != "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		sent(t, 1)
		r = w.form(t, "PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), nil, pngBytes(t), "again.png")
		expectStatus(t, r, 200, "")
		r = w.c.Do("PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), map[string]any{"avatar": ""})
		if r.Status != 200 || r.JSON["avatar"] != "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		sent(t, 2)
	})

	t.Run("a picture that is not an image, or too large, is a 400 naming avatar", func(t *testing.T) {
		expectField(t, w.form(t, "PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), nil, []byte("just some text"), "me.png"), "avatar")
		big := append(pngBytes(t), make([]byte, 5<<20)...)
		expectField(t, w.form(t, "PATCH", w.path(w.member2.ID(), ""), w.admin.Token(t), nil, big, "big.png"), "avatar")
	})

	t.Run("members upload their own picture on their account", func(t *testing.T) {
		r := w.form(t, "PATCH", "/api/account/profile", w.admin2.Token(t), nil, pngBytes(t), "me.png")
		expectStatus(t, r, 204, "")
		if _, u := w.fresh(t, w.admin2); u.GetString("avatar") == "" {
			t.Fatal("no avatar saved")
		}
		sent(t, 0)
	})

	t.Run("the outbox holds no token and no password", func(t *testing.T) {
		var rows []string
		_ = w.app.DB().NewQuery("SELECT `to` || ' ' || template || ' ' || subject || ' ' || error FROM mailOutbox").Column(&rows)
		if len(rows) < 7 {
			t.Fatalf("%d outbox rows", len(rows))
		}
		all := strings.Join(rows, "\n")
		for _, secret := range []string{testapp.Password, "eyJ", "tokenKey"} {
			if strings.Contains(all, secret) {
				t.Fatalf("the outbox holds %q:\n%s", secret, all)
			}
		}
		for _, m := range w.app.TestMailer.Messages() {
			if strings.Contains(m.HTML, testapp.Password) || strings.Contains(m.HTML, "eyJ") {
				t.Fatalf("a mail holds a secret: %s", m.HTML)
			}
		}
	})
}

// members seeds n signed-in members quickly: one transaction, one password hash.
func (w *crew) members(t *testing.T, n int, ut access.UserType) []string {
	t.Helper()
	hash := w.member.User.GetString("password:hash")
	ids := make([]string, n)
	err := w.app.RunInTransaction(func(tx core.App) error {
		users, _ := tx.FindCachedCollectionByNameOrId("users")
		memberships, _ := tx.FindCachedCollectionByNameOrId("memberships")
		for i := range n {
			u := core.NewRecord(users)
			u.Load(map[string]any{"email": fmt.Sprintf("bulk%d-%s@example.com", i, ut), "username": fmt.Sprintf("bulk%d-%s", i, ut),
				"givenName": "Bulk", "familyName": fmt.Sprint(i), "language": "en", "visibility": "org", "units": "metric",
				"authSource": "password", "lastLogin": types.NowDateTime()})
			u.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			if err := tx.Save(u); err != nil {
				return err
			}
			m := core.NewRecord(memberships)
			m.Load(map[string]any{"org": w.org.ID, "user": u.Id, "role": "member", "userType": string(ut), "status": "active", "added": types.NowDateTime()})
			if err := tx.Save(m); err != nil {
				return err
			}
			ids[i] = m.Id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestBulk(t *testing.T) {
	w := newCrew(t)
	bulk := func(tok string, body map[string]any) testapp.Response {
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/bulk", tok, body)
	}
	ids := w.members(t, 100, access.Creator)
	newcomer := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)

	t.Run("bad requests are a 400 naming the field", func(t *testing.T) {
		many := append(append([]string{}, ids...), newcomer.ID())
		expectField(t, bulk(w.admin.Token(t), map[string]any{"action": "disable", "ids": many}), "ids")
		expectField(t, bulk(w.admin.Token(t), map[string]any{"action": "disable", "ids": []string{}}), "ids")
		expectField(t, bulk(w.admin.Token(t), map[string]any{"action": "explode", "ids": ids[:1]}), "action")
		expectField(t, bulk(w.admin.Token(t), map[string]any{"action": "userType", "ids": ids[:1]}), "userType")
	})

	t.Run("a member cannot run bulk actions", func(t *testing.T) {
		r := bulk(w.member.Token(t), map[string]any{"action": "disable", "ids": ids[:2]})
		expectStatus(t, r, 403, "role")
	})

	t.Run("one ineligible member and nothing changes", func(t *testing.T) {
		audits := w.count(t, "auditLog", nil)
		r := bulk(w.admin.Token(t), map[string]any{"action": "disable",
			"ids": []string{ids[0], ids[1], newcomer.ID(), w.admin2.ID(), w.other.Owner.ID(), ids[0]}})
		expectStatus(t, r, 409, "bulk_ineligible")
		results := r.JSON["data"].(map[string]any)["results"].([]any)
		codes := []string{}
		for _, x := range results {
			res := x.(map[string]any)
			code, _ := res["code"].(string)
			codes = append(codes, fmt.Sprint(res["ok"], ":", code))
		}
		if got := strings.Join(codes, ","); got != "true:,true:,false:never_signed_in,false:rank,false:not_found" {
			t.Fatalf("results %s", got)
		}
		if w.count(t, "auditLog", nil) != audits || w.count(t, "memberships", dbx.HashExp{"status": "disabled"}) != 0 {
			t.Fatal("half-applied")
		}
	})

	t.Run("skipping the ineligible changes the others in one go", func(t *testing.T) {
		r := bulk(w.admin.Token(t), map[string]any{"action": "disable", "skipIneligible": true,
			"ids": []string{ids[0], ids[1], newcomer.ID(), w.admin2.ID(), "nosuchmember123"}})
		expectStatus(t, r, 200, "")
		if r.JSON["changed"] != 2.0 || len(r.JSON["results"].([]any)) != 5 {
			t.Fatalf("answer: %s", r.Raw)
		}
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "members.disable"}); n != 2 {
			t.Fatalf("%d audit rows", n)
		}
		if w.count(t, "memberships", dbx.HashExp{"status": "disabled"}) != 2 {
			t.Fatal("not disabled")
		}
	})

	t.Run("enable in bulk", func(t *testing.T) {
		r := bulk(w.owner.Token(t), map[string]any{"action": "enable", "ids": []string{ids[0], ids[1]}})
		if r.Status != 200 || r.JSON["changed"] != 2.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("100 members change user type in one transaction", func(t *testing.T) {
		sub, _ := w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
		before := sub.GetInt("monthlyAmount")
		start := time.Now()
		r := bulk(w.owner.Token(t), map[string]any{"action": "userType", "userType": "professional", "ids": ids})
		t.Logf("bulk user type of 100 members: %s", time.Since(start))
		if r.Status != 200 || r.JSON["changed"] != 100.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		sub, _ = w.app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": w.org.ID})
		if got := sub.GetInt("monthlyAmount"); got != before+100*4000 {
			t.Fatalf("monthly amount %d, want %d", got, before+100*4000)
		}
		if n := w.count(t, "seatLedger", dbx.HashExp{"reason": "type_changed"}); n != 200 {
			t.Fatalf("%d ledger rows", n)
		}
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "members.changeUserType"}); n != 100 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("the same type again is reported unchanged and changes nothing", func(t *testing.T) {
		r := bulk(w.owner.Token(t), map[string]any{"action": "userType", "userType": "professional", "ids": ids[:3]})
		if r.Status != 200 || r.JSON["changed"] != 0.0 || !strings.Contains(r.Raw, `"code":"unchanged"`) {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("100 members are disabled in one transaction", func(t *testing.T) {
		start := time.Now()
		r := bulk(w.owner.Token(t), map[string]any{"action": "disable", "ids": ids})
		t.Logf("bulk disable of 100 members: %s", time.Since(start))
		if r.Status != 200 || r.JSON["changed"] != 100.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "members.disable"}); n != 102 {
			t.Fatalf("%d audit rows", n)
		}
	})

	t.Run("a bulk downgrade blocked for one member changes none", func(t *testing.T) {
		w.seed(t, "items", map[string]any{"org": w.org.ID, "owner": ids[5], "kind": "map", "title": "Carte", "sharing": "org"})
		r := bulk(w.owner.Token(t), map[string]any{"action": "userType", "userType": "viewer", "ids": ids[:10]})
		expectStatus(t, r, 409, "bulk_ineligible")
		if !strings.Contains(r.Raw, `"code":"owns_content"`) || w.count(t, "memberships", dbx.HashExp{"userType": "viewer"}) != 0 {
			t.Fatalf("%s", r.Raw)
		}
	})
}

// TestAnswerReadInTheChange: a change answers the member as the change left them, read
// in its own transaction. Here a removal lands right after the role change commits
// (a hook deletes the membership as soon as the change's transaction is done): read
// after the commit, the answer would be a 404 for a change that happened.
func TestAnswerReadInTheChange(t *testing.T) {
	w := newCrew(t)
	target := w.member.ID()
	removed := false
	w.app.OnModelAfterUpdateSuccess("memberships").BindFunc(func(e *core.ModelEvent) error {
		if e.Model.PK() == target && !removed {
			removed = true
			if _, err := w.app.NonconcurrentDB().NewQuery("DELETE FROM memberships WHERE id = {:id}").
				Bind(dbx.Params{"id": target}).Execute(); err != nil {
				t.Error(err)
			}
		}
		return e.Next()
	})
	r := w.c.Do("POST", w.path(target, "role"), w.owner.Token(t), map[string]any{"role": "admin"})
	if r.Status != 200 || r.JSON["role"] != "admin" {
		t.Fatalf("role change answered %d %s; want 200 and the member as an administrator", r.Status, r.Raw)
	}
	if !removed {
		t.Fatal("the racing removal did not happen")
	}
}
