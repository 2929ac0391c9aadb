package orgs_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/orgs"
	"roster/internal/security"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Équipe Nord":        "equipe-nord",
		"  ACME  Corp. ":     "acme-corp",
		"Garçon & Fils":      "garcon-fils",
		"!!!":                "org",
		"Zoë's café (Paris)": "zoe-s-cafe-paris",
	} {
		if got := orgs.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCreate(t *testing.T) {
	app := testapp.New(t)
	c, err := orgs.Create(app, orgs.New{Name: "Équipe Nord", Plan: "starter",
		Owner: orgs.Owner{Email: " Hélène@Example.COM ", Password: "long enough", GivenName: "Hélène", FamilyName: "Dupré"}}, audit.ActorSuperuser, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.User.Email() != "hélène@example.com" {
		t.Fatalf("email stored as %q", c.User.Email())
	}
	if c.Membership.GetString("role") != "owner" || c.User.GetString("username") != "helene" {
		t.Fatalf("membership %v user %v", c.Membership, c.User)
	}
	sub, err := app.FindFirstRecordByFilter("subscriptions", "org = {:o}", dbx.Params{"o": c.Org.Id})
	if err != nil {
		t.Fatal(err)
	}
	if sub.GetInt("monthlyAmount") != 3500 || sub.GetString("seats") != `{"creator":1}` {
		t.Fatalf("subscription: amount %d seats %s", sub.GetInt("monthlyAmount"), sub.GetString("seats"))
	}
	if n, _ := app.CountRecords("seatLedger", dbx.HashExp{"org": c.Org.Id, "delta": 1}); n != 1 {
		t.Fatalf("%d ledger rows", n)
	}
	if n := searchCount(t, app, "helene", c.Org.Id); n != 1 {
		t.Fatalf("search index: %d rows match 'helene'", n)
	}

	t.Run("the same email cannot have two accounts", func(t *testing.T) {
		_, err := orgs.Create(app, orgs.New{Name: "Other", Owner: orgs.Owner{Email: "HÉLÈNE@example.com", Password: "long enough"}}, "system", "")
		if err != nil && !fail.Is(err, "other_org") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an address with an invisible character is refused", func(t *testing.T) {
		_, err := orgs.Create(app, orgs.New{Name: "Invisible", Owner: orgs.Owner{Email: "0@0\u2028.example.com", Password: "long enough"}}, "system", "")
		if !fail.Is(err, "invalid_email") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a taken slug is a conflict and nothing is created", func(t *testing.T) {
		before, _ := app.CountRecords("users")
		_, err := orgs.Create(app, orgs.New{Name: "Equipe nord", Owner: orgs.Owner{Email: "x@example.com", Password: "long enough"}}, "system", "")
		if !fail.Is(err, "slug_taken") {
			t.Fatalf("got %v", err)
		}
		if after, _ := app.CountRecords("users"); after != before {
			t.Fatal("half-applied")
		}
	})
	t.Run("an unknown plan is a 400 and nothing is created", func(t *testing.T) {
		_, err := orgs.Create(app, orgs.New{Name: "Plan B", Plan: "gold", Owner: orgs.Owner{Email: "y@example.com", Password: "long enough"}}, "system", "")
		if fe, ok := fail.As(err); !ok || fe.Field != "plan" {
			t.Fatalf("got %v", err)
		}
		if n, _ := app.CountRecords("organizations", dbx.HashExp{"name": "Plan B"}); n != 0 {
			t.Fatal("half-applied")
		}
	})
	t.Run("usernames derived from emails are unique", func(t *testing.T) {
		a, err := orgs.Create(app, orgs.New{Name: "Deux", Owner: orgs.Owner{Email: "helene@elsewhere.org", Password: "long enough"}}, "system", "")
		if err != nil {
			t.Fatal(err)
		}
		if a.User.GetString("username") != "helene2" {
			t.Fatalf("got %q", a.User.GetString("username"))
		}
	})
}

func TestSearchIndexFollowsEveryWrite(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	match := func(q string) int { return searchCount(t, app, q, org.ID) }
	u := org.Owner.User
	for _, name := range []string{"Zyxwvut", "Garçon"} {
		u.Set("familyName", name)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
	if match("GARCON") != 1 || match("zyxwvut") != 0 {
		t.Fatal("a name change did not reach the index (accent- and case-blind)")
	}
	// a raw SQL write, bypassing PocketBase entirely, is indexed too
	if _, err := app.DB().NewQuery("UPDATE users SET givenName = 'Anaïs' WHERE id = {:id}").Bind(dbx.Params{"id": u.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if match("anais") != 1 {
		t.Fatal("a raw update did not reach the index")
	}
	var rows int
	_ = app.DB().NewQuery("SELECT count(*) FROM membersSearchRows").Row(&rows)
	o, _ := app.FindRecordById("organizations", org.ID)
	if err := app.Delete(o); err != nil {
		t.Fatal(err)
	}
	if match("anais") != 0 {
		t.Fatal("a deleted membership stayed in the index")
	}
	var after int
	_ = app.DB().NewQuery("SELECT count(*) FROM membersSearchRows").Row(&after)
	if after != rows-1 {
		t.Fatalf("map rows %d → %d", rows, after)
	}
}

func searchCount(t *testing.T, app core.App, q, org string) int {
	t.Helper()
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM membersSearch WHERE membersSearch MATCH {:q} AND org = {:o}").
		Bind(dbx.Params{"q": q, "o": org}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNewUserNeverHashesInsideATransaction: bcrypt inside a transaction would hold
// SQLite's write lock for its 50–100 ms, so NewUser hashes only outside one; inside,
// it takes a hash made beforehand (security.HashPassword) and stores exactly that.
func TestNewUserNeverHashesInsideATransaction(t *testing.T) {
	app := testapp.New(t)
	const password = "long enough"
	err := app.RunInTransaction(func(tx core.App) error {
		_, err := orgs.NewUser(tx, orgs.Owner{Email: "plain@example.com", Password: password}, "en")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "before the transaction") {
		t.Fatalf("a plain password inside a transaction: %v", err)
	}
	if n, _ := app.CountRecords("users", dbx.HashExp{"email": "plain@example.com"}); n != 0 {
		t.Fatal("the account was saved")
	}

	hash, err := security.HashPassword(app, password)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = app.RunInTransaction(func(tx core.App) error {
		u, err := orgs.NewUser(tx, orgs.Owner{Email: "hashed@example.com", PasswordHash: hash}, "en")
		if u != nil {
			id = u.Id
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	if u.GetString("password:hash") != hash || !u.ValidatePassword(password) {
		t.Fatal("the account does not hold the hash made before the transaction")
	}

	// Outside a transaction (seeding, tests) NewUser hashes the password itself.
	u, err = orgs.NewUser(app, orgs.Owner{Email: "outside@example.com", Password: password}, "en")
	if err != nil || !u.ValidatePassword(password) {
		t.Fatalf("outside a transaction: %v", err)
	}
}

// The owner's password is counted in characters, as every other password.
func TestCreateCountsPasswordCharacters(t *testing.T) {
	app := testapp.New(t)
	_, err := orgs.Create(app, orgs.New{Name: "Court", Owner: orgs.Owner{Email: "c@example.com", Password: "éééé"}}, "system", "")
	if !fail.Is(err, "length") {
		t.Fatalf("4 characters (8 bytes): %v", err)
	}
	c, err := orgs.Create(app, orgs.New{Name: "Long", Owner: orgs.Owner{Email: "l@example.com", Password: "éééééééé"}}, "system", "")
	if err != nil || !c.User.ValidatePassword("éééééééé") {
		t.Fatalf("8 characters: %v", err)
	}
}
