// Package doctor checks a Roster instance: SQLite's own integrity checks, every data
// invariant of the data model (one owner per organisation, seats = members = ledger =
// subscription cache, one read-model row per membership, member counters = a count of
// the member index, accepted invitations point to a member), the audit hash chains and
// orphan files; and that every role is allowed by its user type, no disabled member keeps
// partner access, no subscription bills more seats than its plan allows and every account
// has a membership (docs/reliability.md §5). It only reads.
package doctor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/billing"
)

// Check is the outcome of one check: OK, or the problems found.
type Check struct {
	Name     string
	Checked  int      // what was examined (rows, organisations, files)
	Problems []string // empty when OK
}

// OK says the check found nothing wrong.
func (c Check) OK() bool { return len(c.Problems) == 0 }

// maxShown caps the problems printed per check; the count is always given.
const maxShown = 20

func (c Check) String() string {
	if c.OK() {
		return fmt.Sprintf("OK    %s (%d checked)", c.Name, c.Checked)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL  %s: %d problem(s)", c.Name, len(c.Problems))
	for i, p := range c.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "\n        … and %d more", len(c.Problems)-maxShown)
			break
		}
		fmt.Fprintf(&b, "\n        - %s", p)
	}
	return b.String()
}

// Report is every check, in order.
type Report struct{ Checks []Check }

// Problems counts the problems over all checks.
func (r Report) Problems() int {
	n := 0
	for _, c := range r.Checks {
		n += len(c.Problems)
	}
	return n
}

// OK says every check passed.
func (r Report) OK() bool { return r.Problems() == 0 }

// Write prints one line per check (and one per problem) and a summary line.
func (r Report) Write(w io.Writer) {
	for _, c := range r.Checks {
		fmt.Fprintln(w, c)
	}
	if r.OK() {
		fmt.Fprintf(w, "doctor: %d checks passed\n", len(r.Checks))
	} else {
		failed := 0
		for _, c := range r.Checks {
			if !c.OK() {
				failed++
			}
		}
		fmt.Fprintf(w, "doctor: %d of %d checks failed, %d problem(s)\n", failed, len(r.Checks), r.Problems())
	}
}

// Run performs every check. An error means a check could not run at all (the
// database is unreadable), not that it found a problem.
func Run(app core.App) (Report, error) {
	var rep Report
	for _, f := range []func(core.App) (Check, error){
		integrity, foreignKeys, owners, seats, readModels, memberCounters, invitations, auditChains, orphanFiles,
		creditPools, roleUserTypes, disabledPartners, planSeats, accountsWithoutMembership,
	} {
		c, err := f(app)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", c.Name, err)
		}
		rep.Checks = append(rep.Checks, c)
	}
	return rep, nil
}

func integrity(app core.App) (Check, error) {
	c := Check{Name: "sqlite integrity_check"}
	var rows []string
	if err := app.DB().NewQuery("PRAGMA integrity_check").Column(&rows); err != nil {
		return c, err
	}
	c.Checked = 1
	if len(rows) != 1 || rows[0] != "ok" {
		c.Problems = rows
	}
	return c, nil
}

func foreignKeys(app core.App) (Check, error) {
	c := Check{Name: "sqlite foreign_key_check"}
	var rows []struct {
		Table  string `db:"table"`
		RowID  *int64 `db:"rowid"`
		Parent string `db:"parent"`
	}
	if err := app.DB().NewQuery("PRAGMA foreign_key_check").All(&rows); err != nil {
		return c, err
	}
	c.Checked = 1
	for _, r := range rows {
		id := "?"
		if r.RowID != nil {
			id = fmt.Sprint(*r.RowID)
		}
		c.Problems = append(c.Problems, fmt.Sprintf("%s row %s refers to a missing %s row", r.Table, id, r.Parent))
	}
	return c, nil
}

type org struct {
	ID   string `db:"id"`
	Slug string `db:"slug"`
}

func orgsOf(app core.App) ([]org, error) {
	var out []org
	err := app.DB().NewQuery("SELECT id, slug FROM organizations ORDER BY slug").All(&out)
	return out, err
}

// slugsOf maps each organisation's id to its slug.
func slugsOf(app core.App) (map[string]string, error) {
	all, err := orgsOf(app)
	slugs := make(map[string]string, len(all))
	for _, o := range all {
		slugs[o.ID] = o.Slug
	}
	return slugs, err
}

