package invites_test

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"roster/internal/invites"
	"roster/internal/testapp"
)

// TestAcceptHashesThePasswordBeforeItsTransaction: the account made by accepting signs
// in with the password chosen, hashed at bcrypt's default cost or more. The hash is
// computed before the transaction: orgs.NewUser, which the transaction calls, refuses
// to hash inside one (orgs' TestNewUserNeverHashesInsideATransaction), so an accept
// that hashed inside would fail here.
func TestAcceptHashesThePasswordBeforeItsTransaction(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	res, err := invites.InviteAsOperator(app, org.ID, invites.Request{Rows: []invites.Row{{Email: "zoe@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	link := res.Results[0].Invitation.Link
	const password = "Zoë's own passphrase"
	u, err := invites.Accept(app, link[strings.LastIndex(link, "/")+1:], invites.Enrolment{GivenName: "Zoë", Password: password}, "")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := app.FindRecordById("users", u.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.ValidatePassword(password) || stored.ValidatePassword(password+"!") {
		t.Fatal("the stored password does not check the chosen one (and only it)")
	}
	if cost, err := bcrypt.Cost([]byte(stored.GetString("password:hash"))); err != nil || cost < bcrypt.DefaultCost {
		t.Fatalf("bcrypt cost %d, %v", cost, err)
	}
	c := testapp.Serve(t, app)
	if tok, r := c.SignIn("zoe@example.org", password); tok == "" {
		t.Fatalf("sign-in with the chosen password: %d %s", r.Status, r.Raw)
	}
	if _, r := c.SignIn("zoe@example.org", "not the password"); r.Status != 400 {
		t.Fatalf("sign-in with another password: %d %s", r.Status, r.Raw)
	}
}
