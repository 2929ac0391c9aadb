// Package members owns what an organisation knows about its members: who is acting, the
// member list and directory, profiles, disable/enable, user types, roles, removal and
// bulk actions. Every entry point takes the acting member first and asks internal/access.
package members

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/people"
)

// Restrictions a session can carry until the member fixes them.
const (
	PasswordChangeRequired = "password_change_required"
	MfaEnrollmentRequired  = "mfa_enrollment_required"
)

// Session is a signed-in account: the actor it acts as, its records, and the
// restrictions the session carries until the member lifts them.
type Session struct {
	access.Actor
	User         *core.Record
	Membership   *core.Record
	Restrictions []string
}

// SessionOf loads the session of a signed-in user: the member they act as, with the
// restrictions that apply (password change, MFA enrolment). The caller sets the IP.
func SessionOf(app core.App, user *core.Record) (*Session, error) {
	m, err := people.MembershipOf(app, user.Id)
	if err != nil {
		return nil, err
	}
	var mfaRequired bool // all SessionOf needs of the organisation
	err = app.DB().NewQuery("SELECT mfaRequired FROM organizations WHERE id = {:id}").
		Bind(dbx.Params{"id": m.GetString("org")}).Row(&mfaRequired)
	if err != nil {
		return nil, err
	}
	a := &Session{
		Actor: access.Actor{
			Member: people.Of(m),
			Org:    m.GetString("org"),
			User:   user.Id,
			Name:   people.Name(user),
			Label:  people.Label(user.GetString("givenName"), user.GetString("familyName"), user.Email()),
		},
		User:       user,
		Membership: m,
	}
	if user.GetBool("mustChangePassword") {
		a.Restrictions = append(a.Restrictions, PasswordChangeRequired)
	}
	if mfaRequired && !user.GetBool("totpEnabled") {
		a.Restrictions = append(a.Restrictions, MfaEnrollmentRequired)
	}
	return a, nil
}
