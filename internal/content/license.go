package content

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
	"roster/internal/people"
)

// License is a licence as its managers see it: Seats 0 means unlimited; Assigned is
// how many members hold it.
type License struct {
	ID              string            `json:"id"`
	Code            string            `json:"code"`
	Name            string            `json:"name"`
	CompatibleTypes []access.UserType `json:"compatibleTypes"`
	Seats           int               `json:"seats"`
	Assigned        int               `json:"assigned"`
}

// LicenseInput is a licence to create, or the fields of one to change (nil = unchanged).
type LicenseInput struct {
	Code            *string   `json:"code"`
	Name            *string   `json:"name"`
	CompatibleTypes *[]string `json:"compatibleTypes"`
	Seats           *int      `json:"seats"`
}

var licenseCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$`)

// MaxLicenseSeats bounds a licence's seats.
const MaxLicenseSeats = 1_000_000

// validate checks the fields present (all of them when creating) and normalises them:
// trimmed text, compatible types deduplicated in the order of access.UserTypes.
func (in *LicenseInput) validate(creating bool) error {
	if creating {
		if in.Code == nil {
			in.Code = new(string)
		}
		if in.Name == nil {
			in.Name = new(string)
		}
		if in.CompatibleTypes == nil {
			in.CompatibleTypes = &[]string{}
		}
		if in.Seats == nil {
			in.Seats = new(int)
		}
	}
	if in.Code != nil {
		*in.Code = strings.TrimSpace(*in.Code)
		if !licenseCode.MatchString(*in.Code) {
			return fail.Invalid("code", "invalid_code", "A code is 1 to 60 letters, digits, dots, dashes or underscores.")
		}
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		if *in.Name == "" || utf8.RuneCountInString(*in.Name) > 200 {
			return fail.Invalid("name", "length", "A name is 1 to 200 characters.")
		}
	}
	if in.CompatibleTypes != nil {
		var out []string
		for _, t := range access.UserTypes {
			if slices.Contains(*in.CompatibleTypes, string(t)) {
				out = append(out, string(t))
			}
		}
		for _, t := range *in.CompatibleTypes {
			if !access.UserType(t).Valid() {
				return fail.Invalid("compatibleTypes", "invalid_choice", "Choose among: viewer, contributor, creator, professional.")
			}
		}
		if len(out) == 0 {
			return fail.Invalid("compatibleTypes", "required", "Choose at least one user type that can use this licence.")
		}
		*in.CompatibleTypes = out
	}
	if in.Seats != nil && (*in.Seats < 0 || *in.Seats > MaxLicenseSeats) {
		return fail.Invalid("seats", "invalid_number", fmt.Sprintf("Seats are 0 (unlimited) to %d.", MaxLicenseSeats))
	}
	return nil
}

// compatible reads a licence's compatibleTypes (anything unreadable is none).
func compatible(l *core.Record) []access.UserType {
	var ts []access.UserType
	_ = json.Unmarshal([]byte(l.GetString("compatibleTypes")), &ts) // unreadable: compatible with nothing
	if ts == nil {
		ts = []access.UserType{}
	}
	return ts
}

func (l License) same(o License) bool {
	return l.Code == o.Code && l.Name == o.Name && l.Seats == o.Seats && slices.Equal(l.CompatibleTypes, o.CompatibleTypes)
}

func licenseOf(l *core.Record, assigned int) License {
	return License{ID: l.Id, Code: l.GetString("code"), Name: l.GetString("name"),
		CompatibleTypes: compatible(l), Seats: l.GetInt("seats"), Assigned: assigned}
}

func assignedCount(app core.App, license string) (int, error) {
	n, err := app.CountRecords("licenseAssignments", dbx.HashExp{"license": license})
	return int(n), err
}

// ListLicenses answers a page of the organisation's licences by name, with how many
// members hold each. Access: licenses.manage (owner, administrators).
func ListLicenses(app core.App, a access.Actor, p paging.Request) (*paging.Page[License], error) {
	if err := access.Can(a.Member, access.LicensesManage, nil); err != nil {
		return nil, err
	}
	var total int
	if err := app.DB().Select("count(*)").From("licenses").Where(dbx.HashExp{"org": a.Org}).Row(&total); err != nil {
		return nil, err
	}
	var rows []struct {
		ID       string `db:"id"`
		Assigned int    `db:"assigned"`
	}
	err := app.DB().NewQuery(`SELECT l.id AS id, (SELECT count(*) FROM licenseAssignments la WHERE la.license = l.id) AS assigned
		FROM licenses l WHERE l.org = {:org} ORDER BY l.name COLLATE NOCASE, l.code LIMIT {:limit} OFFSET {:offset}`).
		Bind(dbx.Params{"org": a.Org, "limit": p.Limit(), "offset": p.Offset()}).All(&rows)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	recs, err := app.FindRecordsByIds("licenses", ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]*core.Record{}
	for _, r := range recs {
		byID[r.Id] = r
	}
	items := make([]License, 0, len(rows))
	for _, r := range rows {
		items = append(items, licenseOf(byID[r.ID], r.Assigned))
	}
	page := paging.Of(p, total, items)
	return &page, nil
}

// CreateLicense defines a licence. Access: licenses.manage.
// Errors: 400 code, name, compatibleTypes, seats; 403; 409 code_taken.
func CreateLicense(app core.App, a access.Actor, in LicenseInput) (*License, error) {
	if err := access.Can(a.Member, access.LicensesManage, nil); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	var out License
	err := app.RunInTransaction(func(tx core.App) error {
		if err := codeFree(tx, a.Org, *in.Code, ""); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("licenses")
		if err != nil {
			return err
		}
		l := core.NewRecord(col)
		l.Load(map[string]any{"org": a.Org, "code": *in.Code, "name": *in.Name,
			"compatibleTypes": *in.CompatibleTypes, "seats": *in.Seats})
		if err := tx.Save(l); err != nil {
			return err
		}
		out = licenseOf(l, 0)
		return audit.Record(tx, a, access.LicensesCreate, "license", l.Id, *in.Name, map[string]any{"after": out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func codeFree(tx core.App, org, code, except string) error {
	n, err := tx.CountRecords("licenses", dbx.NewExp("org = {:org} AND code = {:code} AND id != {:id}",
		dbx.Params{"org": org, "code": code, "id": except}))
	if err != nil {
		return err
	}
	if n > 0 {
		return fail.Conflict("code_taken", "Another licence of the organisation already has this code.", map[string]any{"code": code})
	}
	return nil
}

// UpdateLicense changes the fields given of licence id. Access: licenses.manage.
// Errors: 400 per field; 403; 404; 409 code_taken, seats_below_assigned (fewer seats
// than members holding it), incompatible_assignments (a member holding it has a user
// type no longer compatible: revoke it first).
func UpdateLicense(app core.App, a access.Actor, id string, in LicenseInput) (*License, error) {
	if err := access.Can(a.Member, access.LicensesManage, nil); err != nil {
		return nil, err
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var out License
	err := app.RunInTransaction(func(tx core.App) error {
		l, err := find(tx, "licenses", a.Org, id, "Licence")
		if err != nil {
			return err
		}
		assigned, err := assignedCount(tx, l.Id)
		if err != nil {
			return err
		}
		before := licenseOf(l, assigned)
		if in.Code != nil {
			if err := codeFree(tx, a.Org, *in.Code, l.Id); err != nil {
				return err
			}
			l.Set("code", *in.Code)
		}
		if in.Name != nil {
			l.Set("name", *in.Name)
		}
		if in.Seats != nil {
			if *in.Seats > 0 && *in.Seats < assigned {
				return fail.Conflict("seats_below_assigned", fmt.Sprintf("%d members hold this licence: revoke some before lowering its seats.", assigned),
					map[string]any{"seats": *in.Seats, "assigned": assigned})
			}
			l.Set("seats", *in.Seats)
		}
		if in.CompatibleTypes != nil {
			kept, _ := json.Marshal(*in.CompatibleTypes)
			var n int
			err := tx.DB().NewQuery(`SELECT count(*) FROM licenseAssignments la JOIN memberships m ON m.id = la.membership
				WHERE la.license = {:l} AND m.userType NOT IN (SELECT value FROM json_each({:types}))`).
				Bind(dbx.Params{"l": l.Id, "types": string(kept)}).Row(&n)
			if err != nil {
				return err
			}
			if n > 0 {
				return fail.Conflict("incompatible_assignments",
					fmt.Sprintf("%d members holding this licence have a user type you are removing: revoke it from them first.", n),
					map[string]any{"members": n})
			}
			l.Set("compatibleTypes", *in.CompatibleTypes)
		}
		out = licenseOf(l, assigned)
		if out.same(before) {
			return nil
		}
		if err := tx.Save(l); err != nil {
			return err
		}
		return audit.Record(tx, a, access.LicensesUpdate, "license", l.Id, out.Name, map[string]any{"before": before, "after": out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteLicense deletes licence id and, with it, every assignment of it (the audit row
// counts them). Access: licenses.manage. Errors: 403, 404.
func DeleteLicense(app core.App, a access.Actor, id string) error {
	if err := access.Can(a.Member, access.LicensesManage, nil); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		l, err := find(tx, "licenses", a.Org, id, "Licence")
		if err != nil {
			return err
		}
		assigned, err := assignedCount(tx, l.Id)
		if err != nil {
			return err
		}
		if err := tx.Delete(l); err != nil {
			return err
		}
		return audit.Record(tx, a, access.LicensesDelete, "license", l.Id, l.GetString("name"),
			map[string]any{"before": licenseOf(l, assigned), "assignmentsRevoked": assigned})
	})
}

// AssignLicense gives licence id to up to MaxBatch members, all or nothing: every
// member is checked, and if any is refused nothing changes and the error (the first
// refusal's status and code) lists a result per member. A member who already holds it
// is "unchanged". Access: licenses.assign on each member (the owner: anyone, themselves
// included; administrators: members and themselves; members: nobody). Errors: 400 members; 403; 404 licence; per member: not_found, the
// policy's 403 codes, 409 incompatible_type (their user type is not in
// compatibleTypes), 409 license_full (as many members hold it as it has seats).
func AssignLicense(app core.App, a access.Actor, id string, memberIDs []string) (*Outcome, error) {
	return batchLicense(app, a, id, memberIDs, access.LicensesAssign)
}

// RevokeLicense takes licence id back from up to MaxBatch members, all or nothing like
// AssignLicense. A member who does not hold it is "unchanged". Access: licenses.revoke
// on each member. Errors: 400 members; 403; 404 licence; per member: not_found, 403.
func RevokeLicense(app core.App, a access.Actor, id string, memberIDs []string) (*Outcome, error) {
	return batchLicense(app, a, id, memberIDs, access.LicensesRevoke)
}

func batchLicense(app core.App, a access.Actor, id string, memberIDs []string, action access.Action) (*Outcome, error) {
	ids := distinct(memberIDs)
	if len(ids) == 0 || len(ids) > MaxBatch {
		return nil, fail.Invalid("members", "count", fmt.Sprintf("Select from 1 to %d members.", MaxBatch))
	}
	// An actor who may not take this action on anyone is refused outright, not per member.
	if !slices.Contains(access.Permissions(a.Member), action) {
		return nil, access.Can(a.Member, action, &access.Member{Role: access.RoleMember})
	}
	out := &Outcome{}
	err := app.RunInTransaction(func(tx core.App) error {
		b, err := OpenLicenseBatch(tx, a, id, action == access.LicensesAssign, ids)
		if err != nil {
			return err
		}
		ps, err := people.Load(tx, a.Org, ids)
		if err != nil {
			return err
		}
		results, errs, todo, err := checkEach(ids, ps, b.Check)
		if err != nil {
			return err
		}
		if err := refused(results, errs); err != nil {
			fe, _ := fail.As(err)
			fe.Details["license"] = b.License()
			return fe
		}
		if err := b.Apply(tx, todo); err != nil {
			return err
		}
		out.Results, out.Changed = results, len(todo)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LicenseBatch is one licence being assigned to, or revoked from, several members:
// Check each member in the order asked (the licence's free seats go to the first
// accepted), then Apply to those Check accepted, all in one transaction. The single
// forms (AssignLicense, RevokeLicense) and the members' bulk action share it.
type LicenseBatch struct {
	a        access.Actor
	l        *core.Record
	action   access.Action
	held     map[string]bool
	assigned int
	accepted int
}

// OpenLicenseBatch reads licence id of a's organisation, how many members hold it and
// which of the members ids do. Errors: 404 licence.
func OpenLicenseBatch(tx core.App, a access.Actor, id string, assign bool, ids []string) (*LicenseBatch, error) {
	l, err := find(tx, "licenses", a.Org, id, "Licence")
	if err != nil {
		return nil, err
	}
	b := &LicenseBatch{a: a, l: l, action: access.LicensesRevoke}
	if assign {
		b.action = access.LicensesAssign
	}
	if b.held, err = holders(tx, l.Id, ids); err != nil {
		return nil, err
	}
	if b.assigned, err = assignedCount(tx, l.Id); err != nil {
		return nil, err
	}
	return b, nil
}

// Action is the policy action the batch takes on each member: licenses.assign or licenses.revoke.
func (b *LicenseBatch) Action() access.Action { return b.action }

// License is the licence as it stood when the batch opened.
func (b *LicenseBatch) License() License { return licenseOf(b.l, b.assigned) }

// Check decides for member p: nil (p is counted in), ErrUnchanged (p already holds it,
// or does not), or the refusal: the policy's 403 codes, 409 incompatible_type (their
// user type is not in compatibleTypes), 409 license_full (as many members hold it, or
// were accepted before p, as it has seats).
func (b *LicenseBatch) Check(p person) error {
	target := p.Policy()
	if err := access.Can(b.a.Member, b.action, &target); err != nil {
		return err
	}
	assign := b.action == access.LicensesAssign
	seats := b.l.GetInt("seats")
	switch {
	case assign == b.held[p.M.Id]:
		return ErrUnchanged
	case assign && !slices.Contains(compatible(b.l), target.UserType):
		return fail.Conflict("incompatible_type", fmt.Sprintf("A %s cannot use this licence.", target.UserType), nil)
	case assign && seats > 0 && b.assigned+b.accepted >= seats:
		return fail.Conflict("license_full",
			fmt.Sprintf("All %d seats of this licence are taken: revoke it from someone or add seats.", seats), nil)
	}
	b.accepted++
	return nil
}

// Apply assigns or revokes the licence of ps, each of whom Check accepted, with an audit row each.
func (b *LicenseBatch) Apply(tx core.App, ps []person) error {
	for _, p := range ps {
		if err := applyLicense(tx, b.a, b.l, p, b.action == access.LicensesAssign); err != nil {
			return err
		}
	}
	return nil
}

// holders tells which of the members hold licence id.
func holders(tx core.App, license string, ids []string) (map[string]bool, error) {
	var have []string
	err := tx.DB().Select("membership").From("licenseAssignments").
		Where(dbx.HashExp{"license": license}).AndWhere(dbx.In("membership", anys(ids)...)).Column(&have)
	out := map[string]bool{}
	for _, h := range have {
		out[h] = true
	}
	return out, err
}

// applyLicense assigns or revokes one licence of one member, with its audit row.
func applyLicense(tx core.App, a access.Actor, l *core.Record, p person, assign bool) error {
	ref := map[string]any{"id": l.Id, "code": l.GetString("code"), "name": l.GetString("name")}
	if assign {
		col, err := tx.FindCachedCollectionByNameOrId("licenseAssignments")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"license": l.Id, "membership": p.M.Id, "assignedAt": types.NowDateTime()})
		if err := tx.Save(r); err != nil {
			return err
		}
		return audit.Record(tx, a, access.LicensesAssign, "membership", p.M.Id, p.Label(), map[string]any{"license": ref})
	}
	r, err := tx.FindFirstRecordByFilter("licenseAssignments", "license = {:l} && membership = {:m}",
		dbx.Params{"l": l.Id, "m": p.M.Id})
	if err != nil {
		return err
	}
	if err := tx.Delete(r); err != nil {
		return err
	}
	return audit.Record(tx, a, access.LicensesRevoke, "membership", p.M.Id, p.Label(), map[string]any{"license": ref})
}
