package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/testapp"
)

type people struct {
	org                              *testapp.Org
	admin, helene, garcon, zoe, dora *testapp.Member
	outsider                         *testapp.Member
}

// seedPeople builds a small organisation with names, types, states and sign-ins to filter on.
func seedPeople(t *testing.T, app core.App) people {
	t.Helper()
	org := testapp.CreateOrg(t, app, "Acme", "")
	p := people{org: org}
	set := func(m *testapp.Member, given, family, lastLogin string, fields map[string]any) *testapp.Member {
		m.User.Set("givenName", given)
		m.User.Set("familyName", family)
		m.User.Set("lastLogin", lastLogin)
		if err := app.Save(m.User); err != nil {
			t.Fatal(err)
		}
		for k, v := range fields {
			m.Membership.Set(k, v)
		}
		if err := app.Save(m.Membership); err != nil {
			t.Fatal(err)
		}
		return m
	}
	p.admin = set(testapp.AddMember(t, app, org, access.RoleAdmin, access.Professional), "Adam", "Admin", "2026-11-20 10:00:00.000Z", nil)
	p.helene = set(testapp.AddMember(t, app, org, access.RoleMember, access.Viewer), "Hélène", "Lefèvre", "2026-01-15 09:00:00.000Z",
		map[string]any{"creditsLimited": true, "creditsAllocated": 100, "creditsUsed": 30, "partnerAccess": true})
	p.garcon = set(testapp.AddMember(t, app, org, access.RoleMember, access.Contributor), "Luc", "Garçon", "",
		map[string]any{"creditsLimited": true, "creditsAllocated": 10, "creditsUsed": 10})
	p.zoe = set(testapp.AddMember(t, app, org, access.RoleMember, access.Creator), "Zoë", "Dupré", "2026-06-01 12:00:00.000Z", nil)
	p.dora = set(testapp.AddMember(t, app, org, access.RoleMember, access.Creator), "Dora", "=cmd()", "2026-06-02 12:00:00.000Z",
		map[string]any{"status": "disabled"})
	p.zoe.User.Set("visibility", "private")
	if err := app.Save(p.zoe.User); err != nil {
		t.Fatal(err)
	}
	p.outsider = testapp.AddMember(t, app, testapp.CreateOrg(t, app, "Other", ""), access.RoleAdmin, access.Creator)
	return p
}

func names(r testapp.Response) []string {
	var out []string
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return out
}

