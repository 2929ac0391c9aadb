// Package members owns what an organisation knows about its members: who is acting, the
// member list and directory, profiles, disable/enable, user types, roles, removal and
// bulk actions. Every entry point takes the acting member first and asks internal/access.
package members

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/people"
)

// Restrictions a session can carry until the member fixes them.
const (
	PasswordChangeRequired = "password_change_required"
	MfaEnrollmentRequired  = "mfa_enrollment_required"
)

// Actor is a signed-in member: the policy's view plus what services need to record it.
type Actor struct {
	access.Member
	Org          string
	User         *core.Record
	Membership   *core.Record
	Label        string
	Restrictions []string
}

// MembershipOf returns the user's membership, or a 404 when the account has none.
func MembershipOf(app core.App, userID string) (*core.Record, error) {
	m, err := app.FindFirstRecordByData("memberships", "user", userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound("This account belongs to no organisation.")
	}
	return m, err
}

// ActorFor loads the acting member for a signed-in user, with the restrictions that
// apply to the session (password change, MFA enrolment).
func ActorFor(app core.App, user *core.Record) (*Actor, error) {
	m, err := MembershipOf(app, user.Id)
	if err != nil {
		return nil, err
	}
	var mfaRequired bool // all ActorFor needs of the organisation
	err = app.DB().NewQuery("SELECT mfaRequired FROM organizations WHERE id = {:id}").
		Bind(dbx.Params{"id": m.GetString("org")}).Row(&mfaRequired)
	if err != nil {
		return nil, err
	}
	a := &Actor{
		Member:     people.Of(m),
		Org:        m.GetString("org"),
		User:       user,
		Membership: m,
		Label:      people.Label(user.GetString("givenName"), user.GetString("familyName"), user.Email()),
	}
	if user.GetBool("mustChangePassword") {
		a.Restrictions = append(a.Restrictions, PasswordChangeRequired)
	}
	if mfaRequired && !user.GetBool("totpEnabled") {
		a.Restrictions = append(a.Restrictions, MfaEnrollmentRequired)
	}
	return a, nil
}
