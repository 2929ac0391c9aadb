package members

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/fold"
	"roster/internal/paging"
)

// Filter is what a member list is asked for. The zero value lists
// everyone, sorted by name, 50 a page.
type Filter struct {
	Search          string
	Roles           []access.Role
	UserTypes       []access.UserType
	Statuses        []access.Status
	Group           string
	License         string
	LastLoginBefore time.Time
	LastLoginAfter  time.Time
	NeverSignedIn   *bool
	PartnerAccess   *bool
	MFA             *bool // two-factor sign-in on (true) or off (false)
	CreditsMin      *float64
	CreditsMax      *float64
	sort            sortBy
	paging.Request
	SkipTotal bool
	// directory restricts the search to what a directory entry shows (List sets it for
	// viewers without members.list): never an email, nor a private profile's username.
	directory bool
}

// sortKeys are the list's sort keys, the first (name) the default: each one's column in
// the member index (ascending), walked by the index memberIndex_by_<key> (from the
// migration 1795600910_member_counts.go), and whether a directory entry shows it.
var sortKeys = [...]struct {
	key, col string
	shown    bool
}{
	{"name", "x.sortName", true},
	{"username", "x.username", true},
	{"email", "x.email", false},
	{"role", "x.roleRank", true},
	{"userType", "x.typeRank", false},
	{"added", "x.added", false},
	{"lastLogin", "x.lastLogin", false},
	{"creditsRemaining", "x.credits", false},
}

// sortBy is a list's order: an index in sortKeys, descending or not. The zero value
// is by name, ascending.
type sortBy struct {
	key  int
	desc bool
}

// parseSort reads the sort parameter: a sort key, "-" first for descending; none is
// the default.
func parseSort(v string) (sortBy, error) {
	if v == "" {
		return sortBy{}, nil
	}
	s := sortBy{desc: strings.HasPrefix(v, "-")}
	for s.key = range sortKeys {
		if sortKeys[s.key].key == strings.TrimPrefix(v, "-") {
			return s, nil
		}
	}
	return sortBy{}, fail.Invalid("sort", "invalid_choice", "Sort by name, username, email, role, userType, added, lastLogin or creditsRemaining.")
}

// inDirectory is s in the directory, which sorts only by what an entry shows: any
// other key is the default.
func (s sortBy) inDirectory() sortBy {
	if !sortKeys[s.key].shown {
		return sortBy{}
	}
	return s
}

// ParseFilter reads a filter from query parameters; a bad value is a 400 naming it.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Search: strings.TrimSpace(q.Get("search")), Group: q.Get("group"), License: q.Get("license"),
		Request: paging.Request{Page: 1, PerPage: paging.DefaultPerPage}, SkipTotal: q.Get("skipTotal") == "true" || q.Get("skipTotal") == "1"}
	if utf8.RuneCountInString(f.Search) > 200 {
		return f, fail.Invalid("search", "too_long", "The search text is too long.")
	}
	if strings.IndexFunc(f.Search, unicode.IsControl) >= 0 || !utf8.ValidString(f.Search) {
		return f, fail.Invalid("search", "invalid", "The search text cannot hold control characters.")
	}
	for _, v := range list(q, "role") {
		r := access.Role(v)
		if !r.Valid() {
			return f, fail.Invalid("role", "invalid_choice", "Unknown role "+strconv.Quote(v)+".")
		}
		f.Roles = append(f.Roles, r)
	}
	for _, v := range list(q, "userType") {
		t := access.UserType(v)
		if !t.Valid() {
			return f, fail.Invalid("userType", "invalid_choice", "Unknown user type "+strconv.Quote(v)+".")
		}
		f.UserTypes = append(f.UserTypes, t)
	}
	for _, v := range list(q, "status") {
		s := access.Status(v)
		if s != access.Active && s != access.Disabled {
			return f, fail.Invalid("status", "invalid_choice", "Status is active or disabled.")
		}
		f.Statuses = append(f.Statuses, s)
	}
	var err error
	if f.LastLoginBefore, err = date(q, "lastLoginBefore"); err != nil {
		return f, err
	}
	if f.LastLoginAfter, err = date(q, "lastLoginAfter"); err != nil {
		return f, err
	}
	if f.NeverSignedIn, err = boolean(q, "neverSignedIn"); err != nil {
		return f, err
	}
	if f.PartnerAccess, err = boolean(q, "partnerAccess"); err != nil {
		return f, err
	}
	if f.MFA, err = onOff(q, "mfa"); err != nil {
		return f, err
	}
	if f.CreditsMin, err = number(q, "creditsMin"); err != nil {
		return f, err
	}
	if f.CreditsMax, err = number(q, "creditsMax"); err != nil {
		return f, err
	}
	if f.sort, err = parseSort(q.Get("sort")); err != nil {
		return f, err
	}
	f.Request, err = paging.Parse(q, paging.Lists)
	return f, err
}

