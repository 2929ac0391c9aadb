package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/logger"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/mail"
	"roster/internal/testapp"
)

// invWorld is an organisation (Acme) with an owner, an administrator and a member,
// and another organisation (Globex) next door.
type invWorld struct {
	app                  *tests.TestApp
	c                    *testapp.Client
	org, other           *testapp.Org
	owner, admin, member *testapp.Member
}

func newInvWorld(t *testing.T, plan string) *invWorld {
	t.Helper()
	app := testapp.New(t)
	// These tests send more join requests from 127.0.0.1 than /api/invitations/ allows
	// (30 a minute); TestJoinRoutesAreRateLimited checks that limit on its own.
	app.Settings().RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	w := &invWorld{app: app, c: testapp.Serve(t, app)}
	w.org = testapp.CreateOrg(t, app, "Acme", plan)
	w.other = testapp.CreateOrg(t, app, "Globex", "")
	w.owner = w.org.Owner
	w.admin = testapp.AddMember(t, app, w.org, access.RoleAdmin, access.Creator)
	w.member = testapp.AddMember(t, app, w.org, access.RoleMember, access.Creator)
	return w
}

func (w *invWorld) path(suffix string) string {
	return "/api/orgs/" + w.org.ID + "/invitations" + suffix
}

func (w *invWorld) invite(tok string, body any) testapp.Response {
	return w.c.Do("POST", w.path(""), tok, body)
}

// mustInvite invites one address as the owner and returns the invitation's id and link.
func (w *invWorld) mustInvite(t *testing.T, email string, options map[string]any) (string, string) {
	t.Helper()
	body := map[string]any{"emails": []string{email}}
	for k, v := range options {
		body[k] = v
	}
	r := w.invite(w.owner.Token(t), body)
	if r.Status != 200 {
		t.Fatalf("inviting %s: %d %s", email, r.Status, r.Raw)
	}
	inv := invRows(r)[0]["invitation"].(map[string]any)
	return inv["id"].(string), inv["link"].(string)
}

func (w *invWorld) count(t *testing.T, collection string, where dbx.Expression) int {
	t.Helper()
	n, err := w.app.CountRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (w *invWorld) record(t *testing.T, collection, id string) *core.Record {
	t.Helper()
	r, err := w.app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *invWorld) setOrg(t *testing.T, field string, value any) {
	t.Helper()
	o := w.record(t, "organizations", w.org.ID)
	o.Set(field, value)
	if err := w.app.Save(o); err != nil {
		t.Fatal(err)
	}
}

// invRows is the results list of an invitation answer (data.results for a 409).
func invRows(r testapp.Response) []map[string]any {
	list, _ := r.JSON["results"].([]any)
	if d, ok := r.JSON["data"].(map[string]any); ok && list == nil {
		list, _ = d["results"].([]any)
	}
	out := make([]map[string]any, len(list))
	for i, v := range list {
		out[i] = v.(map[string]any)
	}
	return out
}

func tokenOf(link string) string { return link[strings.LastIndex(link, "/")+1:] }

func preview(c *testapp.Client, link string) testapp.Response {
	return c.Do("GET", "/api/invitations/"+tokenOf(link), "", nil)
}

func accept(c *testapp.Client, link string, body map[string]any) testapp.Response {
	return c.Do("POST", "/api/invitations/"+tokenOf(link)+"/accept", "", body)
}

func enrolment(username string) map[string]any {
	return map[string]any{"username": username, "givenName": "Zoë", "familyName": "Durand", "password": "a long passphrase", "language": "fr"}
}

func wantCode(t *testing.T, r testapp.Response, status int, code string) {
	t.Helper()
	if r.Status != status || code != "" && r.Code() != code {
		t.Fatalf("%d %s, want %d %s", r.Status, r.Raw, status, code)
	}
}

func wantField(t *testing.T, r testapp.Response, field, code string) {
	t.Helper()
	if r.Status != 400 || r.FieldCode(field) == "" || code != "" && r.FieldCode(field) != code {
		t.Fatalf("%d %s, want a 400 naming %s (%s)", r.Status, r.Raw, field, code)
	}
}

func TestInvitationRefusals(t *testing.T) {
	w := newInvWorld(t, "")
	disabled := testapp.AddMember(t, w.app, w.org, access.RoleAdmin, access.Creator)
	disabledTok := disabled.Token(t)
	testapp.SetStatus(t, w.app, disabled, access.Disabled)
	memberInv, _ := w.mustInvite(t, "member.invite@example.org", nil)
	adminInv, _ := w.mustInvite(t, "admin.invite@example.org", map[string]any{"role": "admin"})
	outsider := &invWorld{app: w.app, c: w.c, org: w.other, owner: w.other.Owner}
	otherInv, _ := outsider.mustInvite(t, "globex.invite@example.org", nil)
	one := map[string]any{"emails": []string{"new@example.org"}}
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"a member cannot invite", "POST", "", w.member.Token(t), one, 403, "role"},
		{"an administrator cannot invite an administrator", "POST", "", w.admin.Token(t),
			map[string]any{"emails": "new@example.org", "role": "admin"}, 403, "rank"},
		{"an administrator cannot invite an administrator through one row", "POST", "", w.admin.Token(t),
			map[string]any{"rows": []map[string]string{{"email": "a@example.org"}, {"email": "b@example.org", "role": "admin"}}}, 403, "rank"},
		{"an owner of another organisation gets a 404", "POST", "", w.other.Owner.Token(t), one, 404, ""},
		{"a disabled administrator is refused", "POST", "", disabledTok, one, 403, "account_disabled"},
		{"no sign-in is a 401", "POST", "", "", one, 401, ""},
		{"a member cannot list invitations", "GET", "", w.member.Token(t), nil, 403, "role"},
		{"an outsider cannot list invitations", "GET", "", w.other.Owner.Token(t), nil, 404, ""},
		{"no sign-in cannot list invitations", "GET", "", "", nil, 401, ""},
		{"an administrator cannot resend an administrator's invitation", "POST", "/" + adminInv + "/resend", w.admin.Token(t), nil, 403, "rank"},
		{"an administrator cannot revoke an administrator's invitation", "DELETE", "/" + adminInv, w.admin.Token(t), nil, 403, "rank"},
		{"a member cannot resend", "POST", "/" + memberInv + "/resend", w.member.Token(t), nil, 403, "role"},
		{"a member cannot revoke", "DELETE", "/" + memberInv, w.member.Token(t), nil, 403, "role"},
		{"a disabled administrator cannot revoke", "DELETE", "/" + memberInv, disabledTok, nil, 403, "account_disabled"},
		{"an outsider cannot revoke", "DELETE", "/" + memberInv, w.other.Owner.Token(t), nil, 404, ""},
		{"another organisation's invitation is not found", "DELETE", "/" + otherInv, w.owner.Token(t), nil, 404, "not_found"},
		{"an unknown invitation is not found", "POST", "/nosuchinvite12/resend", w.owner.Token(t), nil, 404, "not_found"},
	}
	invitations, audits, outbox := w.count(t, "invitations", nil), w.count(t, "auditLog", nil), w.count(t, "mailOutbox", nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, w.c.Do(c.method, w.path(c.path), c.token, c.body), c.status, c.code)
			if w.count(t, "invitations", dbx.HashExp{"status": "pending"}) != invitations ||
				w.count(t, "auditLog", nil) != audits || w.count(t, "mailOutbox", nil) != outbox {
				t.Fatal("a refused request changed something")
			}
		})
	}
	t.Run("the owner may invite an administrator, and an administrator a member", func(t *testing.T) {
		wantCode(t, w.invite(w.owner.Token(t), map[string]any{"emails": "boss@example.org", "role": "admin"}), 200, "")
		wantCode(t, w.invite(w.admin.Token(t), map[string]any{"emails": "staff@example.org"}), 200, "")
		wantCode(t, w.c.Do("POST", w.path("/"+memberInv+"/resend"), w.admin.Token(t), nil), 200, "")
	})
}