func owners(app core.App) (Check, error) {
	c := Check{Name: "exactly one active owner per organisation"}
	var rows []struct {
		Slug   string `db:"slug"`
		Owners int    `db:"owners"`
		Active int    `db:"active"`
	}
	err := app.DB().NewQuery(`SELECT o.slug AS slug,
		(SELECT count(*) FROM memberships m WHERE m.org = o.id AND m.role = 'owner') AS owners,
		(SELECT count(*) FROM memberships m WHERE m.org = o.id AND m.role = 'owner' AND m.status = 'active') AS active
		FROM organizations o ORDER BY o.slug`).All(&rows)
	if err != nil {
		return c, err
	}
	c.Checked = len(rows)
	for _, r := range rows {
		switch {
		case r.Owners != 1:
			c.Problems = append(c.Problems, fmt.Sprintf("org %s has %d owners", r.Slug, r.Owners))
		case r.Active != 1:
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: its owner is not active", r.Slug))
		}
	}
	return c, nil
}

func seats(app core.App) (Check, error) {
	c := Check{Name: "billed seats = members = ledger replay = subscription cache"}
	all, err := orgsOf(app)
	if err != nil {
		return c, err
	}
	c.Checked = len(all)
	for _, o := range all {
		problems, err := billing.Verify(app, o.ID)
		if err != nil {
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: %v", o.Slug, err))
			continue
		}
		for _, p := range problems {
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: %s", o.Slug, p))
		}
	}
	return c, nil
}

// readModels checks memberIndex and membersSearch (kept by triggers): exactly one row
// per membership, none for a membership that no longer exists.
func readModels(app core.App) (Check, error) {
	c := Check{Name: "one memberIndex and one membersSearch row per membership"}
	var ids []string
	if err := app.DB().NewQuery("SELECT id FROM memberships ORDER BY id").Column(&ids); err != nil {
		return c, err
	}
	c.Checked = len(ids)
	for _, table := range []string{"memberIndex", "membersSearch"} {
		var rows []struct {
			Membership string `db:"membership"`
			N          int    `db:"n"`
		}
		if err := app.DB().NewQuery("SELECT membership, count(*) AS n FROM " + table + " GROUP BY membership").All(&rows); err != nil {
			return c, err
		}
		count := make(map[string]int, len(rows))
		for _, r := range rows {
			count[r.Membership] = r.N
		}
		var missing, doubled []string
		for _, id := range ids {
			switch n := count[id]; {
			case n == 0:
				missing = append(missing, id)
			case n > 1:
				doubled = append(doubled, fmt.Sprintf("%s (%d rows)", id, n))
			}
			delete(count, id)
		}
		stale := make([]string, 0, len(count))
		for id := range count {
			stale = append(stale, id)
		}
		sort.Strings(stale)
		if len(missing) > 0 {
			c.Problems = append(c.Problems, fmt.Sprintf("%d membership(s) without a %s row: %s", len(missing), table, ids10(missing)))
		}
		if len(doubled) > 0 {
			c.Problems = append(c.Problems, fmt.Sprintf("%d membership(s) with several %s rows: %s", len(doubled), table, ids10(doubled)))
		}
		if len(stale) > 0 {
			c.Problems = append(c.Problems, fmt.Sprintf("%d %s row(s) for no membership: %s", len(stale), table, ids10(stale)))
		}
	}
	return c, nil
}

// memberCounters checks the member counters (memberCounts, kept by triggers on
// memberIndex; the member list's totals) against a count of memberIndex, key by key:
// organisation, role, user type, status, partner access, signed in once or never.
func memberCounters(app core.App) (Check, error) {
	c := Check{Name: "member counters = memberIndex"}
	var rows []struct {
		Org      string `db:"org"`
		Role     string `db:"role"`
		UserType string `db:"userType"`
		Status   string `db:"status"`
		Partner  string `db:"partnerAccess"`
		SignedIn string `db:"signedIn"`
		Counted  int    `db:"counted"`
		Indexed  int    `db:"indexed"`
	}
	err := app.DB().NewQuery(`SELECT org, role, userType, status, partnerAccess, signedIn,
			SUM(counted) AS counted, SUM(indexed) AS indexed
		FROM (SELECT org, role, userType, status, partnerAccess, signedIn, n AS counted, 0 AS indexed FROM memberCounts
			UNION ALL
			SELECT org, role, userType, status, partnerAccess, lastLogin != '', 0, count(*) FROM memberIndex
			GROUP BY org, role, userType, status, partnerAccess, lastLogin != '')
		GROUP BY org, role, userType, status, partnerAccess, signedIn
		ORDER BY org, role, userType, status, partnerAccess, signedIn`).All(&rows)
	if err != nil {
		return c, err
	}
	slugs, err := slugsOf(app)
	if err != nil {
		return c, err
	}
	c.Checked = len(rows)
	for _, r := range rows {
		if r.Counted == r.Indexed {
			continue
		}
		org := slugs[r.Org]
		if org == "" {
			org = r.Org
		}
		c.Problems = append(c.Problems, fmt.Sprintf("org %s, %s %s %s, partner access %s, signed in %s: counter %d, memberIndex %d",
			org, r.Role, r.UserType, r.Status, r.Partner, r.SignedIn, r.Counted, r.Indexed))
	}
	return c, nil
}

