package api_test

import (
	"net/url"
	"slices"
	"testing"

	"roster/internal/access"
	"roster/internal/testapp"
)

// The directory's search matches only what its entries show (docs/reliability.md §9): a member can
// neither confirm someone's email address nor a private profile's username by
// searching for it, whole, in part or by its first letters; the full list still can.
func TestDirectorySearchMatchesOnlyWhatItShows(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
	viewer := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
	person := func(given, family, username, email, visibility string) *testapp.Member {
		m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
		for k, v := range map[string]string{"givenName": given, "familyName": family, "username": username, "visibility": visibility} {
			m.User.Set(k, v)
		}
		m.User.SetEmail(email)
		if err := app.Save(m.User); err != nil {
			t.Fatal(err)
		}
		return m
	}
	person("Marie", "Curie", "mcurie", "xqzorblat.quintessence@hidden-domain.example", "org")
	person("Pierre", "Lune", "wkprivateuser", "pierre@example.com", "private")
	person("", "", "anonymouswk", "nameless@example.com", "private")

	search := func(tok, q string) []string {
		t.Helper()
		r := c.Do("GET", "/api/orgs/"+org.ID+"/members?search="+url.QueryEscape(q), tok, nil)
		if r.Status != 200 {
			t.Fatalf("search %q: %d %s", q, r.Status, r.Raw)
		}
		return names(r)
	}
	member, adminTok := viewer.Token(t), admin.Token(t)
	for _, q := range []string{
		"xqzorblat.quintessence@hidden-domain.example", // the whole address
		"quintessence", "hidden-domain", "zorblat", // distinctive parts of it
		"xq",            // a two-letter prefix only the address has
		"wkprivateuser", // a private profile's username, whole
		"privateuser",   // in part
		"wk",            // and its first letters
	} {
		if got := search(member, q); len(got) != 0 {
			t.Errorf("the directory finds %q: %q", q, got)
		}
	}
	for q, want := range map[string]string{
		"xqzorblat.quintessence@hidden-domain.example": "Marie Curie", "quintessence": "Marie Curie", "xq": "Marie Curie",
		"wkprivateuser": "Pierre Lune", "wk": "Pierre Lune",
	} {
		if got := search(adminTok, q); !slices.Contains(got, want) {
			t.Errorf("the full list does not find %q: %q", q, got)
		}
	}
	// What an entry shows is still found: names, a username on a profile that is not
	// private, and a private profile's username when it stands for the missing names.
	for q, want := range map[string]string{
		"Curie": "Marie Curie", "cu": "Marie Curie", "mcurie": "Marie Curie", "mc": "Marie Curie",
		"Lune": "Pierre Lune", "pi": "Pierre Lune", "anonymouswk": "anonymouswk", "an": "anonymouswk",
	} {
		if got := search(member, q); !slices.Contains(got, want) {
			t.Errorf("the directory does not find %q: %q", q, got)
		}
	}
	// A profile made private hides its username from the directory's search at once.
	eve := person("Eve", "Sel", "evsecret", "eve@example.com", "org")
	if got := search(member, "evsecret"); !slices.Contains(got, "Eve Sel") {
		t.Fatalf("a public username is not found: %q", got)
	}
	eve.User.Set("visibility", "private")
	if err := app.Save(eve.User); err != nil {
		t.Fatal(err)
	}
	if got := search(member, "evsecret"); len(got) != 0 {
		t.Errorf("a username made private is still found: %q", got)
	}
}
