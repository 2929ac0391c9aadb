package content

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Item kinds and sharing levels.
var (
	Kinds   = []string{"map", "dataset", "app"}
	Sharing = []string{"private", "org", "groups"}
)

// Item is an item as a member who can see it sees it.
type Item struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Title   string   `json:"title"`
	Sharing string   `json:"sharing"`
	Groups  []string `json:"groups"`
	Owner   Ref      `json:"owner"`
	Created string   `json:"created"`
	Updated string   `json:"updated"`
	CanEdit bool     `json:"canEdit"` // the viewer may edit and delete it
}

// ItemInput is an item to create, or the fields of one to change (nil = unchanged).
// Groups count only when sharing is "groups"; otherwise they are cleared.
type ItemInput struct {
	Kind    *string   `json:"kind"`
	Title   *string   `json:"title"`
	Sharing *string   `json:"sharing"`
	Groups  *[]string `json:"groups"`
}

func (in *ItemInput) validate(creating bool) error {
	if creating {
		if in.Kind == nil {
			in.Kind = new(string)
		}
		if in.Title == nil {
			in.Title = new(string)
		}
		if in.Sharing == nil {
			in.Sharing = new("private")
		}
	}
	if in.Kind != nil && !slices.Contains(Kinds, *in.Kind) {
		return fail.Invalid("kind", "invalid_choice", "Choose one of: map, dataset, app.")
	}
	if in.Title != nil {
		*in.Title = strings.TrimSpace(*in.Title)
		if *in.Title == "" || utf8.RuneCountInString(*in.Title) > 200 {
			return fail.Invalid("title", "length", "A title is 1 to 200 characters.")
		}
	}
	if in.Sharing != nil && !slices.Contains(Sharing, *in.Sharing) {
		return fail.Invalid("sharing", "invalid_choice", "Choose one of: private, org, groups.")
	}
	if in.Groups != nil {
		*in.Groups = distinct(*in.Groups)
		if len(*in.Groups) > 1000 {
			return fail.Invalid("groups", "count", "An item is shared with at most 1000 groups.")
		}
	}
	return nil
}

// ItemFilter narrows the item list: kind, owner ("me" or a membership id), a title search.
type ItemFilter struct {
	Kind, Owner, Search string
	paging.Request
}

// ParseItemFilter reads an item filter from query parameters.
func ParseItemFilter(q url.Values) (ItemFilter, error) {
	p, err := paging.Parse(q, paging.Lists)
	f := ItemFilter{Kind: q.Get("kind"), Owner: q.Get("owner"), Search: strings.TrimSpace(q.Get("search")), Request: p}
	if err != nil {
		return f, err
	}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		return f, fail.Invalid("kind", "invalid_choice", "Choose one of: map, dataset, app.")
	}
	if utf8.RuneCountInString(f.Search) > 200 {
		return f, fail.Invalid("search", "too_long", "The search text is too long.")
	}
	return f, nil
}

// visibleTo is the SQL condition (on items i) of the items member me may see: their
// own, those shared with the organisation, those shared with a group they belong to.
const visibleTo = `(i.owner = {:me} OR i.sharing = 'org' OR (i.sharing = 'groups' AND EXISTS (
	SELECT 1 FROM json_each(CASE WHEN json_valid(i.groups) THEN i.groups ELSE '[]' END) j
	JOIN groups g ON g.id = j.value AND g.org = i.org
	WHERE g.owner = {:me} OR EXISTS (SELECT 1 FROM groupMembers gm WHERE gm.grp = g.id AND gm.membership = {:me}))))`

// ListItems answers a page of the items a member can see, newest first.
// Access: content.use (every active member).
func ListItems(app core.App, a access.Actor, f ItemFilter) (*paging.Page[Item], error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	where := []string{"i.org = {:org}", visibleTo}
	params := dbx.Params{"org": a.Org, "me": a.ID, "limit": f.Limit(), "offset": f.Offset()}
	if f.Kind != "" {
		where, params["kind"] = append(where, "i.kind = {:kind}"), f.Kind
	}
	if f.Owner != "" {
		owner := f.Owner
		if owner == "me" {
			owner = a.ID
		}
		where, params["owner"] = append(where, "i.owner = {:owner}"), owner
	}
	if f.Search != "" {
		where, params["search"] = append(where, "i.title LIKE {:search} ESCAPE '\\'"), "%"+likeEscape(f.Search)+"%"
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := app.DB().NewQuery("SELECT count(*) FROM items i WHERE " + cond).Bind(params).Row(&total); err != nil {
		return nil, err
	}
	var ids []string
	err := app.DB().NewQuery("SELECT i.id FROM items i WHERE " + cond +
		" ORDER BY i.created DESC, i.id LIMIT {:limit} OFFSET {:offset}").Bind(params).Column(&ids)
	if err != nil {
		return nil, err
	}
	recs, err := app.FindRecordsByIds("items", ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]*core.Record{}
	for _, r := range recs {
		byID[r.Id] = r
	}
	ordered := make([]*core.Record, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			ordered = append(ordered, r)
		}
	}
	items, err := itemsOf(app, a, ordered)
	if err != nil {
		return nil, err
	}
	page := paging.Of(f.Request, total, items)
	return &page, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// itemsOf turns item records into the viewer's view of them, naming owners in one query.
func itemsOf(app core.App, a access.Actor, recs []*core.Record) ([]Item, error) {
	var owners []string
	for _, r := range recs {
		owners = append(owners, r.GetString("owner"))
	}
	n, err := names(app, distinct(owners))
	if err != nil {
		return nil, err
	}
	mod := moderation{app: app, a: a}
	out := make([]Item, len(recs))
	for i, r := range recs {
		owner := r.GetString("owner")
		can, err := mod.of(owner)
		if err != nil {
			return nil, err
		}
		groups := r.GetStringSlice("groups")
		if groups == nil {
			groups = []string{}
		}
		out[i] = Item{ID: r.Id, Kind: r.GetString("kind"), Title: r.GetString("title"), Sharing: r.GetString("sharing"),
			Groups: groups, Owner: Ref{ID: owner, Title: n[owner]}, Created: r.GetString("created"),
			Updated: r.GetString("updated"), CanEdit: can}
	}
	return out, nil
}

func itemOf(app core.App, a access.Actor, r *core.Record) (*Item, error) {
	items, err := itemsOf(app, a, []*core.Record{r})
	if err != nil {
		return nil, err
	}
	return &items[0], nil
}

// CreateItem adds an item owned by the actor. Sharing with groups needs groups of the
// organisation that the actor belongs to. Access: content.create (a creator or
// professional). Errors: 400 kind, title, sharing, groups (unknown, or not one of the
// actor's groups); 403.
func CreateItem(app core.App, a access.Actor, in ItemInput) (*Item, error) {
	if err := access.Can(a.Member, access.ContentCreate, nil); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	var out *Item
	err := app.RunInTransaction(func(tx core.App) error {
		groups, err := sharedWith(tx, a.Org, a.ID, *in.Sharing, in.Groups)
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("items")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"org": a.Org, "owner": a.ID, "kind": *in.Kind, "title": *in.Title,
			"sharing": *in.Sharing, "groups": groups})
		if err := tx.Save(r); err != nil {
			return err
		}
		if out, err = itemOf(tx, a, r); err != nil {
			return err
		}
		return audit.Record(tx, a, access.ItemsCreate, "item", r.Id, *in.Title, map[string]any{"after": itemDetails(r)})
	})
	return out, err
}

