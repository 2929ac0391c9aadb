// Package testapp builds Roster apps for tests: real SQLite, every migration, bound
// with all of Roster as the binary is (roster.Bind), copied from a template data
// directory migrated once per test binary, plus seed helpers (organisations, members,
// tokens). No mocks.
package testapp

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/orgs"
	"roster/internal/roster"
	_ "roster/pb_migrations"
)

var templateDir string

// Main builds the template data directory, runs the package's tests and cleans up.
// Call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "roster-template-")
	if err != nil {
		panic(err)
	}
	if err := migrate(dir); err != nil {
		panic(err)
	}
	templateDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func migrate(dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	return app.RunAllMigrations()
}

// New returns a fresh app bound as the binary binds it (roster.Bind), removed when the
// test ends.
func New(t testing.TB) *tests.TestApp {
	t.Helper()
	if templateDir == "" {
		t.Fatal("testapp: call testapp.Main from TestMain")
	}
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		t.Fatal(err)
	}
	roster.Bind(app)
	t.Cleanup(app.Cleanup)
	return app
}

// Org is a seeded organisation and its owner.
type Org struct {
	ID    string
	Owner *Member
}

// Member is a seeded member with a valid auth token.
type Member struct {
	User       *core.Record
	Membership *core.Record
	Email      string
	Password   string
}

// ID is the membership id.
func (m *Member) ID() string { return m.Membership.Id }

// Token returns a fresh auth token for the member.
func (m *Member) Token(t testing.TB) string {
	t.Helper()
	tok, err := m.User.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var seq atomic.Int64

// Password is every seeded account's password.
const Password = "correct horse 42"

// CreateOrg seeds an organisation with its owner on the given plan ("" = team).
func CreateOrg(t testing.TB, app core.App, name, plan string) *Org {
	t.Helper()
	n := seq.Add(1)
	c, err := orgs.Create(app, orgs.New{
		Name: name, Slug: fmt.Sprintf("%s-%d", orgs.Slugify(name), n), Plan: plan,
		Owner: orgs.Owner{Email: fmt.Sprintf("owner%d@example.com", n), Password: Password, GivenName: "Olivia", FamilyName: fmt.Sprintf("Owner%d", n)},
	}, "system", "")
	if err != nil {
		t.Fatal(err)
	}
	return &Org{ID: c.Org.Id, Owner: &Member{User: c.User, Membership: c.Membership, Email: c.User.Email(), Password: Password}}
}

// AddMember seeds an active member of org with a role and user type, and bills their
// seat as a join does (a ledger row, the subscription's cached seats and amount), so
// that the books balance (billing.Verify, roster doctor).
func AddMember(t testing.TB, app core.App, org *Org, role access.Role, ut access.UserType) *Member {
	t.Helper()
	n := seq.Add(1)
	email := fmt.Sprintf("%s%d@example.com", role, n)
	u, err := orgs.NewUser(app, orgs.Owner{Email: email, Password: Password, GivenName: "Given", FamilyName: fmt.Sprintf("Family%d", n)}, "en")
	if err != nil {
		t.Fatal(err)
	}
	m, err := orgs.AddMembership(app, org.ID, u, role, ut, org.Owner.ID())
	if err != nil {
		t.Fatal(err)
	}
	err = billing.SeatChanged(app, billing.Seat{Org: org.ID, Membership: m.Id, Label: email, UserType: ut,
		Delta: 1, Reason: billing.Joined, Actor: org.Owner.ID()})
	if err != nil {
		t.Fatal(err)
	}
	return &Member{User: u, Membership: m, Email: email, Password: Password}
}

// SetStatus changes a membership's status directly (seeding, not the service).
func SetStatus(t testing.TB, app core.App, m *Member, s access.Status) {
	t.Helper()
	m.Membership.Set("status", string(s))
	if err := app.Save(m.Membership); err != nil {
		t.Fatal(err)
	}
}
