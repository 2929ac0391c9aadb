package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
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

// office is an organisation as its settings, reports and audit pages see it: Hélène
// Dupré owns it; it has an administrator, a member (Luc Garçon), a disabled member, and
// an outsider next door. Everyone has signed in once.
type office struct {
	app                                      *tests.TestApp
	c                                        *testapp.Client
	org                                      *testapp.Org
	owner, admin, member, disabled, outsider *testapp.Member
}

func newOffice(t *testing.T) *office {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	o := &office{app: app, c: testapp.Serve(t, app)}
	o.org = testapp.CreateOrg(t, app, "Acme", "")
	o.owner = o.org.Owner
	o.admin = testapp.AddMember(t, app, o.org, access.RoleAdmin, access.Creator)
	o.member = testapp.AddMember(t, app, o.org, access.RoleMember, access.Creator)
	o.disabled = testapp.AddMember(t, app, o.org, access.RoleMember, access.Viewer)
	testapp.SetStatus(t, app, o.disabled, access.Disabled)
	o.outsider = testapp.CreateOrg(t, app, "Other", "").Owner
	o.rename(t, o.owner, "Hélène", "Dupré")
	o.rename(t, o.member, "Luc", "Garçon")
	for _, m := range []*testapp.Member{o.owner, o.admin, o.member, o.disabled, o.outsider} {
		m.User.Set("lastLogin", types.NowDateTime().Add(-time.Hour))
		o.save(t, m.User)
	}
	return o
}

func (o *office) rename(t *testing.T, m *testapp.Member, given, family string) {
	t.Helper()
	m.User.Set("givenName", given)
	m.User.Set("familyName", family)
	o.save(t, m.User)
}

