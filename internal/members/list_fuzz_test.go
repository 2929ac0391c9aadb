package members_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"roster/internal/access"
	"roster/internal/content"
	"roster/internal/fail"
	"roster/internal/members"
	"roster/internal/paging"
	"roster/internal/testapp"
)

// listParams are the query parameters ParseFilter may name in a 400.
var listParams = map[string]bool{"search": true, "role": true, "userType": true, "status": true,
	"lastLoginBefore": true, "lastLoginAfter": true, "neverSignedIn": true, "partnerAccess": true,
	"creditsMin": true, "creditsMax": true, "sort": true, "page": true, "perPage": true}

// FuzzMemberListQuery sends arbitrary query parameters to the member list of a small
// real organisation (a second organisation beside it), as its owner (the full list) or
// as a member (the directory): ParseFilter answers a 400 naming one of its parameters,
// or List answers a page, never an error (an SQL or FTS5 syntax error would be one).
// The page holds at most perPage members, all of this organisation, only active ones
// in the directory, and no more than the total. search, sort, page and perPage are
// arguments of their own; rest is any other query text ("$group" and "$license" stand
// for the seeded group and licence). Seeds: f.Add below and testdata/fuzz/FuzzMemberListQuery.
func FuzzMemberListQuery(f *testing.F) {
	app := testapp.New(f)
	org := testapp.CreateOrg(f, app, "Équipe Nord", "business")
	admin := testapp.AddMember(f, app, org, access.RoleAdmin, access.Professional)
	member := testapp.AddMember(f, app, org, access.RoleMember, access.Creator)
	viewer := testapp.AddMember(f, app, org, access.RoleMember, access.Viewer)
	gone := testapp.AddMember(f, app, org, access.RoleMember, access.Contributor)
	testapp.SetStatus(f, app, gone, access.Disabled)
	other := testapp.CreateOrg(f, app, "Other", "")
	testapp.AddMember(f, app, other, access.RoleMember, access.Creator)
	for m, name := range map[*testapp.Member][2]string{org.Owner: {"Hélène", "Dupré"}, admin: {"Zoë", "O'Brien"},
		member: {"Luc", `Garçon "le" *Grand*`}, viewer: {"李", "小龍"}, gone: {"Ann", "NEAR(x)"}} {
		m.User.Set("givenName", name[0])
		m.User.Set("familyName", name[1])
		if err := app.Save(m.User); err != nil {
			f.Fatal(err)
		}
	}
	ownerSession, err := members.SessionOf(app, org.Owner.User)
	if err != nil {
		f.Fatal(err)
	}
	ownerActor := ownerSession.Actor
	memberSession, err := members.SessionOf(app, member.User)
	if err != nil {
		f.Fatal(err)
	}
	memberActor := memberSession.Actor
	title := "Géomatique"
	group, err := content.CreateGroup(app, ownerActor, content.GroupInput{Title: &title, Members: &[]string{admin.ID(), member.ID()}})
	if err != nil {
		f.Fatal(err)
	}
	code, lname, seats := "PRO", "Pro tools", 5
	lic, err := content.CreateLicense(app, ownerActor, content.LicenseInput{Code: &code, Name: &lname,
		CompatibleTypes: &[]string{"creator", "professional"}, Seats: &seats})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := content.AssignLicense(app, ownerActor, lic.ID, []string{member.ID()}); err != nil {
		f.Fatal(err)
	}
	ours := map[string]bool{}
	for _, m := range []*testapp.Member{org.Owner, admin, member, viewer, gone} {
		ours[m.ID()] = true
	}

	for _, s := range []struct {
		search, sort, page, perPage, rest string
		asMember                          bool
	}{
		{"", "", "", "", "", false},
		{"hélène", "-name", "1", "50", "role=owner,admin&status=active", false},
		{"He du", "email", "2", "1", "userType=creator&userType=viewer", false},
		{`"`, "lastLogin", "1", "200", "neverSignedIn=true", false},
		{`gar* NEAR(luc, 2) -zoë ^li`, "-creditsRemaining", "", "", "creditsMin=-1e308&creditsMax=1e309", false},
		{`' OR 1=1; DROP TABLE users; --`, "name; DROP TABLE users", "1", "10", "", false},
		{`") OR membership MATCH "*`, "-role", "0", "-5", "group=$group", false},
		{"小龍", "userType", "9223372036854775807", "200", "license=$license&partnerAccess=false", false},
		{"a b c d e f g h", "added", "-1", "201", "lastLoginBefore=2026-01-01&lastLoginAfter=2020-02-30", false},
		{"\x00\xff\uFFFF\U0010FFFF", "", "NaN", "1e3", "lastLoginAfter=2020-01-01T00:00:00%2B02:00", false},
		{strings.Repeat("é", 201), "", "", "", "", false},
		{"o'brien", "username", "1", "3", "role=admin&role=owner", true},
		{"gar", "-email", "", "", "status=disabled&skipTotal=1", true},
		{"", "", "", "", "group=' OR ''='&license=%22)--&creditsMin=0x10&partnerAccess=yes", true},
	} {
		f.Add(s.search, s.sort, s.page, s.perPage, s.rest, s.asMember)
	}
	f.Fuzz(func(t *testing.T, search, sort, page, perPage, rest string, asMember bool) {
		rest = strings.NewReplacer("$group", group.ID, "$license", lic.ID).Replace(rest)
		q, _ := url.ParseQuery(rest) // as e.Request.URL.Query(): a bad pair is dropped
		for k, v := range map[string]string{"search": search, "sort": sort, "page": page, "perPage": perPage} {
			if v != "" {
				q.Set(k, v)
			}
		}
		filter, err := members.ParseFilter(q)
		if err != nil {
			if fe, ok := fail.As(err); !ok || fe.Kind != fail.KindInvalid || !listParams[fe.Field] {
				t.Fatalf("%v: not a 400 naming a parameter: %#v", q, err)
			}
			return
		}
		actor := ownerActor
		if asMember {
			actor = memberActor
		}
		res, err := members.List(app, actor, filter)
		if err != nil {
			t.Fatalf("%v: %v", q, err)
		}
		raw, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			PerPage    int `json:"perPage"`
			TotalItems int `json:"totalItems"`
			Items      []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > p.PerPage || p.PerPage > paging.MaxPerPage || p.TotalItems >= 0 && len(p.Items) > p.TotalItems {
			t.Fatalf("%v: %d items, perPage %d, total %d", q, len(p.Items), p.PerPage, p.TotalItems)
		}
		for _, it := range p.Items {
			if !ours[it.ID] {
				t.Fatalf("%v: member %s is not of this organisation", q, it.ID)
			}
			if asMember && it.ID == gone.ID() {
				t.Fatalf("%v: the directory shows a disabled member", q)
			}
		}
	})
}
