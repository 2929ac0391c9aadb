package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/testapp"
)

// readOnly are the policy's actions that change nothing: performing them writes no
// audit row. Every other action must have a step in TestEveryActionWritesOneAuditRowPerChange.
var readOnly = map[access.Action]string{
	access.MembersDirectory: "GET /members (a member)",
	access.MembersList:      "GET /members",
	access.MembersExport:    "GET /members.csv",
	access.ReportsView:      "GET /reports",
	access.AuditView:        "GET /audit",
	access.AuditExport:      "GET /audit.csv",
	access.ContentUse:       "GET /items, GET /groups",
}

// auditWalk performs actions through the real routes and checks the audit rows each
// one writes.
type auditWalk struct {
	*office
	covered map[access.Action]bool
}

// do performs one request as who for the policy action, and checks that it wrote
// exactly the audit rows want (their actions, one row per changed target, in order),
// each with who as the actor (unless who is nil: a public route).
func (w *auditWalk) do(t *testing.T, action access.Action, who *testapp.Member, method, path string, body any, want ...string) testapp.Response {
	t.Helper()
	w.covered[action] = true
	before := w.lastSeq(t)
	tok := ""
	if who != nil {
		tok = who.Token(t)
	}
	r := w.c.Do(method, path, tok, body)
	if r.Status < 200 || r.Status > 299 {
		t.Fatalf("%s: %s %s: %d %s", action, method, path, r.Status, r.Raw)
	}
	var rows []struct {
		Action string `db:"action"`
		Actor  string `db:"actor"`
	}
	if err := w.app.DB().NewQuery("SELECT action, actor FROM auditLog WHERE org = {:org} AND seq > {:seq} ORDER BY seq").
		Bind(dbx.Params{"org": w.org.ID, "seq": before}).All(&rows); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, row.Action)
		if who != nil && row.Actor != who.ID() {
			t.Errorf("%s %s: a row by %s, want %s", method, path, row.Actor, who.ID())
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s (%s %s) wrote audit rows %v, want %v", action, method, path, got, want)
	}
	return r
}