func (o *office) save(t *testing.T, r *core.Record) {
	t.Helper()
	if err := o.app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func (o *office) url(path string) string { return "/api/orgs/" + o.org.ID + path }

// auditRows lists the organisation's audit rows of one action ("" = all), oldest first.
func (o *office) auditRows(t *testing.T, action string) []*core.Record {
	t.Helper()
	where := dbx.HashExp{"org": o.org.ID}
	if action != "" {
		where["action"] = action
	}
	rows, err := o.app.FindAllRecords("auditLog", where)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// orgRecord reads the organisation as stored.
func (o *office) orgRecord(t *testing.T) *core.Record {
	t.Helper()
	r, err := o.app.FindRecordById("organizations", o.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// refusedToAll checks that everyone but the allowed roles is refused a route, each
// with the status their kind gives them (fail.Error.Status).
func (o *office) refusedToAll(t *testing.T, method, path string, body any, allowed ...*testapp.Member) {
	t.Helper()
	cases := []struct {
		name   string
		who    *testapp.Member
		status int
	}{
		{"an administrator", o.admin, 403}, {"a member", o.member, 403}, {"a disabled member", o.disabled, 403},
		{"someone from another organisation", o.outsider, 404}, {"someone not signed in", nil, 401},
	}
	for _, c := range cases {
		allow := false
		for _, a := range allowed {
			allow = allow || a == c.who
		}
		if allow {
			continue
		}
		tok := ""
		if c.who != nil {
			tok = c.who.Token(t)
		}
		if r := o.c.Do(method, path, tok, body); r.Status != c.status {
			t.Errorf("%s %s by %s: %d, want %d: %s", method, path, c.name, r.Status, c.status, r.Raw)
		}
	}
}

func TestOnlyTheOwnerReadsAndChangesTheSettings(t *testing.T) {
	o := newOffice(t)
	for _, route := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/settings", nil},
		{"PATCH", "/settings", map[string]any{"name": "Taken over"}},
		{"GET", "/settings/mfa-compliance", nil},
	} {
		o.refusedToAll(t, route.method, o.url(route.path), route.body)
		if r := o.c.Do(route.method, o.url(route.path), o.owner.Token(t), route.body); r.Status != 200 {
			t.Errorf("the owner: %s %s: %d %s", route.method, route.path, r.Status, r.Raw)
		}
	}
	if n := o.orgRecord(t).GetString("name"); n != "Taken over" {
		t.Errorf("the owner's change: name %q", n)
	}
	if rows := o.auditRows(t, "org.settings"); len(rows) != 1 {
		t.Errorf("%d org.settings rows: refusals must write none, the owner's change one", len(rows))
	}
}

func TestTheSettingsAnswerEveryField(t *testing.T) {
	o := newOffice(t)
	r := o.c.Do("GET", o.url("/settings"), o.owner.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	for _, f := range []string{"id", "name", "slug", "logo", "logoUrl", "defaultLanguage", "defaultUnits", "mfaEnabled", "mfaRequired",
		"creditBudgeting", "creditsPool", "inviteTtlDays", "allowedDomains", "partnerAccessDefault", "newMemberRole",
		"newMemberUserType", "newMemberCredits", "reportSections", "mfaCompliance"} {
		if _, ok := r.JSON[f]; !ok {
			t.Errorf("no %s in %s", f, r.Raw)
		}
	}
	want := `"reportSections":{"admin":["seats","members","signins","credits","invitations"],"member":["members"]}`
	if !strings.Contains(r.Raw, want) || !strings.Contains(r.Raw, `"inviteTtlDays":7`) || !strings.Contains(r.Raw, `"newMemberCredits":null`) {
		t.Errorf("defaults: %s", r.Raw)
	}
}

func TestEachBadSettingIsA400NamingItsField(t *testing.T) {
	o := newOffice(t)
	cases := []struct {
		name  string
		body  any
		field string
		code  string
	}{
		{"an empty name", map[string]any{"name": "  "}, "name", "required"},
		{"a name of 201 characters", map[string]any{"name": strings.Repeat("é", 201)}, "name", "too_long"},
		{"an unknown language", map[string]any{"defaultLanguage": "de"}, "defaultLanguage", "invalid_choice"},
		{"unknown units", map[string]any{"defaultUnits": "furlongs"}, "defaultUnits", "invalid_choice"},
		{"a negative credit pool", map[string]any{"creditsPool": -1}, "creditsPool", "negative"},
		{"an absurd credit pool", map[string]any{"creditsPool": 1e13}, "creditsPool", "too_large"},
		{"a credit pool that is text", map[string]any{"creditsPool": "lots"}, "creditsPool", "invalid_type"},
		{"invitations lasting 0 days", map[string]any{"inviteTtlDays": 0}, "inviteTtlDays", "out_of_range"},
		{"invitations lasting 91 days", map[string]any{"inviteTtlDays": 91}, "inviteTtlDays", "out_of_range"},
		{"invitations lasting 2.5 days", map[string]any{"inviteTtlDays": 2.5}, "inviteTtlDays", "invalid_type"},
		{"an email address as a domain", map[string]any{"allowedDomains": []string{"acme.org", "bob@acme.org"}}, "allowedDomains", "invalid_domain"},
		{"a domain without a dot", map[string]any{"allowedDomains": []string{"localhost"}}, "allowedDomains", "invalid_domain"},
		{"a domain with a space", map[string]any{"allowedDomains": []string{"ac me.org"}}, "allowedDomains", "invalid_domain"},
		{"domains that are not a list", map[string]any{"allowedDomains": "acme.org"}, "allowedDomains", "invalid_type"},
		{"owner as the new members' role", map[string]any{"newMemberRole": "owner"}, "newMemberRole", "invalid_choice"},
		{"an unknown user type", map[string]any{"newMemberUserType": "wizard"}, "newMemberUserType", "invalid_choice"},
		{"administrators who are viewers", map[string]any{"newMemberRole": "admin", "newMemberUserType": "viewer"}, "newMemberUserType", "role_incompatible_type"},
		{"negative credits for new members", map[string]any{"newMemberCredits": -5}, "newMemberCredits", "negative"},
		{"text credits for new members", map[string]any{"newMemberCredits": "ten"}, "newMemberCredits", "invalid_number"},
		{"an unknown report section", map[string]any{"reportSections": map[string]any{"admin": []string{"salaries"}}}, "reportSections", "invalid_choice"},
		{"report sections for the owner", map[string]any{"reportSections": map[string]any{"owner": []string{"seats"}}}, "reportSections", "invalid_role"},
		{"MFA required but off", map[string]any{"mfaRequired": true, "mfaEnabled": false}, "mfaEnabled", "required_by_mfa_required"},
		{"a logo as text", map[string]any{"logo": "logo.png"}, "logo", "upload_required"},
	}
	before := len(o.auditRows(t, ""))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := o.c.Do("PATCH", o.url("/settings"), o.owner.Token(t), c.body)
			if r.Status != 400 || r.FieldCode(c.field) != c.code {
				t.Errorf("%d %s, want 400 %s.%s", r.Status, r.Raw, c.field, c.code)
			}
		})
	}
	if after := len(o.auditRows(t, "")); after != before {
		t.Errorf("refused changes wrote %d audit rows", after-before)
	}
	org := o.orgRecord(t)
	if org.GetString("name") != "Acme" || org.GetInt("inviteTtlDays") != 7 {
		t.Errorf("a refused change was applied: %v", org.PublicExport())
	}
}

func TestASettingsChangeIsOneAuditRowWithBeforeAndAfter(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	r := o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{
		"name": "  Acme Nord ", "inviteTtlDays": 14, "defaultUnits": "metric", // metric: unchanged
		"allowedDomains": []string{"@ACME.org", "acme.org", " Équipe.fr "}, "creditBudgeting": true, "creditsPool": 5000,
		"newMemberCredits": 100, "partnerAccessDefault": true, "newMemberUserType": "professional",
		"reportSections": map[string]any{"member": []string{"signins", "members"}},
	})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	for _, want := range []string{`"name":"Acme Nord"`, `"inviteTtlDays":14`, `"allowedDomains":["acme.org","équipe.fr"]`,
		`"newMemberCredits":100`, `"member":["members","signins"]`, `"partnerAccessDefault":true`} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("the answer lacks %s: %s", want, r.Raw)
		}
	}
	rows := o.auditRows(t, "org.settings")
	if len(rows) != 1 {
		t.Fatalf("%d org.settings rows, want 1", len(rows))
	}
	row := rows[0]
	if row.GetString("actor") != o.owner.ID() || row.GetString("targetId") != o.org.ID || row.GetString("targetLabel") != "Acme Nord" {
		t.Errorf("row %v", row.PublicExport())
	}
	var d struct{ Before, After map[string]any }
	if err := json.Unmarshal([]byte(row.GetString("details")), &d); err != nil {
		t.Fatal(err)
	}
	changed := []string{"name", "inviteTtlDays", "allowedDomains", "creditBudgeting", "creditsPool", "newMemberCredits",
		"partnerAccessDefault", "newMemberUserType", "reportSections"}
	if len(d.Before) != len(changed) || len(d.After) != len(changed) {
		t.Errorf("before %v after %v: want exactly %v", d.Before, d.After, changed)
	}
	for _, f := range changed {
		if _, ok := d.After[f]; !ok {
			t.Errorf("after lacks %s", f)
		}
	}
	if d.Before["name"] != "Acme" || d.After["name"] != "Acme Nord" || d.Before["inviteTtlDays"] != 7.0 ||
		d.After["inviteTtlDays"] != 14.0 || d.Before["newMemberCredits"] != nil || d.After["newMemberCredits"] != 100.0 {
		t.Errorf("before %v after %v", d.Before, d.After)
	}

	// The same change again changes nothing and writes nothing.
	r = o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{"name": "Acme Nord", "inviteTtlDays": 14})
	if r.Status != 200 || len(o.auditRows(t, "org.settings")) != 1 {
		t.Errorf("a change to the same values: %d, %d rows", r.Status, len(o.auditRows(t, "org.settings")))
	}
	// null: no limit for new members.
	r = o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{"newMemberCredits": nil})
	if r.Status != 200 || !strings.Contains(r.Raw, `"newMemberCredits":null`) || len(o.auditRows(t, "org.settings")) != 2 {
		t.Errorf("no limit: %d %s", r.Status, r.Raw)
	}
}