func list(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func date(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fail.Invalid(name, "invalid_date", name+" is a date (2006-01-02) or a timestamp (RFC 3339).")
}

func boolean(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fail.Invalid(name, "invalid_bool", name+" is true or false.")
	}
	return &b, nil
}

func onOff(q url.Values, name string) (*bool, error) {
	switch q.Get(name) {
	case "":
		return nil, nil
	case "on":
		return new(true), nil
	case "off":
		return new(false), nil
	}
	return nil, fail.Invalid(name, "invalid_choice", name+" is on or off.")
}

func number(q url.Values, name string) (*float64, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fail.Invalid(name, "invalid_number", name+" is a number.")
	}
	return &n, nil
}

// where turns a filter into SQL conditions on the member index x (see the migration
// 1795600005_member_index.go), which holds every filterable and sortable field. set
// says whether one of them is a set of memberships (a search, a group, a licence):
// then the rows are looked up from that set, else an index is walked.
func (f Filter) where(org string) (cond dbx.Expression, set bool) {
	conds := f.keyed("x", org)
	if f.Group != "" {
		conds = append(conds, dbx.NewExp("x.membership IN (SELECT gm.membership FROM groupMembers gm JOIN groups g ON g.id = gm.grp WHERE gm.grp = {:group} AND g.org = {:org})",
			dbx.Params{"group": f.Group, "org": org}))
	}
	if f.License != "" {
		conds = append(conds, dbx.NewExp("x.membership IN (SELECT la.membership FROM licenseAssignments la WHERE la.license = {:license})",
			dbx.Params{"license": f.License}))
	}
	// The memberships of accounts with two-factor sign-in are read from the accounts'
	// partial index idx_users_totpEnabled and memberIndex_user alone (no organisation
	// check there: x has one), as many rows as have it: "on" is a set of them, "off" a
	// check of each walked row against it, by membership (in every index of x, so the
	// walk still reads the index alone).
	if f.MFA != nil {
		op := "IN"
		if !*f.MFA {
			op = "NOT IN"
		}
		conds = append(conds, dbx.NewExp("x.membership "+op+" (SELECT t.membership FROM users u INDEXED BY idx_users_totpEnabled"+
			" CROSS JOIN memberIndex t INDEXED BY memberIndex_user ON t.user = u.id WHERE u.totpEnabled = TRUE)"))
	}
	search := searchConds(f.Search, org, f.directory)
	set = f.Group != "" || f.License != "" || len(search) > 0 || (f.MFA != nil && *f.MFA)
	conds = append(conds, search...)
	if !f.LastLoginBefore.IsZero() {
		conds = append(conds, dbx.NewExp("x.lastLogin != '' AND x.lastLogin < {:before}", dbx.Params{"before": f.LastLoginBefore.Format(dbTime)}))
	}
	if !f.LastLoginAfter.IsZero() {
		conds = append(conds, dbx.NewExp("x.lastLogin >= {:after}", dbx.Params{"after": f.LastLoginAfter.Format(dbTime)}))
	}
	if f.CreditsMin != nil {
		conds = append(conds, dbx.NewExp("x.credits >= {:cmin}", dbx.Params{"cmin": *f.CreditsMin}))
	}
	if f.CreditsMax != nil {
		conds = append(conds, dbx.NewExp("x.credits <= {:cmax}", dbx.Params{"cmax": *f.CreditsMax}))
	}
	return dbx.And(conds...), set
}