// sharedWith checks the groups an item of owner is shared with: only with sharing
// "groups", only groups of org that owner belongs to (or owns).
func sharedWith(tx core.App, org, owner, sharing string, groups *[]string) ([]string, error) {
	if sharing != "groups" || groups == nil || len(*groups) == 0 {
		return []string{}, nil
	}
	var mine []string
	err := tx.DB().NewQuery(`SELECT g.id FROM groups g WHERE g.org = {:org} AND g.id IN (SELECT value FROM json_each({:ids}))
		AND (g.owner = {:me} OR EXISTS (SELECT 1 FROM groupMembers gm WHERE gm.grp = g.id AND gm.membership = {:me}))`).
		Bind(dbx.Params{"org": org, "me": owner, "ids": jsonList(*groups)}).Column(&mine)
	if err != nil {
		return nil, err
	}
	if len(mine) != len(*groups) {
		return nil, fail.Invalid("groups", "not_member", "An item can only be shared with groups of the organisation that its owner belongs to.")
	}
	return *groups, nil
}

func itemDetails(r *core.Record) map[string]any {
	return map[string]any{"kind": r.GetString("kind"), "title": r.GetString("title"),
		"sharing": r.GetString("sharing"), "groups": r.GetStringSlice("groups"), "owner": r.GetString("owner")}
}

func itemVisible(tx core.App, a access.Actor) func(*core.Record) (bool, error) {
	return func(r *core.Record) (bool, error) {
		var n int
		err := tx.DB().NewQuery("SELECT count(*) FROM items i WHERE i.id = {:id} AND " + visibleTo).
			Bind(dbx.Params{"id": r.Id, "me": a.ID}).Row(&n)
		return n > 0, err
	}
}

// GetItem answers one item the actor can see (404 otherwise). Access: content.use.
func GetItem(app core.App, a access.Actor, id string) (*Item, error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	r, err := find(app, "items", a.Org, id, "Item")
	if err != nil {
		return nil, err
	}
	seen, err := itemVisible(app, a)(r)
	if err != nil {
		return nil, err
	}
	if !seen {
		if ok, err := moderates(app, a, r.GetString("owner")); err != nil || !ok {
			if err == nil {
				err = fail.NotFound("Item not found.")
			}
			return nil, err
		}
	}
	return itemOf(app, a, r)
}

// UpdateItem changes the fields given of item id: its title, kind, sharing and groups.
// Access: its owner, or a moderator (see the package documentation); content.use.
// Errors: 400 per field; 403 not_owner (visible but not theirs); 404.
func UpdateItem(app core.App, a access.Actor, id string, in ItemInput) (*Item, error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	return edit(app, a, itemKind, id, func(tx core.App, r *core.Record) error {
		for name, v := range map[string]*string{"kind": in.Kind, "title": in.Title, "sharing": in.Sharing} {
			if v != nil {
				r.Set(name, *v)
			}
		}
		// Groups are checked when they are given; unchanged ones stay as they are, and
		// sharing other than "groups" clears them.
		switch {
		case in.Groups != nil:
			kept, err := sharedWith(tx, a.Org, r.GetString("owner"), r.GetString("sharing"), in.Groups)
			if err != nil {
				return err
			}
			r.Set("groups", kept)
		case r.GetString("sharing") != "groups":
			r.Set("groups", []string{})
		}
		return nil
	}, itemOf)
}

// DeleteItem deletes item id. Access: its owner, or a moderator; content.use.
// Errors: 403 not_owner; 404.
func DeleteItem(app core.App, a access.Actor, id string) error { return remove(app, a, itemKind, id) }

// jsonList is a JSON array of strings, for json_each.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}