func TestTheDefaultPartnerAccessAppliesToInvitations(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	if r := o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{"partnerAccessDefault": true}); r.Status != 200 {
		t.Fatal(r.Raw)
	}
	r := o.c.Do("POST", o.url("/invitations"), tok, map[string]any{"emails": []string{"new.partner@example.com"}})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	inv, err := o.app.FindFirstRecordByData("invitations", "email", "new.partner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !inv.GetBool("partnerAccess") {
		t.Error("the organisation's default partner access did not reach the invitation")
	}
	r = o.c.Do("POST", o.url("/invitations"), tok, map[string]any{"emails": []string{"no.partner@example.com"}, "partnerAccess": false})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if inv, _ := o.app.FindFirstRecordByData("invitations", "email", "no.partner@example.com"); inv == nil || inv.GetBool("partnerAccess") {
		t.Error("an explicit partnerAccess false was overridden by the default")
	}
}

func TestRequiringMFAShowsWhoHasNotSetItUp(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	o.admin.User.Set("totpEnabled", true)
	o.save(t, o.admin.User)

	r := o.c.Do("GET", o.url("/settings"), tok, nil)
	c, _ := r.JSON["mfaCompliance"].(map[string]any)
	// Active members: owner, admin, member (the disabled one cannot sign in); the admin has TOTP.
	if c["members"] != 3.0 || c["withoutMfa"] != 2.0 || c["you"] != true {
		t.Fatalf("compliance %v", c)
	}
	sample, _ := c["sample"].([]any)
	if len(sample) != 2 || !strings.Contains(r.Raw, o.member.Email) || strings.Contains(fmt.Sprint(sample), o.admin.Email) {
		t.Errorf("sample %v", sample)
	}

	page := o.c.Do("GET", o.url("/settings/mfa-compliance?perPage=1&page=2"), tok, nil)
	if page.Status != 200 || page.JSON["totalItems"] != 2.0 || page.JSON["totalPages"] != 2.0 || len(page.JSON["items"].([]any)) != 1 {
		t.Errorf("page %d %s", page.Status, page.Raw)
	}
	if bad := o.c.Do("GET", o.url("/settings/mfa-compliance?perPage=500"), tok, nil); bad.Status != 400 || bad.FieldCode("perPage") == "" {
		t.Errorf("perPage 500: %d %s", bad.Status, bad.Raw)
	}

	// Requiring MFA switches it on, and the answer still names who must enrol.
	r = o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{"mfaRequired": true})
	if r.Status != 200 || r.JSON["mfaEnabled"] != true || r.JSON["mfaRequired"] != true {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if c, _ := r.JSON["mfaCompliance"].(map[string]any); c["withoutMfa"] != 2.0 {
		t.Errorf("compliance after requiring: %v", c)
	}
	var d struct{ After map[string]any }
	rows := o.auditRows(t, "org.settings")
	_ = json.Unmarshal([]byte(rows[len(rows)-1].GetString("details")), &d)
	if d.After["mfaEnabled"] != true || d.After["mfaRequired"] != true {
		t.Errorf("the audit row does not show both switches: %v", d.After)
	}
	// The member without TOTP is now asked to enrol before anything else.
	if r := o.c.Do("GET", o.url("/members"), o.member.Token(t), nil); r.Status != 403 || r.Code() != "mfa_enrollment_required" {
		t.Errorf("a member without TOTP once MFA is required: %d %s", r.Status, r.Raw)
	}
	// Switching MFA off (by an owner who enrolled) stops requiring it.
	o.owner.User.Set("totpEnabled", true)
	o.save(t, o.owner.User)
	r = o.c.Do("PATCH", o.url("/settings"), o.owner.Token(t), map[string]any{"mfaEnabled": false})
	if r.Status != 200 || r.JSON["mfaEnabled"] != false || r.JSON["mfaRequired"] != false {
		t.Errorf("switching MFA off: %d %s", r.Status, r.Raw)
	}
}