// keyed turns the filters that the member counters are keyed by (organisation, role,
// user type, status, partner access, signed in once or never) into conditions on table
// t: the member index x, or the counters c (migration 1795600910_member_counts.go),
// which share these columns except that "signed in" is a non-empty lastLogin in the
// index and signedIn in the counters.
func (f Filter) keyed(t, org string) []dbx.Expression {
	conds := []dbx.Expression{dbx.HashExp{t + ".org": org}}
	if len(f.Roles) > 0 {
		conds = append(conds, dbx.In(t+".role", anys(f.Roles)...))
	}
	if len(f.UserTypes) > 0 {
		conds = append(conds, dbx.In(t+".userType", anys(f.UserTypes)...))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, dbx.In(t+".status", anys(f.Statuses)...))
	}
	if f.PartnerAccess != nil {
		conds = append(conds, dbx.HashExp{t + ".partnerAccess": *f.PartnerAccess})
	}
	if f.NeverSignedIn != nil {
		switch {
		case t == "c":
			conds = append(conds, dbx.HashExp{"c.signedIn": !*f.NeverSignedIn})
		case *f.NeverSignedIn:
			conds = append(conds, dbx.NewExp(t+".lastLogin = ''"))
		default:
			conds = append(conds, dbx.NewExp(t+".lastLogin != ''"))
		}
	}
	return conds
}

// counted says whether the member counters hold f's total: f filters by nothing but
// what they are keyed by. Any other filter, present or future, means a count.
func (f Filter) counted() bool {
	rest := f
	rest.Roles, rest.UserTypes, rest.Statuses, rest.PartnerAccess, rest.NeverSignedIn = nil, nil, nil, nil, nil
	rest.sort, rest.Page, rest.PerPage, rest.SkipTotal, rest.directory = sortBy{}, 0, 0, false, false
	return reflect.DeepEqual(rest, Filter{})
}

// The member index's own indexes that a list query names (INDEXED BY), so that its
// plan does not hang on statistics: the primary key, to look up a set of memberships,
// and the filter columns, to count without the counters. The sort indexes are
// memberIndex_by_<sort key> (Filter.order).
const (
	pkIndex      = "sqlite_autoindex_memberIndex_1"
	filtersIndex = "memberIndex_filters"
)

const dbTime = "2006-01-02 15:04:05.000Z"

// searchConds matches every word of the search, accent- and case-blind, each as a set
// of memberships: words of three characters or more through the trigram index, shorter
// ones as the start of the family name, the given name, the username or the email
// (four index ranges). In the directory a word matches only what an entry shows (the
// index's shown column, see the migration 1795601410_member_search_shown.go): no email
// range, and a private profile's username only when it stands for its missing names.
func searchConds(search, org string, directory bool) []dbx.Expression {
	var trigrams []string
	var conds []dbx.Expression
	for i, w := range strings.Fields(search) {
		if utf8.RuneCountInString(w) >= 3 {
			phrase := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
			if directory {
				phrase = "shown : " + phrase
			}
			trigrams = append(trigrams, phrase)
			continue
		}
		lo := []rune(fold.String(w))
		if len(lo) == 0 {
			continue
		}
		hi := append([]rune{}, lo...)
		hi[len(hi)-1]++
		p := fmt.Sprintf("p%d", i)
		var selects []string
		for _, c := range []struct{ column, index string }{{"sortName", "memberIndex_by_name"},
			{"givenName", "memberIndex_givenName"}, {"username", "memberIndex_by_username"}, {"email", "memberIndex_by_email"}} {
			sel := fmt.Sprintf("SELECT membership FROM memberIndex INDEXED BY %[1]s WHERE org = {:org} AND %[2]s >= {:%[3]slo} AND %[2]s < {:%[3]shi}",
				c.index, c.column, p)
			switch {
			case directory && c.column == "email":
				continue
			case directory && c.column == "username":
				sel += " AND " + shownUsername
			}
			selects = append(selects, sel)
		}
		conds = append(conds, dbx.NewExp("x.membership IN ("+strings.Join(selects, " UNION ALL ")+")",
			dbx.Params{"org": org, p + "lo": string(lo), p + "hi": string(hi)}))
	}
	if len(trigrams) > 0 {
		conds = append(conds, dbx.NewExp("x.membership IN (SELECT membership FROM membersSearch WHERE membersSearch MATCH {:match})",
			dbx.Params{"match": strings.Join(trigrams, " ")}))
	}
	return conds
}

