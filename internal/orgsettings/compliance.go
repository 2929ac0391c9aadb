package orgsettings

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/paging"
)

// Compliance summarises who has not set up two-factor sign-in: the active members who
// would be asked to enrol at their next request once MFA is required (disabled members
// cannot sign in; they would be asked when enabled again).
type Compliance struct {
	Members    int      `json:"members"`    // active members
	WithoutMfa int      `json:"withoutMfa"` // of whom without two-factor sign-in
	You        bool     `json:"you"`        // the viewer is one of them
	Sample     []Person `json:"sample"`     // the first SampleSize of them, by name
}

// SampleSize is how many non-compliant members the settings answer names.
const SampleSize = 10

// Person is a member who has not set up two-factor sign-in.
type Person struct {
	ID        string `json:"id"` // membership
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	UserType  string `json:"userType"`
	LastLogin string `json:"lastLogin"`
}

// MfaCompliance lists, a page at a time and by name, the active members without
// two-factor sign-in: those whom requiring MFA would stop until they enrol.
// Access: org.settings. Errors: 403 from the policy (r is bounded by paging.Parse).
func MfaCompliance(app core.App, actor access.Actor, r paging.Request) (*paging.Page[Person], error) {
	if err := access.Can(actor.Member, access.OrgSettings, nil); err != nil {
		return nil, err
	}
	people, err := withoutMfa(app, actor.Org, r.Limit(), r.Offset())
	if err != nil {
		return nil, err
	}
	_, total, err := countWithoutMfa(app, actor.Org)
	if err != nil {
		return nil, err
	}
	p := paging.Of(r, total, people)
	return &p, nil
}

func summary(app core.App, actor access.Actor) (Compliance, error) {
	c := Compliance{}
	var err error
	if c.Members, c.WithoutMfa, err = countWithoutMfa(app, actor.Org); err != nil {
		return c, err
	}
	if c.Sample, err = withoutMfa(app, actor.Org, SampleSize, 0); err != nil {
		return c, err
	}
	if actor.Status != access.Active || actor.User == "" {
		return c, nil
	}
	u, err := app.FindRecordById("users", actor.User)
	if err != nil {
		return c, err
	}
	c.You = !u.GetBool("totpEnabled")
	return c, nil
}

// The member index gives the org's active members in name order through its indexes;
// totpEnabled is hidden on users and read there, one primary-key lookup per member.
const withoutMfaFrom = ` FROM memberIndex x CROSS JOIN users u ON u.id = x.user
	WHERE x.org = {:org} AND x.status = 'active' AND NOT u.totpEnabled`

// countWithoutMfa counts the org's active members, and those of them without two-factor
// sign-in: the active ones less those with it,
// found from the accounts' partial index idx_users_totpEnabled: it reads as many rows as
// there are accounts with TOTP, not as many as there are members.
func countWithoutMfa(app core.App, org string) (active, without int, err error) {
	var with int
	err = app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM memberIndex WHERE org = {:org} AND status = 'active'),
		(SELECT count(*) FROM users u INDEXED BY idx_users_totpEnabled CROSS JOIN memberIndex x ON x.user = u.id
			WHERE u.totpEnabled = TRUE AND x.org = {:org} AND x.status = 'active')`).
		Bind(dbx.Params{"org": org}).Row(&active, &with)
	return active, active - with, err
}

func withoutMfa(app core.App, org string, limit, offset int) ([]Person, error) {
	var rows []struct {
		ID         string `db:"id"`
		GivenName  string `db:"givenName"`
		FamilyName string `db:"familyName"`
		Username   string `db:"username"`
		Email      string `db:"email"`
		Role       string `db:"role"`
		UserType   string `db:"userType"`
		LastLogin  string `db:"lastLogin"`
	}
	err := app.DB().NewQuery(`SELECT x.membership AS id, u.givenName AS givenName, u.familyName AS familyName,
		u.username AS username, u.email AS email, x.role AS role, x.userType AS userType, u.lastLogin AS lastLogin` +
		withoutMfaFrom + ` ORDER BY x.sortName, x.membership LIMIT {:limit} OFFSET {:offset}`).
		Bind(dbx.Params{"org": org, "limit": limit, "offset": offset}).All(&rows)
	out := make([]Person, 0, len(rows))
	for _, r := range rows {
		name := strings.TrimSpace(r.GivenName + " " + r.FamilyName)
		if name == "" {
			name = r.Username
		}
		out = append(out, Person{ID: r.ID, Name: name, Email: r.Email, Role: r.Role, UserType: r.UserType, LastLogin: r.LastLogin})
	}
	return out, err
}
