package members

import (
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Member is the full view of a member, for owners and administrators,
// and for each member about themselves.
type Member struct {
	ID          string          `json:"id"`
	UserID      string          `json:"userId"`
	Username    string          `json:"username"`
	GivenName   string          `json:"givenName"`
	FamilyName  string          `json:"familyName"`
	Name        string          `json:"name"`
	Email       string          `json:"email"`
	Avatar      string          `json:"avatar"`
	Role        access.Role     `json:"role"`
	UserType    access.UserType `json:"userType"`
	Status      access.Status   `json:"status"`
	Added       string          `json:"added"`
	LastLogin   string          `json:"lastLogin"`
	MfaEnabled  bool            `json:"mfaEnabled"`
	AuthSource  string          `json:"authSource"`
	Credits     Credits         `json:"credits"`
	Partner     bool            `json:"partnerAccess"`
	Licenses    []Ref           `json:"licenses"`
	Groups      []Ref           `json:"groups"`
	ItemsOwned  int             `json:"itemsOwned"`
	GroupsOwned int             `json:"groupsOwned"`
	Description string          `json:"description"`
	Visibility  string          `json:"visibility"`
	Language    string          `json:"language"`
	Units       string          `json:"units"`
	Allowed     []access.Action `json:"allowed"` // what the viewer may do to this member
}

// Credits is a member's allocation; Allocated and Remaining are nil for "no limit".
type Credits struct {
	Allocated *float64 `json:"allocated"`
	Used      float64  `json:"used"`
	Remaining *float64 `json:"remaining"`
}

// Ref names a related record.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Entry is the directory's view of a member: what every member may see of the others,
// as far as each one's profile visibility allows. Never email, status, sign-ins or credits.
type Entry struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	GivenName   string      `json:"givenName,omitempty"`
	FamilyName  string      `json:"familyName,omitempty"`
	Username    string      `json:"username,omitempty"`
	Avatar      string      `json:"avatar,omitempty"`
	Role        access.Role `json:"role"`
	Description string      `json:"description,omitempty"`
}

// DisplayName is how Roster names an account: given and family names, else the username.
func DisplayName(u *core.Record) string {
	return fullName(u.GetString("givenName"), u.GetString("familyName"), u.GetString("username"))
}

func fullName(given, family, username string) string {
	if n := strings.TrimSpace(given + " " + family); n != "" {
		return n
	}
	return username
}

func avatarURL(userID, file string) string {
	if file == "" {
		return ""
	}
	return "/api/files/_pb_users_auth_/" + userID + "/" + file + "?thumb=100x100"
}

func (r row) member() Member {
	m := Member{
		ID: r.ID, UserID: r.UserID, Username: r.Username, GivenName: r.GivenName, FamilyName: r.FamilyName,
		Name: fullName(r.GivenName, r.FamilyName, r.Username), Email: r.Email, Avatar: avatarURL(r.UserID, r.Avatar),
		Role: access.Role(r.Role), UserType: access.UserType(r.UserType), Status: access.Status(r.Status),
		Added: r.Added, LastLogin: r.LastLogin, MfaEnabled: r.TotpEnabled, AuthSource: r.AuthSource,
		Credits: Credits{Used: r.CreditsUsed}, Partner: r.PartnerAccess, Licenses: []Ref{}, Groups: []Ref{},
		Description: r.Description, Visibility: r.Visibility, Language: r.Language, Units: r.Units,
	}
	if r.CreditsLimited {
		alloc, rem := r.CreditsAllocated, r.CreditsAllocated-r.CreditsUsed
		m.Credits.Allocated, m.Credits.Remaining = &alloc, &rem
	}
	return m
}

func (r row) entry() Entry {
	e := Entry{ID: r.ID, Name: fullName(r.GivenName, r.FamilyName, r.Username), Role: access.Role(r.Role)}
	if r.Visibility != "private" {
		e.GivenName, e.FamilyName, e.Username = r.GivenName, r.FamilyName, r.Username
		e.Avatar, e.Description = avatarURL(r.UserID, r.Avatar), r.Description
	}
	return e
}

func (r row) policyView() access.Member {
	return access.Member{ID: r.ID, Role: access.Role(r.Role), UserType: access.UserType(r.UserType), Status: access.Status(r.Status)}
}

// List answers a page of the organisation's members: full rows for those allowed
// members.list, otherwise the directory (active members only, visibility respected).
func List(app core.App, actor *Actor, f Filter) (any, error) {
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
func Get(app core.App, actor *Actor, id string) (any, error) {
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
func enrich(app core.App, actor *Actor, rows []row) ([]Member, error) {
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
