package doctor

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
)

// count runs a SELECT count(*) query: what a check examined.
func count(app core.App, query string) (int, error) {
	var n int
	err := app.DB().NewQuery(query).Row(&n)
	return n, err
}

// membershipRow is a membership named by its organisation's slug (its id when the
// organisation is gone: foreign_key_check reports that).
type membershipRow struct {
	ID       string `db:"id"`
	Slug     string `db:"slug"`
	Role     string `db:"role"`
	UserType string `db:"userType"`
}

const membershipRows = `SELECT m.id AS id, COALESCE(o.slug, m.org) AS slug, m.role AS role, m.userType AS userType
	FROM memberships m LEFT JOIN organizations o ON o.id = m.org `

// roleUserTypes checks that every membership's role is one its user type allows. The
// allowed pairs come from the policy (access.UserType.Allows), so the query returns only
// the memberships holding any other pair, unknown roles and types included.
func roleUserTypes(app core.App) (Check, error) {
	c := Check{Name: "every role is allowed by its user type"}
	params := dbx.Params{}
	var allowed []string
	for _, t := range access.UserTypes {
		for _, r := range access.Roles {
			if t.Allows(r) {
				k := "p" + strconv.Itoa(len(allowed))
				params[k] = string(r) + "/" + string(t)
				allowed = append(allowed, "{:"+k+"}")
			}
		}
	}
	var rows []membershipRow
	err := app.DB().NewQuery(membershipRows + `WHERE m.role || '/' || m.userType NOT IN (` + strings.Join(allowed, ", ") + `)
		ORDER BY slug, m.id`).Bind(params).All(&rows)
	if err != nil {
		return c, err
	}
	if c.Checked, err = count(app, "SELECT count(*) FROM memberships"); err != nil {
		return c, err
	}
	for _, r := range rows {
		c.Problems = append(c.Problems, fmt.Sprintf("org %s: membership %s has role %s, which user type %s does not allow", r.Slug, r.ID, r.Role, r.UserType))
	}
	return c, nil
}

// disabledPartners checks that no disabled member keeps partner access (disabling a
// member turns it off: members.Disable).
func disabledPartners(app core.App) (Check, error) {
	c := Check{Name: "no partner access on disabled members"}
	var rows []membershipRow
	err := app.DB().NewQuery(membershipRows + `WHERE m.status = 'disabled' AND m.partnerAccess = 1 ORDER BY slug, m.id`).All(&rows)
	if err != nil {
		return c, err
	}
	if c.Checked, err = count(app, "SELECT count(*) FROM memberships WHERE status = 'disabled'"); err != nil {
		return c, err
	}
	for _, r := range rows {
		c.Problems = append(c.Problems, fmt.Sprintf("org %s: membership %s is disabled but keeps partner access", r.Slug, r.ID))
	}
	return c, nil
}

// planSeats checks that no subscription bills more seats (billing.BilledSeats) than its
// plan's maxSeats (0 = unlimited).
func planSeats(app core.App) (Check, error) {
	c := Check{Name: "billed seats ≤ plan seats"}
	subs, err := app.FindAllRecords("subscriptions")
	if err != nil {
		return c, err
	}
	var plans []struct {
		ID       string `db:"id"`
		MaxSeats int    `db:"maxSeats"`
	}
	if err := app.DB().NewQuery("SELECT id, CAST(maxSeats AS INTEGER) AS maxSeats FROM plans").All(&plans); err != nil {
		return c, err
	}
	maxSeats := make(map[string]int, len(plans))
	for _, p := range plans {
		maxSeats[p.ID] = p.MaxSeats
	}
	slugs, err := slugsOf(app)
	if err != nil {
		return c, err
	}
	c.Checked = len(subs)
	for _, s := range subs {
		slug := slugs[s.GetString("org")]
		if slug == "" {
			slug = s.GetString("org")
		}
		max, ok := maxSeats[s.GetString("plan")]
		if !ok {
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: its subscription's plan %s does not exist", slug, s.GetString("plan")))
			continue
		}
		if billed := billing.BilledSeats(s); max > 0 && billed > max {
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: %d billed seats, plan maxSeats %d", slug, billed, max))
		}
	}
	return c, nil
}

// accountsWithoutMembership checks that every account (users; superusers are another
// collection) belongs to at least one organisation: members.Remove deletes the account
// with its membership.
func accountsWithoutMembership(app core.App) (Check, error) {
	c := Check{Name: "every account has a membership"}
	var rows []struct {
		ID    string `db:"id"`
		Email string `db:"email"`
	}
	err := app.DB().NewQuery(`SELECT u.id AS id, u.email AS email FROM users u
		WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user = u.id) ORDER BY u.id`).All(&rows)
	if err != nil {
		return c, err
	}
	if c.Checked, err = count(app, "SELECT count(*) FROM users"); err != nil {
		return c, err
	}
	for _, r := range rows {
		c.Problems = append(c.Problems, fmt.Sprintf("user %s (%s) has no membership", r.ID, r.Email))
	}
	return c, nil
}