// logoPNG is a small PNG picture, padded with zero bytes to at least size bytes (the
// type is read from the header).
func logoPNG(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < size {
		buf.Write(make([]byte, size-buf.Len()))
	}
	return buf.Bytes()
}

// multipartPatch sends a settings change with files as a multipart form.
func (o *office) multipartPatch(t *testing.T, tok string, fields map[string]string, files map[string][]byte) testapp.Response {
	t.Helper()
	var parts []formFile
	for name, data := range files {
		parts = append(parts, formFile{name, name + ".png", data})
	}
	return sendForm(t, o.c, "PATCH", o.url("/settings"), tok, fields, parts...)
}

func TestTheLogoIsUploadedReplacedAndRemoved(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	r := o.multipartPatch(t, tok, map[string]string{"name": "Acme Logo", "inviteTtlDays": "30"}, map[string][]byte{"logo": logoPNG(t, 0)})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	logo, _ := r.JSON["logo"].(string)
	url, _ := r.JSON["logoUrl"].(string)
	if logo == "" || r.JSON["name"] != "Acme Logo" || r.JSON["inviteTtlDays"] != 30.0 || !strings.HasSuffix(url, "/"+logo) {
		t.Fatalf("after upload: %s", r.Raw)
	}
	if res, err := http.Get(o.c.URL + url); err != nil || res.StatusCode != 200 {
		t.Errorf("the logo is not served at %s: %v %v", url, err, res)
	}

	if r := o.multipartPatch(t, tok, nil, map[string][]byte{"logo": logoPNG(t, 2<<20+1)}); r.Status != 400 || r.FieldCode("logo") != "image_too_large" {
		t.Errorf("a 2 MB + 1 byte logo: %d %s", r.Status, r.Raw)
	}
	if r := o.multipartPatch(t, tok, nil, map[string][]byte{"logo": []byte("#!/bin/sh\necho not a picture\n")}); r.Status != 400 || r.FieldCode("logo") != "invalid_type" {
		t.Errorf("a script as a logo: %d %s", r.Status, r.Raw)
	}
	if r := o.multipartPatch(t, tok, map[string]string{"creditsPool": "many"}, nil); r.Status != 400 || r.FieldCode("creditsPool") != "invalid_type" {
		t.Errorf("text credits in a form: %d %s", r.Status, r.Raw)
	}

	r = o.multipartPatch(t, tok, nil, map[string][]byte{"logo": logoPNG(t, 1000)})
	second, _ := r.JSON["logo"].(string)
	if r.Status != 200 || second == "" || second == logo {
		t.Fatalf("replacing the logo: %d %s", r.Status, r.Raw)
	}
	r = o.c.Do("PATCH", o.url("/settings"), tok, map[string]any{"logo": nil})
	if r.Status != 200 || r.JSON["logo"] != "" || r.JSON["logoUrl"] != "" {
		t.Errorf("removing the logo: %d %s", r.Status, r.Raw)
	}
	rows := o.auditRows(t, "org.settings")
	if len(rows) != 3 {
		t.Fatalf("%d rows, want upload, replacement and removal", len(rows))
	}
	var up, replaced, down struct{ Before, After map[string]any }
	_ = json.Unmarshal([]byte(rows[0].GetString("details")), &up)
	_ = json.Unmarshal([]byte(rows[1].GetString("details")), &replaced)
	_ = json.Unmarshal([]byte(rows[2].GetString("details")), &down)
	if up.Before["logo"] != "" || up.After["logo"] != logo || replaced.Before["logo"] != logo || replaced.After["logo"] != second ||
		down.Before["logo"] != second || down.After["logo"] != "" {
		t.Errorf("logo before/after: %v %v %v", up, replaced, down)
	}
}