func (w *auditWalk) lastSeq(t *testing.T) int64 {
	t.Helper()
	var seq int64
	if err := w.app.DB().NewQuery("SELECT COALESCE(MAX(seq), 0) FROM auditLog WHERE org = {:org}").
		Bind(dbx.Params{"org": w.org.ID}).Row(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

func idOf(t *testing.T, r testapp.Response) string {
	t.Helper()
	id, _ := r.JSON["id"].(string)
	if id == "" {
		t.Fatalf("no id in %s", r.Raw)
	}
	return id
}

func TestEveryActionWritesOneAuditRowPerChange(t *testing.T) {
	w := &auditWalk{office: newOffice(t), covered: map[access.Action]bool{}}
	o := w.office
	owner, admin, luc := o.owner, o.admin, o.member
	extra := func() *testapp.Member {
		m := testapp.AddMember(t, o.app, o.org, access.RoleMember, access.Creator)
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		o.save(t, m.User)
		return m
	}
	t1, t2, t3, t4, t5, t6, t7 := extra(), extra(), extra(), extra(), extra(), extra(), extra()
	m := func(x *testapp.Member, action string) string { return o.url("/members/" + x.ID() + action) }

	// The organisation's settings.
	w.do(t, access.OrgSettings, owner, "PATCH", o.url("/settings"), map[string]any{"creditBudgeting": true, "creditsPool": 1000, "mfaEnabled": true}, "org.settings")
	w.do(t, access.ReportsSettings, owner, "PATCH", o.url("/settings"), map[string]any{"reportSections": map[string]any{"member": []string{"members", "signins"}}}, "org.settings")

	// Invitations: one row per address; the join is the invitee's own row.
	w.do(t, access.MembersInvite, admin, "POST", o.url("/invitations"), map[string]any{"emails": []string{"ann@example.com", "bob@example.com"}}, "members.invite", "members.invite")
	ann, _ := o.app.FindFirstRecordByData("invitations", "email", "ann@example.com")
	bob, _ := o.app.FindFirstRecordByData("invitations", "email", "bob@example.com")
	r := w.do(t, access.InvitationsResend, admin, "POST", o.url("/invitations/"+ann.Id+"/resend"), nil, "invitations.resend")
	w.do(t, access.InvitationsRevoke, admin, "DELETE", o.url("/invitations/"+bob.Id), nil, "invitations.revoke")
	link, _ := r.JSON["link"].(string)
	_, token, _ := strings.Cut(link, "/join/")
	before := w.lastSeq(t)
	if r := o.c.Do("POST", "/api/invitations/"+token+"/accept", "", map[string]any{"givenName": "Ann", "password": "ann's password 1"}); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	if n := w.lastSeq(t) - before; n != 1 {
		t.Errorf("accepting an invitation wrote %d rows, want members.join alone", n)
	}

	// Changes to one member.
	w.do(t, access.MembersUpdateProfile, admin, "PATCH", m(t1, ""), map[string]any{"description": "Géomaticien"}, "members.updateProfile")
	w.do(t, access.MembersChangeEmail, owner, "PATCH", m(t1, ""), map[string]any{"email": "t1.new@example.com"}, "members.updateProfile")
	w.do(t, access.MembersDisable, admin, "POST", m(t1, "/disable"), nil, "members.disable")
	w.do(t, access.MembersEnable, admin, "POST", m(t1, "/enable"), nil, "members.enable")
	w.do(t, access.MembersDisable, admin, "POST", o.url("/members/bulk"), map[string]any{"action": "disable", "ids": []string{t2.ID(), t3.ID()}},
		"members.disable", "members.disable")
	w.do(t, access.MembersEndSessions, admin, "POST", m(t1, "/end-sessions"), nil, "members.endSessions")
	w.do(t, access.MembersChangeUserType, admin, "POST", m(t1, "/user-type"), map[string]any{"userType": "professional"}, "members.changeUserType")
	w.do(t, access.MembersManageCredits, admin, "POST", m(t1, "/credits"), map[string]any{"allocated": 50}, "members.manageCredits")
	w.do(t, access.MembersPartnerAccess, admin, "POST", m(t1, "/partner-access"), map[string]any{"enabled": true}, "members.partnerAccess")
	w.do(t, access.MembersResetPassword, admin, "POST", m(t1, "/reset-password"), nil, "members.resetPassword")
	t1.User, _ = o.app.FindRecordById("users", t1.User.Id)
	t1.User.Set("totpEnabled", true)
	o.save(t, t1.User)
	w.do(t, access.MembersDisableMfa, owner, "POST", m(t1, "/disable-mfa"), nil, "members.disableMfa")
	w.do(t, access.MembersChangeRole, owner, "POST", m(t4, "/role"), map[string]any{"role": "admin"}, "members.changeRole")

	// Licences: one row per member assigned or revoked.
	r = w.do(t, access.LicensesManage, admin, "POST", o.url("/licenses"),
		map[string]any{"code": "PRO", "name": "Pro tools", "compatibleTypes": []string{"creator", "professional"}, "seats": 10}, "licenses.create")
	lic := idOf(t, r)
	w.do(t, access.LicensesManage, admin, "PATCH", o.url("/licenses/"+lic), map[string]any{"seats": 20}, "licenses.update")
	w.do(t, access.LicensesAssign, admin, "POST", o.url("/licenses/"+lic+"/assign"), map[string]any{"members": []string{t1.ID(), luc.ID()}},
		"licenses.assign", "licenses.assign")
	w.do(t, access.LicensesRevoke, admin, "POST", o.url("/licenses/"+lic+"/revoke"), map[string]any{"members": []string{t1.ID()}}, "licenses.revoke")
	r = w.do(t, access.LicensesManage, admin, "POST", o.url("/licenses"), map[string]any{"code": "OLD", "name": "Old", "compatibleTypes": []string{"viewer"}, "seats": 1}, "licenses.create")
	w.do(t, access.LicensesManage, admin, "DELETE", o.url("/licenses/"+idOf(t, r)), nil, "licenses.delete")

	// Shared content, by a member.
	r = w.do(t, access.ContentCreate, luc, "POST", o.url("/items"), map[string]any{"kind": "map", "title": "Carte", "sharing": "private"}, "items.create")
	item := idOf(t, r)
	w.do(t, access.ContentCreate, luc, "PATCH", o.url("/items/"+item), map[string]any{"title": "Carte des sentiers"}, "items.update")
	w.do(t, access.ContentCreate, luc, "DELETE", o.url("/items/"+item), nil, "items.delete")
	r = w.do(t, access.ContentCreate, luc, "POST", o.url("/groups"), map[string]any{"title": "Randonneurs"}, "groups.create")
	group := idOf(t, r)
	w.do(t, access.ContentCreate, luc, "POST", o.url("/groups/"+group+"/members"), map[string]any{"add": []string{t1.ID()}}, "groups.members")
	w.do(t, access.ContentCreate, luc, "PATCH", o.url("/groups/"+group), map[string]any{"title": "Randonneuses"}, "groups.update")
	w.do(t, access.ContentCreate, luc, "DELETE", o.url("/groups/"+group), nil, "groups.delete")
	w.do(t, access.CreditsConsume, luc, "POST", o.url("/credits/consume"), map[string]any{"amount": 2}, "credits.consume")

	// Billing, the owner's.
	r = w.do(t, access.BillingManage, owner, "POST", o.url("/payment-methods"),
		map[string]any{"kind": "card", "brand": "Visa", "last4": "4242", "expMonth": 12, "expYear": time.Now().Year() + 2, "holder": "Hélène Dupré"},
		"billing.addPaymentMethod")
	card := idOf(t, r)
	w.do(t, access.BillingManage, owner, "PATCH", o.url("/payment-methods/"+card), map[string]any{"label": "Carte pro"}, "billing.updatePaymentMethod")
	inv, err := billing.ClosePeriod(o.app, o.org.ID, time.Now().UTC(), true, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	w.do(t, access.BillingManage, owner, "POST", o.url("/invoices/"+inv.ID+"/pay"), map[string]any{"paymentMethod": card}, "billing.payInvoice")
	w.do(t, access.BillingManage, owner, "POST", o.url("/subscription/plan"), map[string]any{"plan": "business"}, "billing.changePlan")
	w.do(t, access.BillingManage, owner, "DELETE", o.url("/payment-methods/"+card), nil, "billing.removePaymentMethod")

	// One's own account (no policy action: one's own).
	before = w.lastSeq(t)
	if r := o.c.Do("POST", "/api/account/password", t5.Token(t), map[string]any{"oldPassword": testapp.Password, "password": "a new password 42"}); r.Status != 200 {
		t.Fatalf("password change: %d %s", r.Status, r.Raw)
	}
	if n := w.lastSeq(t) - before; n != 1 {
		t.Errorf("a password change wrote %d rows, want 1", n)
	}

	// Leaving, removal and ownership.
	w.do(t, access.MembersRemove, owner, "DELETE", m(t6, ""), map[string]any{}, "members.remove")
	w.do(t, access.OrgLeave, t7, "POST", o.url("/leave"), map[string]any{}, "org.leave")
	w.do(t, access.OrgTransferOwnership, owner, "POST", o.url("/transfer-ownership"), map[string]any{"to": admin.ID(), "password": testapp.Password},
		"org.transferOwnership")

	// Reading writes nothing.
	for _, read := range []struct {
		action access.Action
		who    *testapp.Member
		path   string
	}{
		{access.MembersDirectory, luc, "/members"}, {access.MembersList, admin, "/members"}, {access.MembersExport, admin, "/members.csv"},
		{access.ReportsView, luc, "/reports"}, {access.AuditView, admin, "/audit"}, {access.AuditExport, admin, "/audit.csv"},
		{access.ContentUse, luc, "/items"}, {access.ContentUse, luc, "/groups"},
	} {
		w.do(t, read.action, read.who, "GET", o.url(read.path), nil)
	}

	var missing []string
	for _, a := range access.Actions() {
		if _, ro := readOnly[a]; !w.covered[a] && !ro {
			missing = append(missing, string(a))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("actions without a step in this test (add one through their route): %v", missing)
	}
	if rep, err := audit.Verify(o.app, o.org.ID); err != nil || !rep.OK {
		t.Errorf("the chain after the walk: %v %v", rep, err)
	}
	t.Logf("%d audit rows, %s", w.lastSeq(t), fmt.Sprint(len(w.covered), " actions exercised"))
}