func TestMemberListFiltersAndSorts(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	owner := p.org.Owner.Token(t)
	list := func(q string) testapp.Response {
		t.Helper()
		r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members?"+q, owner, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Raw)
		}
		return r
	}
	cases := []struct {
		name, query string
		want        []string
	}{
		{"everyone sorted by family name", "", []string{"Dora =cmd()", "Adam Admin", "Zoë Dupré", "Luc Garçon", "Hélène Lefèvre", "Olivia " + p.org.Owner.User.GetString("familyName")}},
		{"search is accent-blind", "search=helene", []string{"Hélène Lefèvre"}},
		{"search is case- and accent-blind on family names", "search=GARCON", []string{"Luc Garçon"}},
		{"search of two words matches both", "search=zoe+dupre", []string{"Zoë Dupré"}},
		{"a short search is a prefix", "search=lu", []string{"Luc Garçon"}},
		{"role filter", "role=admin", []string{"Adam Admin"}},
		{"several user types", "userType=viewer,contributor", []string{"Luc Garçon", "Hélène Lefèvre"}},
		{"status filter", "status=disabled", []string{"Dora =cmd()"}},
		{"never signed in", "neverSignedIn=true&role=member", []string{"Luc Garçon"}},
		{"last sign-in before", "lastLoginBefore=2026-05-01", []string{"Hélène Lefèvre"}},
		{"last sign-in after", "lastLoginAfter=2026-06-01&role=member", []string{"Dora =cmd()", "Zoë Dupré"}},
		{"credits remaining at least 50 (no limit counts)", "creditsMin=50&role=member", []string{"Dora =cmd()", "Zoë Dupré", "Hélène Lefèvre"}},
		{"credits remaining at most 0", "creditsMax=0", []string{"Luc Garçon"}},
		{"partner access", "partnerAccess=true", []string{"Hélène Lefèvre"}},
		{"sort by last sign-in, newest first", "sort=-lastLogin&role=member", []string{"Dora =cmd()", "Zoë Dupré", "Hélène Lefèvre", "Luc Garçon"}},
		{"sort by role, highest first", "sort=-role&perPage=2", []string{"Olivia " + p.org.Owner.User.GetString("familyName"), "Adam Admin"}},
		{"page two of two per page", "perPage=2&page=2", []string{"Zoë Dupré", "Luc Garçon"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := names(list(tc.query))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}

	t.Run("totals and full rows", func(t *testing.T) {
		r := list("perPage=2")
		if r.JSON["totalItems"].(float64) != 6 || r.JSON["totalPages"].(float64) != 3 {
			t.Fatalf("%s", r.Raw)
		}
		h := list("search=helene").JSON["items"].([]any)[0].(map[string]any)
		credits := h["credits"].(map[string]any)
		if h["email"] == "" || h["status"] != "active" || credits["remaining"].(float64) != 70 || h["partnerAccess"] != true {
			t.Fatalf("%v", h)
		}
		allowed := h["allowed"].([]any)
		if len(allowed) == 0 {
			t.Fatal("the owner may do nothing to a member?")
		}
		if r := list("skipTotal=1"); r.JSON["totalItems"].(float64) != -1 {
			t.Fatalf("skipTotal: %s", r.Raw)
		}
	})
	t.Run("licences and groups come with each row", func(t *testing.T) {
		lic := mustRecord(t, app, "licenses", map[string]any{"org": p.org.ID, "code": "gis", "name": "GIS Pro", "compatibleTypes": []string{"viewer"}, "seats": 5})
		mustRecord(t, app, "licenseAssignments", map[string]any{"license": lic.Id, "membership": p.helene.ID(), "assignedAt": types.NowDateTime()})
		g := mustRecord(t, app, "groups", map[string]any{"org": p.org.ID, "owner": p.zoe.ID(), "title": "Cartographes", "members": []string{p.helene.ID(), p.zoe.ID()}})
		if got := names(list("license=" + lic.Id)); len(got) != 1 || got[0] != "Hélène Lefèvre" {
			t.Fatalf("license filter: %v", got)
		}
		if got := names(list("group=" + g.Id)); len(got) != 2 {
			t.Fatalf("group filter: %v", got)
		}
		h := list("search=helene").JSON["items"].([]any)[0].(map[string]any)
		if !strings.Contains(toJSON(h["licenses"]), "GIS Pro") || !strings.Contains(toJSON(h["groups"]), "Cartographes") {
			t.Fatalf("%v", h)
		}
		z := list("search=zoe").JSON["items"].([]any)[0].(map[string]any)
		if z["groupsOwned"].(float64) != 1 {
			t.Fatalf("%v", z)
		}
	})
	t.Run("bad parameters are 400s naming them", func(t *testing.T) {
		for param, q := range map[string]string{
			"perPage": "perPage=201", "page": "page=0", "sort": "sort=password", "role": "role=king",
			"userType": "userType=wizard", "status": "status=gone", "lastLoginBefore": "lastLoginBefore=yesterday",
			"neverSignedIn": "neverSignedIn=maybe", "creditsMin": "creditsMin=lots",
		} {
			r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members?"+q, owner, nil)
			if r.Status != 400 || r.FieldCode(param) == "" {
				t.Errorf("%s: %d %s", q, r.Status, r.Raw)
			}
		}
	})
	t.Run("a search with quotes and operators is only text", func(t *testing.T) {
		for _, q := range []string{`"`, `hel" OR "a`, `*`, `NEAR(a b)`, `%_\`} {
			r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members?search="+url.QueryEscape(q), owner, nil)
			if r.Status != 200 {
				t.Errorf("%q: %d %s", q, r.Status, r.Raw)
			}
		}
	})
}

func TestMemberDirectory(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	tok := p.helene.Token(t)

	r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members?perPage=50", tok, nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	for _, secret := range []string{"@example.com", "lastLogin", "status", "credits", "partnerAccess", "=cmd()"} {
		if strings.Contains(r.Raw, secret) {
			t.Errorf("the directory shows %q: %s", secret, r.Raw)
		}
	}
	if r.JSON["totalItems"].(float64) != 5 {
		t.Errorf("the directory lists disabled members: %s", r.Raw)
	}
	for _, it := range r.JSON["items"].([]any) {
		e := it.(map[string]any)
		if e["name"] == "Zoë Dupré" && (e["username"] != nil || e["avatar"] != nil) {
			t.Errorf("a private profile shows more than its name: %v", e)
		}
	}
	t.Run("filters it does not show are ignored", func(t *testing.T) {
		r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members?status=disabled", tok, nil)
		if r.Status != 200 || strings.Contains(r.Raw, "Dora") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("one member: full for oneself, directory entry for others", func(t *testing.T) {
		self := c.Do("GET", "/api/orgs/"+p.org.ID+"/members/"+p.helene.ID(), tok, nil)
		if self.Status != 200 || self.JSON["email"] == nil {
			t.Fatalf("%d %s", self.Status, self.Raw)
		}
		other := c.Do("GET", "/api/orgs/"+p.org.ID+"/members/"+p.admin.ID(), tok, nil)
		if other.Status != 200 || other.JSON["email"] != nil {
			t.Fatalf("%d %s", other.Status, other.Raw)
		}
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members/"+p.dora.ID(), tok, nil); r.Status != 404 {
			t.Fatalf("a disabled member through the directory: %d", r.Status)
		}
	})
	t.Run("members cannot export", func(t *testing.T) {
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members.csv", tok, nil); r.Status != 403 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestMemberRoutesRefuseOutsiders(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	for _, path := range []string{"/members", "/members.csv", "/members/" + p.helene.ID()} {
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+path, p.outsider.Token(t), nil); r.Status != 404 {
			t.Errorf("outsider %s: %d", path, r.Status)
		}
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+path, "", nil); r.Status != 401 {
			t.Errorf("anonymous %s: %d", path, r.Status)
		}
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+path, p.dora.Token(t), nil); r.Status != 403 {
			t.Errorf("disabled %s: %d", path, r.Status)
		}
	}
	t.Run("another organisation's member id is not found", func(t *testing.T) {
		if r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members/"+p.outsider.ID(), p.org.Owner.Token(t), nil); r.Status != 404 {
			t.Fatalf("%d", r.Status)
		}
	})
}

func TestMemberExport(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	p := seedPeople(t, app)
	r := c.Do("GET", "/api/orgs/"+p.org.ID+"/members.csv?userType=viewer,creator", p.admin.Token(t), nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if !strings.HasPrefix(r.Raw, "\ufeffname,givenName,familyName,username,email") {
		t.Fatalf("no BOM or header: %q", r.Raw[:40])
	}
	lines := strings.Split(strings.TrimSpace(r.Raw), "\n")
	if len(lines) != 5 { // header + Hélène, Zoë, Dora, the owner
		t.Fatalf("%d lines:\n%s", len(lines), r.Raw)
	}
	if !strings.Contains(r.Raw, "Hélène Lefèvre,Hélène,Lefèvre") || !strings.Contains(r.Raw, "'=cmd()") {
		t.Fatalf("accents or formula defusing:\n%s", r.Raw)
	}
}

func mustRecord(t *testing.T, app core.App, collection string, data map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(data)
	if err := app.Save(r); err != nil {
		t.Fatalf("%s: %v", collection, err)
	}
	return r
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