// Partner access: the member list filters by it and the export carries it.
func TestPartnerAccessIsInTheMemberFilterAndExport(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	if r := o.c.Do("POST", o.url("/members/"+o.admin.ID()+"/partner-access"), tok, map[string]any{"enabled": true}); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	r := o.c.Do("GET", o.url("/members?partnerAccess=true"), tok, nil)
	items, _ := r.JSON["items"].([]any)
	if r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != o.admin.ID() {
		t.Errorf("partnerAccess=true: %d %s", r.Status, r.Raw)
	}
	if r := o.c.Do("GET", o.url("/members?partnerAccess=false"), tok, nil); r.JSON["totalItems"] != 3.0 {
		t.Errorf("partnerAccess=false: %s", r.Raw)
	}
	csv := o.c.Do("GET", o.url("/members.csv?partnerAccess=true"), tok, nil)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.Raw, "\ufeff")), "\n")
	if len(lines) != 2 {
		t.Fatalf("export:\n%s", csv.Raw)
	}
	header, row := strings.Split(lines[0], ","), strings.Split(lines[1], ",")
	col := -1
	for i, h := range header {
		if h == "partnerAccess" {
			col = i
		}
	}
	if col < 0 || len(row) != len(header) || row[col] != "true" || !strings.Contains(lines[1], o.admin.Email) {
		t.Errorf("the export's partnerAccess column:\n%s", csv.Raw)
	}
}
