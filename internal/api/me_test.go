package api_test

import (
	"slices"
	"strings"
	"testing"

	"roster/internal/access"
	"roster/internal/testapp"
)

func permissions(r testapp.Response) []string {
	var out []string
	for _, p := range r.JSON["permissions"].([]any) {
		out = append(out, p.(string))
	}
	return out
}

// words joins a JSON list of strings with spaces.
func words(v any) string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return strings.Join(out, " ")
}

func TestMe(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)

	t.Run("not signed in is a 401", func(t *testing.T) {
		if r := c.Do("GET", "/api/me", "", nil); r.Status != 401 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("the owner sees billing and settings", func(t *testing.T) {
		r := c.Do("GET", "/api/me", org.Owner.Token(t), nil)
		p := permissions(r)
		if r.Status != 200 || !slices.Contains(p, "billing.manage") || !slices.Contains(p, "org.settings") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a member sees the directory but not the list, billing or the audit log", func(t *testing.T) {
		r := c.Do("GET", "/api/me", member.Token(t), nil)
		p := permissions(r)
		if r.Status != 200 || !slices.Contains(p, "members.directory") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		for _, no := range []string{"members.list", "billing.manage", "audit.view", "members.invite", "content.create"} {
			if slices.Contains(p, no) {
				t.Errorf("member has %s", no)
			}
		}
	})
	t.Run("the UI asks the server who may be invited and what user types allow", func(t *testing.T) {
		admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
		for _, tc := range []struct {
			who  *testapp.Member
			want string
		}{{org.Owner, "member admin"}, {admin, "member"}, {member, ""}} {
			r := c.Do("GET", "/api/me", tc.who.Token(t), nil)
			if got := words(r.JSON["invitableRoles"]); got != tc.want {
				t.Errorf("%s may invite %q, want %q", tc.who.Email, got, tc.want)
			}
		}
		types := c.Do("GET", "/api/me", member.Token(t), nil).JSON["userTypes"].(map[string]any)
		if got := words(types["owners"]); got != "creator professional" {
			t.Errorf("owners %q", got)
		}
		if got := words(types["admins"]); got != "creator professional" {
			t.Errorf("admins %q", got)
		}
		if got := words(types["sharedEditors"]); got != "contributor creator professional" {
			t.Errorf("shared editors %q", got)
		}
	})
	t.Run("hidden fields never leave the server", func(t *testing.T) {
		r := c.Do("GET", "/api/me", member.Token(t), nil)
		for _, secret := range []string{"totpSecret", "recoveryCodes", "tokenKey", "password", "failedLogins"} {
			if strings.Contains(r.Raw, secret) {
				t.Errorf("/api/me exposes %s", secret)
			}
		}
	})
	t.Run("a disabled member is refused at once, token or not", func(t *testing.T) {
		tok := member.Token(t)
		testapp.SetStatus(t, app, member, access.Disabled)
		defer testapp.SetStatus(t, app, member, access.Active)
		if r := c.Do("GET", "/api/me", tok, nil); r.Status != 403 || r.Code() != "account_disabled" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := c.Do("GET", "/api/orgs/"+org.ID, tok, nil); r.Status != 403 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestOrganisationScope(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	acme := testapp.CreateOrg(t, app, "Acme", "")
	other := testapp.CreateOrg(t, app, "Other", "")
	member := testapp.AddMember(t, app, acme, access.RoleMember, access.Creator)

	if r := c.Do("GET", "/api/orgs/"+acme.ID, member.Token(t), nil); r.Status != 200 || r.JSON["name"] != "Acme" {
		t.Fatalf("own organisation: %d %s", r.Status, r.Raw)
	}
	t.Run("another organisation is a 404, even for its owner's peers", func(t *testing.T) {
		for _, tok := range []string{member.Token(t), acme.Owner.Token(t)} {
			if r := c.Do("GET", "/api/orgs/"+other.ID, tok, nil); r.Status != 404 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		}
	})
	t.Run("an unknown organisation id is a 404", func(t *testing.T) {
		if r := c.Do("GET", "/api/orgs/doesnotexist123", member.Token(t), nil); r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a restricted session can read /api/me but nothing else", func(t *testing.T) {
		member.User.Set("mustChangePassword", true)
		if err := app.Save(member.User); err != nil {
			t.Fatal(err)
		}
		tok := member.Token(t)
		r := c.Do("GET", "/api/me", tok, nil)
		if r.Status != 200 || !strings.Contains(r.Raw, "password_change_required") {
			t.Fatalf("me: %d %s", r.Status, r.Raw)
		}
		if r := c.Do("GET", "/api/orgs/"+acme.ID, tok, nil); r.Status != 403 || r.Code() != "password_change_required" {
			t.Fatalf("org: %d %s", r.Status, r.Raw)
		}
		if r := c.Do("PATCH", "/api/account/profile", tok, map[string]string{"language": "fr"}); r.Status != 403 {
			t.Fatalf("profile: %d %s", r.Status, r.Raw)
		}
	})
}

func TestOwnProfile(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
	tok := member.Token(t)

	if r := c.Do("PATCH", "/api/account/profile", tok, map[string]string{"language": "fr", "givenName": "Hélène"}); r.Status != 204 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	u, _ := app.FindRecordById("users", member.User.Id)
	if u.GetString("language") != "fr" || u.GetString("givenName") != "Hélène" {
		t.Fatalf("not saved: %v", u)
	}
	rows, _ := app.FindAllRecords("auditLog")
	last := rows[len(rows)-1]
	if last.GetString("action") != "members.updateProfile" || !strings.Contains(last.GetString("details"), "Hélène") {
		t.Fatalf("audit: %v", last)
	}
	t.Run("an unknown language is a 400 naming the field", func(t *testing.T) {
		r := c.Do("PATCH", "/api/account/profile", tok, map[string]string{"language": "de"})
		if r.Status != 400 || r.FieldCode("language") != "invalid_choice" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a too long description is a 400 naming the field", func(t *testing.T) {
		r := c.Do("PATCH", "/api/account/profile", tok, map[string]string{"description": strings.Repeat("é", 2001)})
		if r.Status != 400 || r.FieldCode("description") != "too_long" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

// A new organisation's checklist (invite someone, choose the plan; two-factor is the
// account's mfaEnabled) and whether Roster can send mail, from GET /api/me.
func TestMeTellsTheFirstStepsAndWhetherMailGoesOut(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	owner := org.Owner.Token(t)
	me := func(t *testing.T, tok string) testapp.Response {
		t.Helper()
		r := c.Do("GET", "/api/me", tok, nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		return r
	}
	checklist := func(t *testing.T, tok string) map[string]any {
		t.Helper()
		got, _ := me(t, tok).JSON["checklist"].(map[string]any)
		return got
	}

	t.Run("a new organisation: nothing done yet, and no mail server", func(t *testing.T) {
		r := me(t, owner)
		if got := checklist(t, owner); got["invited"] != false || got["planChosen"] != false {
			t.Fatalf("%s", r.Raw)
		}
		if r.JSON["mail"] != false || r.JSON["user"].(map[string]any)["mfaEnabled"] != false {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("an invitation is the first step done", func(t *testing.T) {
		if r := c.Do("POST", "/api/orgs/"+org.ID+"/invitations", owner, map[string]any{"emails": "new@example.org"}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := checklist(t, owner); got["invited"] != true || got["planChosen"] != false {
			t.Fatalf("%v", got)
		}
	})
	t.Run("another plan, or a payment method on the plan kept, is the plan chosen", func(t *testing.T) {
		other := testapp.CreateOrg(t, app, "Globex", "")
		tok := other.Owner.Token(t)
		if r := c.Do("POST", "/api/orgs/"+other.ID+"/payment-methods", tok, map[string]any{"kind": "transfer", "label": "Virement"}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := checklist(t, tok); got["planChosen"] != true {
			t.Fatalf("with a payment method: %v", got)
		}
		if r := c.Do("POST", "/api/orgs/"+org.ID+"/subscription/plan", owner, map[string]any{"plan": "business"}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if got := checklist(t, owner); got["planChosen"] != true {
			t.Fatalf("on the business plan: %v", got)
		}
	})
	t.Run("an administrator sees the steps but the plan, a member none", func(t *testing.T) {
		admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
		member := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
		if got := checklist(t, admin.Token(t)); got["invited"] != true || got["planChosen"] != nil {
			t.Fatalf("the administrator's checklist %v", got)
		}
		if r := me(t, member.Token(t)); r.JSON["checklist"] != nil {
			t.Fatalf("a member's /api/me has a checklist: %s", r.Raw)
		}
	})
	t.Run("an organisation of ten members is past its first steps", func(t *testing.T) {
		for range 7 { // the owner, the administrator and the member above are three
			testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
		}
		if r := me(t, owner); r.JSON["checklist"] != nil {
			t.Fatalf("ten members and still a checklist: %s", r.Raw)
		}
	})
	t.Run("with a mail server, mail goes out", func(t *testing.T) {
		app.Settings().SMTP.Enabled = true
		defer func() { app.Settings().SMTP.Enabled = false }()
		if r := me(t, owner); r.JSON["mail"] != true {
			t.Fatalf("%s", r.Raw)
		}
	})
}
