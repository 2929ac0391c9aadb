package billing_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/members"
	"roster/internal/orgs"
	"roster/internal/people"
	"roster/internal/testapp"
)

var joined atomic.Int64

// join adds a member the way acceptance does: account, membership and seat in one
// transaction. The member has signed in once (so they can be disabled).
func join(t *testing.T, app core.App, org *testapp.Org, ut access.UserType) *testapp.Member {
	t.Helper()
	n := joined.Add(1)
	email := fmt.Sprintf("person%d@example.com", n)
	var out *testapp.Member
	err := app.RunInTransaction(func(tx core.App) error {
		u, err := newUser(tx, email, n)
		if err != nil {
			return err
		}
		m, err := orgs.AddMembership(tx, org.ID, u, access.RoleMember, ut, org.Owner.ID())
		if err != nil {
			return err
		}
		out = &testapp.Member{User: u, Membership: m, Email: email, Password: testapp.Password}
		return billing.SeatChanged(tx, billing.Seat{Org: org.ID, Membership: m.Id, Label: people.Label("Person", fmt.Sprint(n), email),
			UserType: ut, Delta: 1, Reason: billing.Joined, Actor: org.Owner.ID()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// passwordHash is testapp.Password hashed once at bcrypt's lowest cost: joining
// hundreds of members must not hash hundreds of times.
var passwordHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(testapp.Password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

func newUser(tx core.App, email string, n int64) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	u := core.NewRecord(col)
	u.Load(map[string]any{"email": email, "username": fmt.Sprintf("person%d", n), "givenName": "Person",
		"familyName": fmt.Sprint(n), "visibility": "org", "language": "en", "units": "metric", "authSource": "password",
		"verified": true, "lastLogin": types.NowDateTime()})
	u.SetRaw("password", &core.PasswordFieldValue{Hash: passwordHash})
	return u, tx.Save(u)
}

// remove deletes a member the way removal does: membership gone and its
// seat released, in one transaction.
func remove(t *testing.T, app core.App, org *testapp.Org, id string) {
	t.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		m, err := tx.FindRecordById("memberships", id)
		if err != nil {
			return err
		}
		if err := tx.Delete(m); err != nil {
			return err
		}
		return billing.SeatChanged(tx, billing.Seat{Org: org.ID, Membership: id, Label: "removed",
			UserType: access.UserType(m.GetString("userType")), Delta: -1, Reason: billing.Removed, Actor: org.Owner.ID()})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ownerActor(t *testing.T, app core.App, org *testapp.Org) access.Actor {
	t.Helper()
	s, err := members.SessionOf(app, org.Owner.User)
	if err != nil {
		t.Fatal(err)
	}
	return s.Actor
}

// addPlan adds a plan with its own prices (the seeded plans all share theirs).
func addPlan(t *testing.T, app core.App, code string, maxSeats int, prices map[string]int) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("plans")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"code": code, "name": code, "maxSeats": maxSeats, "seatPrices": prices, "currency": "EUR", "includedCredits": 0})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, app core.App, org string) {
	t.Helper()
	problems, err := billing.Verify(app, org)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("billing invariants broken: %v", problems)
	}
}

func subscription(t *testing.T, app core.App, org string) *core.Record {
	t.Helper()
	sub, err := app.FindFirstRecordByFilter("subscriptions", "org = {:org}", dbx.Params{"org": org})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func auditCount(t *testing.T, app core.App, org, action string) int {
	t.Helper()
	n, err := app.CountRecords("auditLog", dbx.HashExp{"org": org, "action": action})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
