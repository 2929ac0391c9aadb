// Package content owns the organisation's shared resources: items (maps, datasets,
// apps), groups, and licences with their assignments. Every entry point takes the
// acting member first, asks internal/access, and scopes every read to the actor's
// organisation, so another organisation's ids are simply not found (404).
//
// # Who may do what
//
//   - Creating an item or a group needs content.create (a creator or professional).
//   - A member sees their own items, the items shared with the organisation, and the
//     items shared with groups they belong to (a group's owner belongs to it).
//   - An item or a group is edited and deleted by its owner, and, for moderation, by
//     whoever may remove its owner (access members.remove on the owner: the owner of
//     the organisation on anyone's content, an administrator on members' content).
//     Removal may already delete that content, so moderation grants no new power.
//   - A group's members are managed by whoever may edit the group; any member may take
//     themselves out of a group. A group's owner is always one of its members.
//   - Adding a member to a shared-update group needs a user type that can edit shared
//     content (409 cannot_edit_shared).
//   - Licences are defined by owners and administrators (licenses.manage) and assigned
//     or revoked with licenses.assign / licenses.revoke on each member.
//
// Every change is one transaction with its audit row. Handover (handover.go) is what
// member removal uses to transfer or delete a member's content and revoke their licences.
package content

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/people"
)

// MaxBatch is the most members one assign, revoke or group-membership request takes.
const MaxBatch = 100

// Ref names a related record: a member, an item, a group or a licence.
type Ref struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind,omitempty"` // items: map, dataset, app
	Code  string `json:"code,omitempty"` // licences
}

// Result is what happened, or would have happened, to one member of a batch (licence
// assignment, group membership). OK with code "unchanged" means nothing was needed.
type Result struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Outcome lists a result per distinct member, in the order asked, and how many changed.
type Outcome struct {
	Results []Result `json:"results"`
	Changed int      `json:"changed"`
}

// ErrUnchanged is a batch's Check for a member the change would leave as they are.
var ErrUnchanged = errors.New("unchanged")

// checkEach runs check on each member of ids, in order: a result per id (not_found for
// the ids ps lacks; OK with code "unchanged" for ErrUnchanged), the refusal at each
// place (nil where none), and the members check accepted.
func checkEach(ids []string, ps map[string]person, check func(person) error) ([]Result, []*fail.Error, []person, error) {
	results := make([]Result, len(ids))
	errs := make([]*fail.Error, len(ids))
	var todo []person
	for i, id := range ids {
		results[i] = Result{ID: id, OK: true}
		p, ok := ps[id]
		err := error(fail.NotFound("Member not found."))
		if ok {
			err = check(p)
		}
		switch e, isFail := fail.As(err); {
		case err == nil:
			todo = append(todo, p)
		case errors.Is(err, ErrUnchanged):
			results[i].Code = "unchanged"
		case isFail:
			results[i], errs[i] = Result{ID: id, Code: e.Code, Message: e.Message}, e
		default:
			return nil, nil, nil, err
		}
	}
	return results, errs, todo, nil
}

// refused turns the first refused result of a batch into the request's error, with
// every result in its details: a batch is all or nothing. nil when none was refused.
func refused(results []Result, errs []*fail.Error) error {
	for i, r := range results {
		if r.OK {
			continue
		}
		first := errs[i]
		return &fail.Error{Kind: first.Kind, Code: first.Code,
			Message: first.Message + " Nothing was changed.",
			Details: map[string]any{"results": results, "changed": 0}}
	}
	return nil
}

// person is a membership of the actor's organisation and its account.
type person = *people.Person

// names answers the display names of memberships, in one query.
func names(app core.App, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var rows []struct {
		ID       string `db:"id"`
		Given    string `db:"givenName"`
		Family   string `db:"familyName"`
		Username string `db:"username"`
	}
	err := app.DB().Select("m.id AS id", "u.givenName AS givenName", "u.familyName AS familyName", "u.username AS username").
		From("memberships m").InnerJoin("users u", dbx.NewExp("u.id = m.user")).
		Where(dbx.In("m.id", in...)).All(&rows)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = people.FullName(r.Given, r.Family, r.Username)
	}
	return out, nil
}

// find loads one record of a collection of the actor's organisation, or 404.
func find(app core.App, collection, org, id, what string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter(collection, "id = {:id} && org = {:org}", dbx.Params{"id": id, "org": org})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound(what + " not found.")
	}
	return r, err
}

// moderates reports whether a may edit or delete content owned by membership owner:
// its owner, or whoever may remove the owner (see the package documentation).
func moderates(app core.App, a access.Actor, owner string) (bool, error) {
	if owner == a.ID {
		return true, nil
	}
	m, err := app.FindRecordById("memberships", owner)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	target := people.Of(m)
	return access.Can(a.Member, access.MembersRemove, &target) == nil, nil
}

// moderation answers moderates for many owners, asking once per owner.
type moderation struct {
	app  core.App
	a    access.Actor
	seen map[string]bool
}

func (m *moderation) of(owner string) (bool, error) {
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if can, ok := m.seen[owner]; ok {
		return can, nil
	}
	can, err := moderates(m.app, m.a, owner)
	m.seen[owner] = can
	return can, err
}

// distinct drops empty and repeated ids, keeping the first occurrence's place.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// anys turns ids into the arguments of dbx.In.
func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
