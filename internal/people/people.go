// Package people loads the members an action is about: memberships of one organisation
// with their accounts, in two queries whatever their number. The services that act on
// members (internal/members, internal/content) share this one type and loader.
package people

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
)

// Person is a membership (M) and its account (U).
type Person struct {
	M, U *core.Record
}

// Policy is what the policy knows of the person (access.Can's target).
func (p *Person) Policy() access.Member { return Of(p.M) }

// Label names the person in the audit log (Label).
func (p *Person) Label() string {
	return Label(p.U.GetString("givenName"), p.U.GetString("familyName"), p.U.Email())
}

// Label is how the audit log names someone: "Given Family <email>", or the address alone.
func Label(given, family, email string) string {
	name := strings.TrimSpace(given + " " + family)
	if name == "" {
		return email
	}
	return name + " <" + email + ">"
}

// Name is how the person is called in sentences and mails (Name).
func (p *Person) Name() string { return Name(p.U) }

// Of is what the policy knows of membership m.
func Of(m *core.Record) access.Member {
	return access.Member{
		ID:       m.Id,
		Role:     access.Role(m.GetString("role")),
		UserType: access.UserType(m.GetString("userType")),
		Status:   access.Status(m.GetString("status")),
	}
}

// Name is account u's display name (FullName).
func Name(u *core.Record) string {
	return FullName(u.GetString("givenName"), u.GetString("familyName"), u.GetString("username"))
}

// FullName is how Roster names someone: given and family names, else the username.
func FullName(given, family, username string) string {
	if n := strings.TrimSpace(given + " " + family); n != "" {
		return n
	}
	return username
}

// Load reads the memberships of org with the given ids and their accounts. Ids that are
// unknown or of another organisation are left out.
func Load(app core.App, org string, ids []string) (map[string]*Person, error) {
	out := make(map[string]*Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	ms, err := app.FindAllRecords("memberships", dbx.In("id", in...), dbx.HashExp{"org": org})
	if err != nil {
		return nil, err
	}
	userIDs := make([]string, len(ms))
	for i, m := range ms {
		userIDs[i] = m.GetString("user")
	}
	us, err := app.FindRecordsByIds("users", userIDs)
	if err != nil {
		return nil, err
	}
	users := make(map[string]*core.Record, len(us))
	for _, u := range us {
		users[u.Id] = u
	}
	for _, m := range ms {
		if u, ok := users[m.GetString("user")]; ok {
			out[m.Id] = &Person{M: m, U: u}
		}
	}
	return out, nil
}

// One loads one membership of org and its account, or 404.
func One(app core.App, org, id string) (*Person, error) {
	ps, err := Load(app, org, []string{id})
	if err != nil {
		return nil, err
	}
	p, ok := ps[id]
	if !ok {
		return nil, fail.NotFound("Member not found.")
	}
	return p, nil
}

// MembershipOf returns the user's membership, or a 404 when the account has none.
func MembershipOf(app core.App, userID string) (*core.Record, error) {
	m, err := app.FindFirstRecordByData("memberships", "user", userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound("This account belongs to no organisation.")
	}
	return m, err
}