// ids10 lists up to ten ids.
func ids10(ids []string) string {
	if len(ids) <= 10 {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:10], ", ") + fmt.Sprintf(" … (%d more)", len(ids)-10)
}

// invitations: an accepted invitation's acceptedBy is a membership of its organisation,
// or one whose removal (members.remove or org.leave) the audit log records.
func invitations(app core.App) (Check, error) {
	c := Check{Name: "accepted invitations point to a member (or a recorded removal)"}
	var rows []struct {
		ID         string `db:"id"`
		Email      string `db:"email"`
		AcceptedBy string `db:"acceptedBy"`
		Member     int    `db:"member"`
		Removed    int    `db:"removed"`
	}
	err := app.DB().NewQuery(`SELECT i.id AS id, i.email AS email, COALESCE(i.acceptedBy, '') AS acceptedBy,
		EXISTS (SELECT 1 FROM memberships m WHERE m.id = i.acceptedBy AND m.org = i.org) AS member,
		EXISTS (SELECT 1 FROM auditLog a WHERE a.org = i.org AND a.targetId = i.acceptedBy
			AND a.action IN ('members.remove', 'org.leave')) AS removed
		FROM invitations i WHERE i.status = 'accepted' ORDER BY i.id`).All(&rows)
	if err != nil {
		return c, err
	}
	c.Checked = len(rows)
	for _, r := range rows {
		switch {
		case r.AcceptedBy == "":
			c.Problems = append(c.Problems, fmt.Sprintf("invitation %s (%s) is accepted by nobody", r.ID, r.Email))
		case r.Member == 0 && r.Removed == 0:
			c.Problems = append(c.Problems, fmt.Sprintf("invitation %s (%s) was accepted by membership %s, which neither exists nor was removed", r.ID, r.Email, r.AcceptedBy))
		}
	}
	return c, nil
}

func auditChains(app core.App) (Check, error) {
	c := Check{Name: "audit hash chains (keyed) and their sealed heads"}
	reports, err := audit.VerifyAll(app)
	if err != nil {
		return c, err
	}
	slugs, _ := slugsOf(app) // without them, organisations are named by id
	for _, r := range reports {
		c.Checked += r.Rows
		if !r.OK {
			name := r.Org
			if s := slugs[r.Org]; s != "" {
				name = s
			} else if name == "" {
				name = "(instance)"
			}
			c.Problems = append(c.Problems, fmt.Sprintf("org %s: chain broken at row %d: %s", name, r.BrokeAt, r.Reason))
		}
	}
	return c, nil
}

// orphanFiles finds directories under <dataDir>/storage/<collection>/<record> whose
// collection or record no longer exists.
func orphanFiles(app core.App) (Check, error) {
	c := Check{Name: "no orphan files in storage"}
	root := filepath.Join(app.DataDir(), "storage")
	cols, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	for _, cd := range cols {
		if !cd.IsDir() {
			continue
		}
		recs, err := os.ReadDir(filepath.Join(root, cd.Name()))
		if err != nil {
			return c, err
		}
		col, err := app.FindCachedCollectionByNameOrId(cd.Name())
		if err != nil {
			c.Checked += len(recs)
			c.Problems = append(c.Problems, fmt.Sprintf("storage/%s: %d record folder(s) of a collection that no longer exists", cd.Name(), len(recs)))
			continue
		}
		for _, rd := range recs {
			if !rd.IsDir() {
				continue
			}
			c.Checked++
			var n int
			if err := app.DB().Select("count(*)").From(col.Name).Where(dbx.HashExp{"id": rd.Name()}).Row(&n); err != nil {
				return c, err
			}
			if n == 0 {
				c.Problems = append(c.Problems, fmt.Sprintf("storage/%s/%s: files of a deleted %s record", cd.Name(), rd.Name(), col.Name))
			}
		}
	}
	return c, nil
}