// shownUsername says of a memberIndex row that its user's directory entry shows the
// username (members.Entry): the profile is not private, or it has no names.
const shownUsername = "EXISTS (SELECT 1 FROM users u WHERE u.id = memberIndex.user AND (u.visibility != 'private' OR trim(u.givenName || u.familyName) = ''))"

func anys[T ~string](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// order is the filter's sort: its index column, its direction and the index that
// walks it (sortKeys).
func (f Filter) order() (col, dir, index string) {
	k, dir := sortKeys[f.sort.key], "ASC"
	if f.sort.desc {
		dir = "DESC"
	}
	return k.col, dir, "memberIndex_by_" + k.key
}

// row is what the list reads for each member.
type row struct {
	ID               string  `db:"id"`
	UserID           string  `db:"userId"`
	Username         string  `db:"username"`
	GivenName        string  `db:"givenName"`
	FamilyName       string  `db:"familyName"`
	Email            string  `db:"email"`
	Avatar           string  `db:"avatar"`
	Role             string  `db:"role"`
	UserType         string  `db:"userType"`
	Status           string  `db:"status"`
	Added            string  `db:"added"`
	LastLogin        string  `db:"lastLogin"`
	TotpEnabled      bool    `db:"totpEnabled"`
	AuthSource       string  `db:"authSource"`
	CreditsLimited   bool    `db:"creditsLimited"`
	CreditsAllocated float64 `db:"creditsAllocated"`
	CreditsUsed      float64 `db:"creditsUsed"`
	PartnerAccess    bool    `db:"partnerAccess"`
	Description      string  `db:"description"`
	Visibility       string  `db:"visibility"`
	Language         string  `db:"language"`
	Units            string  `db:"units"`
	Total            int     `db:"total"` // of the whole list, when find asked pageSQL for it
}

var rowColumns = strings.Join([]string{"m.id AS id", "u.id AS userId", "u.username AS username", "u.givenName AS givenName",
	"u.familyName AS familyName", "u.email AS email", "u.avatar AS avatar", "m.role AS role", "m.userType AS userType",
	"m.status AS status", "m.added AS added", "u.lastLogin AS lastLogin", "u.totpEnabled AS totpEnabled",
	"u.authSource AS authSource", "m.creditsLimited AS creditsLimited", "m.creditsAllocated AS creditsAllocated",
	"m.creditsUsed AS creditsUsed", "m.partnerAccess AS partnerAccess", "u.description AS description",
	"u.visibility AS visibility", "u.language AS language", "u.units AS units"}, ", ")

// sqlBuilder renders dbx expressions to SQLite text; it is never used to run a query.
var sqlBuilder = dbx.NewFromDB(nil, "sqlite")

// pageSQL is the query that picks a page of the member index x: the memberships
// matching where, in order (col and dir, then the membership as tie-breaker), read
// through index when one is given, with their number as total when asked (a window
// over the rows the ORDER BY sorts anyway; else -1). It reads nothing but x, so that
// the rows skipped by OFFSET cost one index step each.
func pageSQL(where dbx.Expression, col, dir, index string, total bool, params dbx.Params) string {
	from := "memberIndex x"
	if index != "" {
		from += " INDEXED BY " + index
	}
	n := "-1"
	if total {
		n = "count(*) OVER ()"
	}
	return "SELECT x.membership AS membership, " + col + " AS k, " + n + " AS total FROM " + from +
		" WHERE " + where.Build(sqlBuilder, params) +
		" ORDER BY " + col + " " + dir + ", x.membership " + dir + " LIMIT {:limit} OFFSET {:offset}"
}

// selectRows reads one page of the members matching where (on the member index x):
// the page is picked from the index (pageSQL), then only its rows are joined to
// memberships and users, and put back in order (at most a page of rows to sort).
func selectRows(app core.App, where dbx.Expression, col, dir, index string, total bool, limit, offset int) ([]row, error) {
	params := dbx.Params{"limit": limit, "offset": offset}
	sql := "SELECT " + rowColumns + ", p.total AS total FROM (" + pageSQL(where, col, dir, index, total, params) + ") p" +
		" CROSS JOIN memberships m ON m.id = p.membership CROSS JOIN users u ON u.id = m.user" +
		" ORDER BY p.k " + dir + ", p.membership " + dir
	var rows []row
	err := app.DB().NewQuery(sql).Bind(params).All(&rows)
	return rows, err
}

// find reads the rows of one page of f, and the total unless skipped (then -1). A
// walked page's total comes first, from the member counters when they hold it, so a
// page past the end is known to be empty without reading it. A set (a search, a
// group, a licence) is counted as its page is sorted, in the same pass; only a page
// past its end needs a count of its own.
func find(app core.App, org string, f Filter) ([]row, int, error) {
	where, set, col, dir, index := f.plan(org)
	offset := f.Offset()
	total := -1
	if !f.SkipTotal && !set {
		var err error
		if total, err = count(app, org, f, where, set); err != nil || total <= offset {
			return nil, total, err
		}
	}
	withTotal := set && !f.SkipTotal
	rows, err := selectRows(app, where, col, dir, index, withTotal, f.Limit(), offset)
	switch {
	case err != nil || !withTotal:
		return rows, total, err
	case len(rows) > 0:
		return rows, rows[0].Total, nil
	case offset == 0:
		return rows, 0, nil
	}
	total, err = count(app, org, f, where, set)
	return rows, total, err
}

// plan is how a page of f is read: its conditions on the member index (where, set),
// its order (col, dir) and the index the page is picked through: the sort key's,
// walked in order, or the primary key, to look up a set of memberships (a search, a
// group, a licence) before sorting that set.
func (f Filter) plan(org string) (where dbx.Expression, set bool, col, dir, index string) {
	where, set = f.where(org)
	col, dir, index = f.order()
	if set {
		index = pkIndex
	}
	return where, set, col, dir, index
}

// count is the number of members matching f (where, on the member index; set as
// where says).
func count(app core.App, org string, f Filter, where dbx.Expression, set bool) (int, error) {
	params := dbx.Params{}
	var n int
	err := app.DB().NewQuery(countSQL(org, f, where, set, params)).Bind(params).Row(&n)
	return n, err
}

// countSQL counts f: a sum over the member counters when they hold its total, else a
// count of the member index, through the primary key to look up a set of memberships,
// or through the filter columns' index.
func countSQL(org string, f Filter, where dbx.Expression, set bool, params dbx.Params) string {
	switch {
	case f.counted():
		return "SELECT COALESCE(SUM(c.n), 0) FROM memberCounts c WHERE " + dbx.And(f.keyed("c", org)...).Build(sqlBuilder, params)
	case set:
		return "SELECT count(*) FROM memberIndex x INDEXED BY " + pkIndex + " WHERE " + where.Build(sqlBuilder, params)
	default:
		return "SELECT count(*) FROM memberIndex x INDEXED BY " + filtersIndex + " WHERE " + where.Build(sqlBuilder, params)
	}
}

// List answers a page of the organisation's members: full rows for those allowed
// members.list, otherwise the directory (active members only, visibility respected).
func List(app core.App, actor access.Actor, f Filter) (any, error) {
	if access.Can(actor.Member, access.MembersList, nil) == nil {
		rows, total, err := find(app, actor.Org, f)
		if err != nil {
			return nil, err
		}
		items, err := enrich(app, actor, rows)
		if err != nil {
			return nil, err
		}
		return paging.Of(f.Request, total, items), nil
	}
	if err := access.Can(actor.Member, access.MembersDirectory, nil); err != nil {
		return nil, err
	}
	// The directory cannot be filtered by what it does not show.
	dir := Filter{Search: f.Search, directory: true, Roles: f.Roles, Statuses: []access.Status{access.Active},
		sort: f.sort.inDirectory(), Request: f.Request, SkipTotal: f.SkipTotal}
	rows, total, err := find(app, actor.Org, dir)
	if err != nil {
		return nil, err
	}
	items := make([]Entry, len(rows))
	for i, r := range rows {
		items[i] = r.entry()
	}
	return paging.Of(dir.Request, total, items), nil
}

// Get answers one member: the full view for those allowed members.list and for
// oneself, the directory entry otherwise. 404 outside the actor's organisation.
func Get(app core.App, actor access.Actor, id string) (any, error) {
	rows, err := selectRows(app, dbx.HashExp{"x.membership": id, "x.org": actor.Org}, "x.membership", "ASC", "", false, 1, 0)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fail.NotFound("Member not found.")
	}
	if id == actor.ID || access.Can(actor.Member, access.MembersList, nil) == nil {
		items, err := enrich(app, actor, rows)
		if err != nil {
			return nil, err
		}
		return items[0], nil
	}
	if access.Status(rows[0].Status) != access.Active {
		return nil, fail.NotFound("Member not found.")
	}
	return rows[0].entry(), nil
}