func TestInvitationVerdicts(t *testing.T) {
	w := newInvWorld(t, "")
	w.mustInvite(t, "pending@example.org", nil)
	tok := w.owner.Token(t)
	cases := []struct {
		name string
		body map[string]any
		code string
	}{
		{"a malformed address", map[string]any{"emails": "not-an-address"}, "invalid_email"},
		{"the same address twice, in any case", map[string]any{"emails": []string{"twice@example.org", "TWICE@example.org"}}, "duplicate"},
		{"an address that is already a member", map[string]any{"emails": []string{w.member.Email}}, "already_member"},
		{"an address with an account in another organisation", map[string]any{"emails": []string{w.other.Owner.Email}}, "other_org"},
		{"an address with a pending invitation", map[string]any{"emails": "Pending@Example.org"}, "already_invited"},
		{"an administrator who would be a viewer", map[string]any{"emails": "v@example.org", "role": "admin", "userType": "viewer"}, "role_incompatible_type"},
		{"a row with an unknown role", map[string]any{"rows": []map[string]string{{"email": "r@example.org", "role": "boss"}}}, "invalid_role"},
		{"a row with an unknown user type", map[string]any{"rows": []map[string]string{{"email": "u@example.org", "userType": "guru"}}}, "invalid_user_type"},
	}
	before := w.count(t, "invitations", nil)
	for _, c := range cases {
		t.Run(c.name+" is refused with "+c.code, func(t *testing.T) {
			r := w.invite(tok, c.body)
			wantCode(t, r, 409, c.code)
			rows := invRows(r)
			if last := rows[len(rows)-1]; last["ok"] != false || last["code"] != c.code || last["message"] == "" {
				t.Fatalf("row %v", last)
			}
			if w.count(t, "invitations", nil) != before {
				t.Fatal("an invitation was created")
			}
		})
	}
	t.Run("other_org says no more than that", func(t *testing.T) {
		r := w.invite(tok, map[string]any{"emails": w.other.Owner.Email})
		for _, leak := range []string{w.other.ID, "Globex", "globex", w.other.Owner.User.Id, "Olivia"} {
			if strings.Contains(r.Raw, leak) {
				t.Fatalf("the answer names %q: %s", leak, r.Raw)
			}
		}
	})
	t.Run("allowed domains", func(t *testing.T) {
		w.setOrg(t, "allowedDomains", []string{"example.org", "@Acme.test"})
		defer w.setOrg(t, "allowedDomains", []string{})
		wantCode(t, w.invite(tok, map[string]any{"emails": "someone@gmail.com"}), 409, "domain_not_allowed")
		r := w.invite(tok, map[string]any{"emails": "a@acme.test, b@example.org", "dryRun": true})
		if r.Status != 200 || invRows(r)[0]["ok"] != true || invRows(r)[1]["ok"] != true {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a batch with several kinds of failure is refused whole with invite_ineligible", func(t *testing.T) {
		r := w.invite(tok, map[string]any{"emails": []string{"fine@example.org", "bad", w.member.Email}})
		wantCode(t, r, 409, "invite_ineligible")
		rows := invRows(r)
		if len(rows) != 3 || rows[0]["ok"] != true || rows[1]["code"] != "invalid_email" || rows[2]["code"] != "already_member" || rows[0]["invitation"] != nil {
			t.Fatalf("%s", r.Raw)
		}
		if w.count(t, "invitations", nil) != before {
			t.Fatal("an invitation was created")
		}
	})
	t.Run("skipInvalid invites the rows that pass", func(t *testing.T) {
		r := w.invite(tok, map[string]any{"emails": []string{"fine@example.org", "bad", w.member.Email}, "skipInvalid": true})
		rows := invRows(r)
		if r.Status != 200 || r.JSON["created"] != 1.0 || rows[0]["invitation"] == nil || rows[1]["ok"] != false || rows[2]["ok"] != false {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if w.count(t, "invitations", dbx.HashExp{"email": "fine@example.org"}) != 1 {
			t.Fatal("the good row was not invited")
		}
	})
	bad := []struct {
		name, field string
		body        any
	}{
		{"no address at all", "emails", map[string]any{"emails": " , "}},
		{"no body", "emails", nil},
		{"more than 100 addresses", "emails", map[string]any{"emails": strings.Repeat("x@example.org,", 101)}},
		{"emails of the wrong type", "emails", map[string]any{"emails": 42}},
		{"the owner role", "role", map[string]any{"emails": "o@example.org", "role": "owner"}},
		{"an unknown user type", "userType", map[string]any{"emails": "o@example.org", "userType": "guru"}},
		{"negative credits", "credits", map[string]any{"emails": "o@example.org", "credits": -1}},
		{"credits that are not a number", "credits", map[string]any{"emails": "o@example.org", "credits": "lots"}},
		{"a message of more than 1000 characters", "message", map[string]any{"emails": "o@example.org", "message": strings.Repeat("é", 1001)}},
	}
	for _, c := range bad {
		t.Run(c.name+" is a 400 on "+c.field, func(t *testing.T) {
			wantField(t, w.invite(tok, c.body), c.field, "")
		})
	}
}

func TestADryRunCreatesAndSendsNothing(t *testing.T) {
	w := newInvWorld(t, "")
	w.app.Settings().SMTP.Enabled = true
	counts := func() [4]int {
		return [4]int{w.count(t, "invitations", nil), w.count(t, "auditLog", nil), w.count(t, "mailOutbox", nil), w.app.TestMailer.TotalSend()}
	}
	before := counts()
	r := w.invite(w.owner.Token(t), map[string]any{"emails": "new@example.org\nbad\n" + w.member.Email, "dryRun": true})
	rows := invRows(r)
	if r.Status != 200 || r.JSON["dryRun"] != true || r.JSON["created"] != 0.0 || len(rows) != 3 ||
		rows[0]["ok"] != true || rows[0]["invitation"] != nil || rows[1]["code"] != "invalid_email" || rows[2]["code"] != "already_member" {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	seats := r.JSON["seats"].(map[string]any)
	if seats["seatsUsed"] != 3.0 || seats["maxSeats"] != 50.0 || seats["requested"] != 1.0 {
		t.Fatalf("seats %v", seats)
	}
	// The one address that passes costs a seat of the organisation's default user type.
	cost := r.JSON["cost"].(map[string]any)
	if len(cost["seats"].(map[string]any)) != 1 || cost["monthlyAmountAfter"].(float64) < cost["monthlyAmount"].(float64) {
		t.Fatalf("cost %v", cost)
	}
	time.Sleep(50 * time.Millisecond)
	if after := counts(); after != before {
		t.Fatalf("invitations, audit rows, outbox rows, mails: %v, then %v", before, after)
	}
}

func TestTheSeatLimit(t *testing.T) {
	// A starter plan has 5 seats. The owner and 3 members hold 4.
	starter := func(t *testing.T) *invWorld {
		w := newInvWorld(t, "starter")
		testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer)
		return w
	}
	t.Run("a full plan refuses the next invitation with the numbers", func(t *testing.T) {
		w := starter(t)
		w.mustInvite(t, "fifth@example.org", nil)
		r := w.invite(w.owner.Token(t), map[string]any{"emails": "sixth@example.org"})
		wantCode(t, r, 409, "seat_limit")
		d := r.JSON["data"].(map[string]any)
		if d["seatsUsed"] != 4.0 || d["pending"] != 1.0 || d["maxSeats"] != 5.0 || d["requested"] != 1.0 {
			t.Fatalf("%s", r.Raw)
		}
		if msg := r.JSON["message"].(string); !strings.Contains(msg, "5 seats") || !strings.Contains(msg, "4 used") || !strings.Contains(msg, "1 reserved") {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("one free seat: one invitation but not two", func(t *testing.T) {
		w := starter(t)
		r := w.invite(w.owner.Token(t), map[string]any{"emails": "one@example.org, two@example.org"})
		wantCode(t, r, 409, "seat_limit")
		d := r.JSON["data"].(map[string]any)
		rows := invRows(r)
		if d["seatsUsed"] != 4.0 || d["pending"] != 0.0 || d["requested"] != 2.0 || rows[0]["ok"] != true || rows[1]["code"] != "seat_limit" {
			t.Fatalf("%s", r.Raw)
		}
		if w.count(t, "invitations", nil) != 0 {
			t.Fatal("an invitation was created")
		}
		w.mustInvite(t, "one@example.org", nil)
	})
	t.Run("a revoked or expired invitation gives its seat back", func(t *testing.T) {
		w := starter(t)
		id, _ := w.mustInvite(t, "one@example.org", nil)
		wantCode(t, w.c.Do("DELETE", w.path("/"+id), w.owner.Token(t), nil), 200, "")
		id, _ = w.mustInvite(t, "two@example.org", nil)
		expireNow(t, w.app, id)
		w.mustInvite(t, "three@example.org", nil)
		t.Run("and resending the expired one finds no seat", func(t *testing.T) {
			wantCode(t, w.c.Do("POST", w.path("/"+id+"/resend"), w.owner.Token(t), nil), 409, "seat_limit")
		})
	})
	t.Run("an unlimited plan has no limit", func(t *testing.T) {
		w := newInvWorld(t, "business")
		emails := make([]string, 100)
		for i := range emails {
			emails[i] = fmt.Sprintf("u%d@example.org", i)
		}
		r := w.invite(w.owner.Token(t), map[string]any{"emails": emails})
		if r.Status != 200 || r.JSON["created"] != 100.0 {
			t.Fatalf("%d %.300s", r.Status, r.Raw)
		}
	})
}

func expireNow(t *testing.T, app core.App, id string) {
	t.Helper()
	past := types.NowDateTime().Add(-time.Second).String()
	if _, err := app.DB().Update("invitations", dbx.Params{"expires": past}, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// postForm sends a multipart invitation request with a CSV file and form fields.
func postForm(t *testing.T, c *testapp.Client, path, tok, csv string, fields map[string]string) testapp.Response {
	t.Helper()
	return sendForm(t, c, "POST", path, tok, fields, formFile{"file", "people.csv", []byte(csv)})
}

func TestInvitingFromACSVFile(t *testing.T) {
	w := newInvWorld(t, "")
	w.app.Settings().SMTP.Enabled = true
	csv := "\uFEFFemail;role;userType;givenName;familyName\r\nzoe@example.org;admin;creator;Zoë;Durand\r\nluc@example.org;;Lecteur;Luc;\r\n"
	r := postForm(t, w.c, w.path(""), w.owner.Token(t), csv,
		map[string]string{"partnerAccess": "true", "credits": "50", "message": "Bienvenue !", "userType": "professional"})
	if r.Status != 200 || r.JSON["created"] != 2.0 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	for email, want := range map[string][2]string{"zoe@example.org": {"admin", "creator"}, "luc@example.org": {"member", "viewer"}} {
		inv, err := w.app.FindFirstRecordByData("invitations", "email", email)
		if err != nil {
			t.Fatal(err)
		}
		if inv.GetString("role") != want[0] || inv.GetString("userType") != want[1] || !inv.GetBool("partnerAccess") ||
			!inv.GetBool("creditsLimited") || inv.GetFloat("creditsAllocated") != 50 || inv.GetString("message") != "Bienvenue !" {
			t.Errorf("%s: %v", email, inv.FieldsData())
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for w.app.TestMailer.TotalSend() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	greeted := false
	for _, m := range w.app.TestMailer.Messages() {
		greeted = greeted || strings.Contains(m.HTML, "Hello Zoë Durand,")
	}
	if !greeted {
		t.Error("the mail does not greet the invitee by the names in the file")
	}
	t.Run("a file of more than 100 rows is a 400 on file", func(t *testing.T) {
		big := "email\n" + strings.Repeat("x@example.org\n", 101)
		wantField(t, postForm(t, w.c, w.path(""), w.owner.Token(t), big, nil), "file", "too_many")
	})
	t.Run("a file without an email column is a 400 on file", func(t *testing.T) {
		wantField(t, postForm(t, w.c, w.path(""), w.owner.Token(t), "name\nZoë\n", nil), "file", "no_email_column")
	})
	t.Run("a dry run of a file", func(t *testing.T) {
		r := postForm(t, w.c, w.path(""), w.owner.Token(t), "email\nzoe@example.org\nnew@example.org\n", map[string]string{"dryRun": "1"})
		rows := invRows(r)
		if r.Status != 200 || rows[0]["code"] != "already_invited" || rows[1]["ok"] != true {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

// TestTheDatabaseHoldsNoUsableToken searches every place a token could leak to: the
// invitations table (all fields, hidden ones included), the outbox, the audit log and
// the request log, and the list answer.
func TestTheDatabaseHoldsNoUsableToken(t *testing.T) {
	w := newInvWorld(t, "")
	w.app.Settings().Logs.MaxDays = 1 // test apps keep no request log; this one does
	r := w.invite(w.owner.Token(t), map[string]any{"emails": "zoe@example.org", "message": "hello"})
	if r.Status != 200 || r.JSON["mailed"] != false {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	inv := invRows(r)[0]["invitation"].(map[string]any)
	link, id := inv["link"].(string), inv["id"].(string)
	if !strings.HasPrefix(link, w.app.Settings().Meta.AppURL+"/join/") {
		t.Fatalf("link %s", link)
	}
	token := tokenOf(link)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q is not 32 bytes of base64url (%v)", token, err)
	}
	sum := sha256.Sum256(raw)
	if got := w.record(t, "invitations", id).GetString("tokenHash"); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("tokenHash %q", got)
	}
	wantCode(t, preview(w.c, link), 200, "")
	wantCode(t, accept(w.c, link, map[string]any{"password": "short"}), 400, "")
	list := w.c.Do("GET", w.path(""), w.owner.Token(t), nil)
	if list.Status != 200 || strings.Contains(list.Raw, token) || strings.Contains(list.Raw, "tokenHash") || strings.Contains(list.Raw, "/join/") {
		t.Fatalf("the list: %s", list.Raw)
	}
	for _, col := range []string{"invitations", "mailOutbox", "auditLog", "users", "memberships"} {
		recs, err := w.app.FindAllRecords(col)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			if b, _ := json.Marshal(rec.FieldsData()); bytes.Contains(b, []byte(token)) {
				t.Errorf("%s holds the token: %s", col, b)
			}
		}
	}
	if n := w.count(t, "mailOutbox", dbx.HashExp{"to": "zoe@example.org", "template": "invitation", "status": mail.Logged}); n != 1 {
		t.Errorf("%d outbox rows logged for the invitation, want 1 (no mail server)", n)
	}
	w.app.Logger().Handler().(*logger.BatchHandler).WriteAll(context.Background())
	var logs []string
	if err := w.app.AuxDB().NewQuery("SELECT data FROM _logs").Column(&logs); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, l := range logs {
		if strings.Contains(l, token) {
			t.Errorf("the request log holds the token: %s", l)
		}
		seen = seen || strings.Contains(l, "/api/invitations/redacted")
	}
	if !seen {
		t.Errorf("the join requests were not logged at all: %v", logs)
	}
}

func TestResendGivesANewLinkAndKillsTheOldOne(t *testing.T) {
	w := newInvWorld(t, "")
	w.app.Settings().SMTP.Enabled = true
	id, old := w.mustInvite(t, "zoe@example.org", nil)
	soon := types.NowDateTime().Add(time.Hour)
	if _, err := w.app.DB().Update("invitations", dbx.Params{"expires": soon.String()}, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
	before := w.record(t, "invitations", id)
	time.Sleep(5 * time.Millisecond)
	r := w.c.Do("POST", w.path("/"+id+"/resend"), w.admin.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	link, _ := r.JSON["link"].(string)
	if link == "" || link == old || r.JSON["sentCount"] != 2.0 || r.JSON["status"] != "pending" {
		t.Fatalf("%s", r.Raw)
	}
	after := w.record(t, "invitations", id)
	if !after.GetDateTime("lastSent").After(before.GetDateTime("lastSent")) ||
		after.GetDateTime("expires").Time().Sub(soon.Time()) < 6*24*time.Hour {
		t.Fatalf("lastSent %s → %s, expires %s → %s", before.GetDateTime("lastSent"), after.GetDateTime("lastSent"), soon, after.GetDateTime("expires"))
	}
	wantCode(t, preview(w.c, old), 404, "not_found")
	wantCode(t, accept(w.c, old, enrolment("zoe")), 404, "not_found")
	wantCode(t, preview(w.c, link), 200, "")
	if n := w.count(t, "auditLog", dbx.HashExp{"action": "invitations.resend", "targetId": id}); n != 1 {
		t.Errorf("%d resend audit rows", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for w.app.TestMailer.TotalSend() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if m := w.app.TestMailer.LastMessage(); !strings.Contains(m.HTML, link) {
		t.Errorf("the second mail lacks the new link")
	}
	t.Run("an expired invitation comes back to life", func(t *testing.T) {
		expireNow(t, w.app, id)
		r := w.c.Do("POST", w.path("/"+id+"/resend"), w.owner.Token(t), nil)
		if r.Status != 200 || r.JSON["status"] != "pending" || r.JSON["sentCount"] != 3.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a revoked or accepted invitation cannot be resent", func(t *testing.T) {
		rid, _ := w.mustInvite(t, "gone@example.org", nil)
		wantCode(t, w.c.Do("DELETE", w.path("/"+rid), w.owner.Token(t), nil), 200, "")
		wantCode(t, w.c.Do("POST", w.path("/"+rid+"/resend"), w.owner.Token(t), nil), 409, "not_pending")
	})
}

func TestRevokeKillsTheLinkAtOnce(t *testing.T) {
	w := newInvWorld(t, "")
	id, link := w.mustInvite(t, "zoe@example.org", nil)
	wantCode(t, preview(w.c, link), 200, "")
	r := w.c.Do("DELETE", w.path("/"+id), w.admin.Token(t), nil)
	if r.Status != 200 || r.JSON["status"] != "revoked" {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	wantCode(t, preview(w.c, link), 404, "not_found")
	wantCode(t, accept(w.c, link, enrolment("zoe")), 404, "not_found")
	wantCode(t, w.c.Do("DELETE", w.path("/"+id), w.owner.Token(t), nil), 409, "not_pending")
	if n := w.count(t, "auditLog", dbx.HashExp{"action": "invitations.revoke", "targetId": id}); n != 1 {
		t.Errorf("%d revoke audit rows", n)
	}
	if n := w.count(t, "users", dbx.HashExp{"email": "zoe@example.org"}); n != 0 {
		t.Error("an account was created")
	}
}

// Unknown, malformed, expired, revoked and used links all get the very same answer.
func TestUnusableLinksAllGetTheSame404(t *testing.T) {
	w := newInvWorld(t, "")
	expiredID, expired := w.mustInvite(t, "late@example.org", nil)
	expireNow(t, w.app, expiredID)
	revokedID, revoked := w.mustInvite(t, "gone@example.org", nil)
	wantCode(t, w.c.Do("DELETE", w.path("/"+revokedID), w.owner.Token(t), nil), 200, "")
	_, used := w.mustInvite(t, "used@example.org", nil)
	wantCode(t, accept(w.c, used, enrolment("used")), 200, "")
	unknown := "/join/" + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	reference := preview(w.c, unknown)
	wantCode(t, reference, 404, "not_found")
	referenceAccept := accept(w.c, unknown, enrolment("nobody"))
	for name, link := range map[string]string{"expired": expired, "revoked": revoked, "used": used, "malformed": "/join/abc", "too long": unknown + "AAAA"} {
		t.Run("a "+name+" link", func(t *testing.T) {
			if r := preview(w.c, link); r.Status != reference.Status || r.Raw != reference.Raw {
				t.Fatalf("preview: %d %s, want %d %s", r.Status, r.Raw, reference.Status, reference.Raw)
			}
			if r := accept(w.c, link, enrolment("someone")); r.Status != referenceAccept.Status || r.Raw != referenceAccept.Raw {
				t.Fatalf("accept: %d %s, want %d %s", r.Status, r.Raw, referenceAccept.Status, referenceAccept.Raw)
			}
		})
	}
	t.Run("the expired invitation now says so", func(t *testing.T) {
		if s := w.record(t, "invitations", expiredID).GetString("status"); s != "expired" {
			t.Fatalf("status %s", s)
		}
		r := w.c.Do("GET", w.path("?status=expired"), w.owner.Token(t), nil)
		if r.Status != 200 || r.JSON["totalItems"] != 1.0 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestAcceptingAnInvitation(t *testing.T) {
	w := newInvWorld(t, "")
	w.app.Settings().SMTP.Enabled = true
	id, link := w.mustInvite(t, "zoe@example.org",
		map[string]any{"userType": "professional", "partnerAccess": true, "credits": 25})
	sub, err := w.app.FindFirstRecordByData("subscriptions", "org", w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	amount, seats := sub.GetInt("monthlyAmount"), map[string]int{}
	_ = sub.UnmarshalJSONField("seats", &seats)

	p := preview(w.c, link)
	org, _ := p.JSON["org"].(map[string]any)
	if p.Status != 200 || org["name"] != "Acme" || !strings.HasPrefix(p.JSON["inviter"].(string), "Olivia Owner") ||
		p.JSON["role"] != "member" || p.JSON["userType"] != "professional" || p.JSON["email"] != "zoe@example.org" || p.JSON["expires"] == "" {
		t.Fatalf("preview %d %s", p.Status, p.Raw)
	}
	if strings.Contains(p.Raw, w.owner.Email) {
		t.Fatal("the preview shows the inviter's address")
	}

	t.Run("bad fields are 400s naming them, and use nothing up", func(t *testing.T) {
		short := enrolment("zoe")
		short["password"] = "short"
		wantField(t, accept(w.c, link, short), "password", "length")
		long := enrolment("zoe")
		long["password"] = strings.Repeat("x", 65)
		wantField(t, accept(w.c, link, long), "password", "length")
		wantField(t, accept(w.c, link, enrolment("Bad Name!")), "username", "invalid_format")
		wantField(t, accept(w.c, link, enrolment(w.member.User.GetString("username"))), "username", "taken")
		de := enrolment("zoe")
		de["language"] = "de"
		wantField(t, accept(w.c, link, de), "language", "invalid_choice")
		if s := w.record(t, "invitations", id).GetString("status"); s != "pending" {
			t.Fatalf("status %s", s)
		}
	})

	r := accept(w.c, link, enrolment("zoe.d"))
	record, _ := r.JSON["record"].(map[string]any)
	if r.Status != 200 || r.JSON["token"] == "" || record["email"] != "zoe@example.org" || record["username"] != "zoe.d" {
		t.Fatalf("accept %d %s", r.Status, r.Raw)
	}
	user, err := w.app.FindAuthRecordByEmail("users", "zoe@example.org")
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.app.FindFirstRecordByData("memberships", "user", user.Id)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the new member is signed in", func(t *testing.T) {
		me := w.c.Do("GET", "/api/me", r.JSON["token"].(string), nil)
		if me.Status != 200 {
			t.Fatalf("%d %s", me.Status, me.Raw)
		}
		if user.GetDateTime("lastLogin").IsZero() {
			t.Error("the sign-in hooks did not run (no lastLogin)")
		}
		if _, res := w.c.SignIn("zoe.d", "a long passphrase"); res.Status != 200 {
			t.Errorf("signing in again: %d %s", res.Status, res.Raw)
		}
	})
	t.Run("the account and the membership are the invitation's", func(t *testing.T) {
		if user.GetString("authSource") != "password" || !user.GetBool("verified") || user.GetString("language") != "fr" ||
			user.GetString("givenName") != "Zoë" || user.GetString("familyName") != "Durand" {
			t.Errorf("user %v", user.FieldsData())
		}
		if m.GetString("org") != w.org.ID || m.GetString("role") != "member" || m.GetString("userType") != "professional" ||
			m.GetString("status") != "active" || !m.GetBool("partnerAccess") || !m.GetBool("creditsLimited") ||
			m.GetFloat("creditsAllocated") != 25 || m.GetString("addedBy") != w.owner.ID() {
			t.Errorf("membership %v", m.FieldsData())
		}
		inv := w.record(t, "invitations", id)
		if inv.GetString("status") != "accepted" || inv.GetString("acceptedBy") != m.Id || inv.GetDateTime("acceptedAt").IsZero() {
			t.Errorf("invitation %v", inv.FieldsData())
		}
	})
	t.Run("one seat more is billed at the professional price", func(t *testing.T) {
		var rows []struct {
			Delta   int    `db:"delta"`
			Monthly int    `db:"monthlyDelta"`
			Reason  string `db:"reason"`
			Type    string `db:"userType"`
		}
		if err := w.app.DB().NewQuery("SELECT delta, monthlyDelta, reason, userType FROM seatLedger WHERE membership = {:m}").
			Bind(dbx.Params{"m": m.Id}).All(&rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Delta != 1 || rows[0].Monthly != 7500 || rows[0].Reason != "joined" || rows[0].Type != "professional" {
			t.Fatalf("ledger %+v", rows)
		}
		sub := w.record(t, "subscriptions", sub.Id)
		after := map[string]int{}
		_ = sub.UnmarshalJSONField("seats", &after)
		if sub.GetInt("monthlyAmount") != amount+7500 || after["professional"] != seats["professional"]+1 {
			t.Fatalf("subscription %d → %d, seats %v → %v", amount, sub.GetInt("monthlyAmount"), seats, after)
		}
	})
	t.Run("one audit row records the join", func(t *testing.T) {
		if n := w.count(t, "auditLog", dbx.HashExp{"action": "members.join", "targetId": m.Id, "actor": m.Id}); n != 1 {
			t.Fatalf("%d join audit rows", n)
		}
	})
	t.Run("a welcome mail in the member's language", func(t *testing.T) {
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			if last := w.app.TestMailer.LastMessage(); last.Subject == "Bienvenue dans Acme" {
				if last.To[0].Address != "zoe@example.org" || !strings.Contains(last.HTML, "Bonjour Zoë") {
					t.Fatalf("mail %+v", last)
				}
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("no welcome mail")
	})
	t.Run("the link is used up", func(t *testing.T) {
		wantCode(t, accept(w.c, link, enrolment("zoe2")), 404, "not_found")
		wantCode(t, preview(w.c, link), 404, "not_found")
	})
}

func TestJoiningAnOrganisationThatRequiresMFA(t *testing.T) {
	w := newInvWorld(t, "")
	_, link := w.mustInvite(t, "zoe@example.org", nil)
	w.setOrg(t, "mfaRequired", true)
	r := accept(w.c, link, enrolment("zoe"))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	wantCode(t, w.c.Do("GET", "/api/orgs/"+w.org.ID+"/members", r.JSON["token"].(string), nil), 403, "mfa_enrollment_required")
}

func TestAnAddressThatGotAnAccountMeanwhileCannotAccept(t *testing.T) {
	w := newInvWorld(t, "")
	_, link := w.mustInvite(t, "zoe@example.org", nil)
	// Another organisation invited the same address, and Zoë joined it first.
	other := &invWorld{app: w.app, c: w.c, org: w.other, owner: w.other.Owner}
	_, first := other.mustInvite(t, "zoe@example.org", nil)
	wantCode(t, accept(w.c, first, enrolment("zoe")), 200, "")
	wantCode(t, accept(w.c, link, enrolment("zoe.acme")), 409, "email_taken")
}

// joinPost is accept over HTTP for goroutines (which must not call t.Fatal).
func joinPost(url string, body any) (int, error) {
	b, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}

// acceptAll sends the accepts at once and counts the answers by status.
func acceptAll(t *testing.T, c *testapp.Client, links []string) map[int]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	start := make(chan struct{})
	for i, link := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, err := joinPost(c.URL+"/api/invitations/"+tokenOf(link)+"/accept", enrolment(fmt.Sprintf("racer%d", i)))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			statuses[status]++
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

func TestFiftyConcurrentAcceptsOfOneLinkMakeOneAccount(t *testing.T) {
	w := newInvWorld(t, "")
	_, link := w.mustInvite(t, "zoe@example.org", nil)
	members := w.count(t, "memberships", dbx.HashExp{"org": w.org.ID})
	links := make([]string, 50)
	for i := range links {
		links[i] = link
	}
	statuses := acceptAll(t, w.c, links)
	if statuses[200] != 1 || statuses[404] != 49 {
		t.Fatalf("answers by status: %v, want one 200 and 49 404", statuses)
	}
	if n := w.count(t, "users", dbx.HashExp{"email": "zoe@example.org"}); n != 1 {
		t.Fatalf("%d accounts", n)
	}
	if n := w.count(t, "memberships", dbx.HashExp{"org": w.org.ID}); n != members+1 {
		t.Fatalf("%d memberships, want %d", n, members+1)
	}
	if n := w.count(t, "seatLedger", dbx.HashExp{"org": w.org.ID, "reason": "joined", "memberLabel": "Zoë Durand <zoe@example.org>"}); n != 1 {
		t.Fatalf("%d ledger rows", n)
	}
	if n := w.count(t, "auditLog", dbx.HashExp{"action": "members.join"}); n != 1 {
		t.Fatalf("%d join audit rows", n)
	}
}

// TestConcurrentAcceptsForTheLastSeatNeverOverAllocate: every Roster path keeps billed
// seats + pending invitations within the plan (invite and resend count both, and so
// does a plan change), so valid invitations outnumber free seats only when the limit
// moved behind Roster's back: here the instance operator edits the subscription in
// PocketBase's dashboard (a superuser record save, no Roster service) from team to
// starter. Then 5 valid links compete for 1 seat, all at once, and the check inside
// the accept transaction lets exactly one in.
func TestConcurrentAcceptsForTheLastSeatNeverOverAllocate(t *testing.T) {
	w := newInvWorld(t, "team")
	testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Viewer) // owner + 3 members: 4 seats
	links := make([]string, 5)
	for i := range links {
		_, links[i] = w.mustInvite(t, fmt.Sprintf("racer%d@example.org", i), nil)
	}
	sub, err := w.app.FindFirstRecordByData("subscriptions", "org", w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	starter, err := w.app.FindFirstRecordByData("plans", "code", "starter")
	if err != nil {
		t.Fatal(err)
	}
	sub.Set("plan", starter.Id)
	if err := w.app.Save(sub); err != nil {
		t.Fatal(err)
	}
	statuses := acceptAll(t, w.c, links)
	if statuses[200] != 1 || statuses[409] != 4 {
		t.Fatalf("answers by status: %v, want one 200 and four 409 seat_limit", statuses)
	}
	if n := w.count(t, "memberships", dbx.HashExp{"org": w.org.ID}); n != 5 {
		t.Fatalf("%d billed seats on a 5-seat plan", n)
	}
	if n := w.count(t, "invitations", dbx.HashExp{"org": w.org.ID, "status": "pending"}); n != 4 {
		t.Fatalf("%d invitations still pending, want 4 (a refused accept uses nothing up)", n)
	}
	r := accept(w.c, links[0], enrolment("late"))
	if r.Status == 409 {
		wantCode(t, r, 409, "seat_limit")
		if d := r.JSON["data"].(map[string]any); d["seatsUsed"] != 5.0 || d["maxSeats"] != 5.0 {
			t.Fatalf("%s", r.Raw)
		}
	}
}

func TestInvitationList(t *testing.T) {
	w := newInvWorld(t, "")
	w.mustInvite(t, "alice@example.org", nil)
	bob, _ := w.mustInvite(t, "bob@example.org", nil)
	w.mustInvite(t, "carol@example.org", map[string]any{"role": "admin"})
	wantCode(t, w.invite(w.admin.Token(t), map[string]any{"emails": "dave@example.org", "credits": 10}), 200, "")
	wantCode(t, w.c.Do("DELETE", w.path("/"+bob), w.owner.Token(t), nil), 200, "")

	items := func(r testapp.Response) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, it := range r.JSON["items"].([]any) {
			m := it.(map[string]any)
			out[m["email"].(string)] = m
		}
		return out
	}
	r := w.c.Do("GET", w.path("?status=pending"), w.admin.Token(t), nil)
	got := items(r)
	if r.Status != 200 || r.JSON["totalItems"] != 3.0 || len(got) != 3 || got["bob@example.org"] != nil {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	dave := got["dave@example.org"]
	by := dave["invitedBy"].(map[string]any)
	if by["id"] != w.admin.ID() || !strings.HasPrefix(by["name"].(string), "Given Family") || dave["sentCount"] != 1.0 ||
		dave["status"] != "pending" || dave["expires"] == "" || dave["lastSent"] == "" || dave["created"] == "" ||
		dave["role"] != "member" || dave["userType"] != "creator" || dave["credits"] != 10.0 {
		t.Errorf("dave %v", dave)
	}
	if a := fmt.Sprint(got["carol@example.org"]["allowed"]); a != "[]" {
		t.Errorf("an administrator may %s an administrator's invitation", a)
	}
	if a := fmt.Sprint(got["alice@example.org"]["allowed"]); a != "[invitations.resend invitations.revoke]" {
		t.Errorf("an administrator may only %s a member's invitation", a)
	}
	if r := w.c.Do("GET", w.path("?search=CAR"), w.owner.Token(t), nil); r.JSON["totalItems"] != 1.0 || items(r)["carol@example.org"] == nil {
		t.Errorf("search: %s", r.Raw)
	}
	if r := w.c.Do("GET", w.path("?status=revoked,accepted"), w.owner.Token(t), nil); r.JSON["totalItems"] != 1.0 {
		t.Errorf("revoked: %s", r.Raw)
	}
	r = w.c.Do("GET", w.path("?perPage=3&page=2"), w.owner.Token(t), nil)
	if r.JSON["totalItems"] != 4.0 || r.JSON["totalPages"] != 2.0 || r.JSON["page"] != 2.0 || len(r.JSON["items"].([]any)) != 1 {
		t.Errorf("page 2: %s", r.Raw)
	}
	wantField(t, w.c.Do("GET", w.path("?status=lost"), w.owner.Token(t), nil), "status", "invalid_choice")
	wantField(t, w.c.Do("GET", w.path("?perPage=500"), w.owner.Token(t), nil), "perPage", "")
}

func TestJoinRoutesAreRateLimited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	var statuses []int
	for range 31 {
		statuses = append(statuses, c.Do("GET", "/api/invitations/guess", "", nil).Status)
	}
	if statuses[0] != 404 || statuses[29] != 404 || statuses[30] != 429 {
		t.Fatalf("statuses %v: want 30 404s, then 429", statuses)
	}
}

// smtpSink is an in-process SMTP server that hands over every message it receives.
type smtpSink struct{ got chan []byte }

func (s smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{sink: s}, nil }

type smtpSession struct{ sink smtpSink }

func (*smtpSession) Reset()                               {}
func (*smtpSession) Logout() error                        { return nil }
func (*smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.sink.got <- b
	return err
}

func (s smtpSink) wait(t *testing.T, d time.Duration) []byte {
	t.Helper()
	select {
	case b := <-s.got:
		return b
	case <-time.After(d):
		t.Fatal("no mail reached the SMTP server")
		return nil
	}
}

// mimeTexts decodes every text part of a message, whatever its transfer encoding.
func mimeTexts(t *testing.T, raw []byte) (subject string, parts map[string]string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	parts = map[string]string{}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		media, params, _ := mime.ParseMediaType(get("Content-Type"))
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header, p)
			}
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		} else if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, _ := io.ReadAll(body)
		parts[media] = string(b)
	}
	walk(msg.Header, msg.Body)
	return subject, parts
}

// TestTheInvitationMailOverRealSMTP sends one invitation through PocketBase's SMTP
// client, configured from ROSTER_SMTP_URL, to an in-process go-smtp server.
func TestTheInvitationMailOverRealSMTP(t *testing.T) {
	w := newInvWorld(t, "")
	w.setOrg(t, "defaultLanguage", "fr")
	sink := smtpSink{got: make(chan []byte, 4)}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("ROSTER_SMTP_URL", "smtp://"+ln.Addr().String())
	if err := mail.Configure(w.app); err != nil {
		t.Fatal(err)
	}
	// Test apps swap every mail for their TestMailer (an OnMailerSend handler at
	// priority -99999); this test puts a real SMTP client back, right after it.
	s := w.app.Settings().SMTP
	w.app.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{Priority: -99998, Func: func(e *core.MailerEvent) error {
		e.Mailer = &mailer.SMTPClient{Host: s.Host, Port: s.Port}
		return e.Next()
	}})

	_, link := w.mustInvite(t, "zoe@example.org", map[string]any{"message": "Bienvenue à bord"})
	subject, parts := mimeTexts(t, sink.wait(t, 5*time.Second))
	if subject != "Invitation à rejoindre Acme" {
		t.Errorf("subject %q", subject)
	}
	text, html := parts["text/plain"], parts["text/html"]
	for _, want := range []string{link, "Bonjour", "en tant que membre", "Bienvenue à bord"} {
		if !strings.Contains(text, want) || !strings.Contains(html, want) {
			t.Errorf("the mail lacks %q:\n%s\n%s", want, text, html)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for w.count(t, "mailOutbox", dbx.HashExp{"to": "zoe@example.org", "status": mail.Sent}) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if w.count(t, "mailOutbox", dbx.HashExp{"to": "zoe@example.org", "status": mail.Sent}) != 1 {
		t.Error("the outbox does not say sent")
	}
}

func TestNewMemberCreditsApplyUnlessTheInvitationSaysOtherwise(t *testing.T) {
	w := newInvWorld(t, "")
	org, err := w.app.FindRecordById("organizations", w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	org.Set("newMemberCreditsLimited", true)
	org.Set("newMemberCredits", 25)
	if err := w.app.Save(org); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email   string
		body    map[string]any
		limited bool
		amount  float64
	}{
		{"default@example.org", map[string]any{}, true, 25},
		{"unlimited@example.org", map[string]any{"credits": nil}, false, 0},
		{"ten@example.org", map[string]any{"credits": 10}, true, 10},
	} {
		tc.body["emails"] = tc.email
		if r := w.invite(w.owner.Token(t), tc.body); r.Status != 200 {
			t.Fatalf("%s: %d %s", tc.email, r.Status, r.Raw)
		}
		inv, err := w.app.FindFirstRecordByData("invitations", "email", tc.email)
		if err != nil {
			t.Fatal(err)
		}
		if inv.GetBool("creditsLimited") != tc.limited || inv.GetFloat("creditsAllocated") != tc.amount {
			t.Errorf("%s: limited %v allocated %v", tc.email, inv.GetBool("creditsLimited"), inv.GetFloat("creditsAllocated"))
		}
	}
}