// enrich adds licences, groups, owned counts and the viewer's allowed actions to a
// page of rows, with one query per relation for the whole page.
func enrich(app core.App, actor access.Actor, rows []row) ([]Member, error) {
	out := make([]Member, len(rows))
	ids := make([]any, len(rows))
	index := map[string]int{}
	for i, r := range rows {
		out[i] = r.member()
		out[i].Allowed = access.Allowed(actor.Member, r.policyView())
		if out[i].Allowed == nil {
			out[i].Allowed = []access.Action{}
		}
		ids[i] = r.ID
		index[r.ID] = i
	}
	if len(rows) == 0 {
		return out, nil
	}
	var refs []struct {
		Member string `db:"member"`
		ID     string `db:"id"`
		Name   string `db:"name"`
		Kind   string `db:"kind"`
	}
	in, params := inList("id", ids)
	err := app.DB().NewQuery(strings.ReplaceAll(`
		SELECT la.membership AS member, l.id AS id, l.name AS name, 'license' AS kind
			FROM licenseAssignments la JOIN licenses l ON l.id = la.license WHERE la.membership IN ({:ids})
		UNION ALL
		SELECT gm.membership AS member, g.id AS id, g.title AS name, 'group' AS kind
			FROM groupMembers gm JOIN groups g ON g.id = gm.grp WHERE gm.membership IN ({:ids})
		UNION ALL
		SELECT owner AS member, '' AS id, count(*) AS name, 'items' AS kind FROM items WHERE owner IN ({:ids}) GROUP BY owner
		UNION ALL
		SELECT owner AS member, '' AS id, count(*) AS name, 'groupsOwned' AS kind FROM groups WHERE owner IN ({:ids}) GROUP BY owner`, "{:ids}", in)).
		Bind(params).All(&refs)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		m := &out[index[r.Member]]
		switch r.Kind {
		case "license":
			m.Licenses = append(m.Licenses, Ref{ID: r.ID, Name: r.Name})
		case "group":
			m.Groups = append(m.Groups, Ref{ID: r.ID, Name: r.Name})
		case "items":
			m.ItemsOwned, _ = strconv.Atoi(r.Name)
		case "groupsOwned":
			m.GroupsOwned, _ = strconv.Atoi(r.Name)
		}
	}
	return out, nil
}

// inList makes the placeholders and parameters of an SQL IN list.
func inList(prefix string, values []any) (string, dbx.Params) {
	params := dbx.Params{}
	names := make([]string, len(values))
	for i, v := range values {
		k := prefix + strconv.Itoa(i)
		params[k] = v
		names[i] = "{:" + k + "}"
	}
	return strings.Join(names, ", "), params
}
