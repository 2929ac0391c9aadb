package content

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
	"roster/internal/people"
)

// Group is a group as members of the organisation see it.
type Group struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Owner        Ref      `json:"owner"`
	Members      []string `json:"members"` // membership ids; the owner is always one
	SharedUpdate bool     `json:"sharedUpdate"`
	IsMember     bool     `json:"isMember"` // the viewer belongs to it
	CanEdit      bool     `json:"canEdit"`  // the viewer may edit it, manage its members and delete it
	Created      string   `json:"created"`
	Updated      string   `json:"updated"`
}

// GroupInput is a group to create, or the fields of one to change (nil = unchanged).
// Members count only when creating; afterwards they change through UpdateGroupMembers.
type GroupInput struct {
	Title        *string   `json:"title"`
	Members      *[]string `json:"members"`
	SharedUpdate *bool     `json:"sharedUpdate"`
}

func (in *GroupInput) validate(creating bool) error {
	if creating {
		if in.Title == nil {
			in.Title = new(string)
		}
		if in.SharedUpdate == nil {
			in.SharedUpdate = new(false)
		}
		if in.Members == nil {
			in.Members = &[]string{}
		}
	} else if in.Members != nil {
		return fail.Invalid("members", "read_only", "Add and remove members with POST …/groups/{id}/members.")
	}
	if in.Title != nil {
		*in.Title = strings.TrimSpace(*in.Title)
		if *in.Title == "" || utf8.RuneCountInString(*in.Title) > 200 {
			return fail.Invalid("title", "length", "A title is 1 to 200 characters.")
		}
	}
	if in.Members != nil {
		*in.Members = distinct(*in.Members)
		if len(*in.Members) > MaxBatch {
			return fail.Invalid("members", "count", fmt.Sprintf("Add at most %d members at once.", MaxBatch))
		}
	}
	return nil
}

// ListGroups answers a page of the organisation's groups by title. Every member may see
// them (titles, owners and members are directory information). ?member=me lists only
// the actor's groups. Access: content.use.
func ListGroups(app core.App, a access.Actor, p paging.Request, onlyMine bool) (*paging.Page[Group], error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	cond := "g.org = {:org}"
	if onlyMine {
		cond += " AND (g.owner = {:me} OR EXISTS (SELECT 1 FROM groupMembers gm WHERE gm.grp = g.id AND gm.membership = {:me}))"
	}
	params := dbx.Params{"org": a.Org, "me": a.ID, "limit": p.Limit(), "offset": p.Offset()}
	var total int
	if err := app.DB().NewQuery("SELECT count(*) FROM groups g WHERE " + cond).Bind(params).Row(&total); err != nil {
		return nil, err
	}
	var ids []string
	err := app.DB().NewQuery("SELECT g.id FROM groups g WHERE " + cond +
		" ORDER BY g.title COLLATE NOCASE, g.id LIMIT {:limit} OFFSET {:offset}").Bind(params).Column(&ids)
	if err != nil {
		return nil, err
	}
	recs, err := app.FindRecordsByIds("groups", ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(x, y *core.Record) int { return slices.Index(ids, x.Id) - slices.Index(ids, y.Id) })
	groups, err := groupsOf(app, a, recs)
	if err != nil {
		return nil, err
	}
	page := paging.Of(p, total, groups)
	return &page, nil
}

func groupsOf(app core.App, a access.Actor, recs []*core.Record) ([]Group, error) {
	var owners []string
	for _, r := range recs {
		owners = append(owners, r.GetString("owner"))
	}
	n, err := names(app, distinct(owners))
	if err != nil {
		return nil, err
	}
	mod := moderation{app: app, a: a}
	out := make([]Group, len(recs))
	for i, r := range recs {
		owner := r.GetString("owner")
		can, err := mod.of(owner)
		if err != nil {
			return nil, err
		}
		members := r.GetStringSlice("members")
		if members == nil {
			members = []string{}
		}
		out[i] = Group{ID: r.Id, Title: r.GetString("title"), Owner: Ref{ID: owner, Title: n[owner]}, Members: members,
			SharedUpdate: r.GetBool("sharedUpdate"), IsMember: owner == a.ID || slices.Contains(members, a.ID),
			CanEdit: can, Created: r.GetString("created"), Updated: r.GetString("updated")}
	}
	return out, nil
}

func groupOf(app core.App, a access.Actor, r *core.Record) (*Group, error) {
	gs, err := groupsOf(app, a, []*core.Record{r})
	if err != nil {
		return nil, err
	}
	return &gs[0], nil
}

// GetGroup answers one group of the organisation. Access: content.use. Errors: 404.
func GetGroup(app core.App, a access.Actor, id string) (*Group, error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	r, err := find(app, "groups", a.Org, id, "Group")
	if err != nil {
		return nil, err
	}
	return groupOf(app, a, r)
}

// CreateGroup adds a group owned by the actor, who is its first member, with the
// members given (memberships of the organisation). Access: content.create.
// Errors: 400 title, members (count); 403; 409 not_found (unknown members, listed) and
// cannot_edit_shared (members whose user type cannot edit a shared-update group, listed).
func CreateGroup(app core.App, a access.Actor, in GroupInput) (*Group, error) {
	if err := access.Can(a.Member, access.ContentCreate, nil); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	var out *Group
	err := app.RunInTransaction(func(tx core.App) error {
		members := append([]string{a.ID}, *in.Members...)
		members = distinct(members)
		if err := fitMembers(tx, a.Org, members, *in.SharedUpdate); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("groups")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"org": a.Org, "owner": a.ID, "title": *in.Title, "members": members,
			"sharedUpdate": *in.SharedUpdate})
		if err := tx.Save(r); err != nil {
			return err
		}
		if out, err = groupOf(tx, a, r); err != nil {
			return err
		}
		return audit.Record(tx, a, access.GroupsCreate, "group", r.Id, *in.Title, map[string]any{"after": groupDetails(r)})
	})
	return out, err
}

// fitMembers checks that every id is a membership of org and, for a shared-update
// group, that its user type can edit shared content.
func fitMembers(tx core.App, org string, ids []string, sharedUpdate bool) error {
	ps, err := people.Load(tx, org, ids)
	if err != nil {
		return err
	}
	var missing, cannot []string
	for _, id := range ids {
		p, ok := ps[id]
		switch {
		case !ok:
			missing = append(missing, id)
		case sharedUpdate && !p.Policy().UserType.CanEditShared():
			cannot = append(cannot, id)
		}
	}
	if len(missing) > 0 {
		return fail.Conflict("not_found", "Some members are not in the organisation.", map[string]any{"members": missing})
	}
	if len(cannot) > 0 {
		return cannotEditShared(cannot)
	}
	return nil
}

func cannotEditShared(ids []string) error {
	return fail.Conflict("cannot_edit_shared",
		"Viewers cannot edit shared content: change their user type before adding them to a shared-update group.",
		map[string]any{"members": ids})
}

func groupDetails(r *core.Record) map[string]any {
	return map[string]any{"title": r.GetString("title"), "owner": r.GetString("owner"),
		"members": len(r.GetStringSlice("members")), "sharedUpdate": r.GetBool("sharedUpdate")}
}

// UpdateGroup changes a group's title and shared update. Turning shared update on needs
// every member to be able to edit shared content. Access: the group's owner, or a
// moderator; content.use. Errors: 400 title, members; 403 not_owner; 404;
// 409 cannot_edit_shared (the members who cannot, listed).
func UpdateGroup(app core.App, a access.Actor, id string, in GroupInput) (*Group, error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	return edit(app, a, groupKind, id, func(tx core.App, r *core.Record) error {
		if in.Title != nil {
			r.Set("title", *in.Title)
		}
		if in.SharedUpdate != nil {
			if *in.SharedUpdate && !r.GetBool("sharedUpdate") {
				if err := fitMembers(tx, a.Org, r.GetStringSlice("members"), true); err != nil {
					return err
				}
			}
			r.Set("sharedUpdate", *in.SharedUpdate)
		}
		return nil
	}, groupOf)
}

// DeleteGroup deletes group id; items shared with it no longer are (PocketBase takes it
// out of their groups). Access: the group's owner, or a moderator; content.use.
// Errors: 403 not_owner; 404.
func DeleteGroup(app core.App, a access.Actor, id string) error { return remove(app, a, groupKind, id) }

// MembersChange is who joins and who leaves a group.
type MembersChange struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// UpdateGroupMembers adds and removes members of group id, all or nothing, with one
// audit row. Anyone may remove themselves; everything else needs the right to edit the
// group (its owner, or a moderator). Results list each member; already in (or already
// out) is "unchanged". Access: content.use. Errors: 400 add/remove (none, more than
// MaxBatch, or one id in both); 404 group; the first refusal's status and code, with
// every result: 403 not_owner, 404 not_found (not in the organisation), 409
// cannot_edit_shared (a shared-update group and a user type that cannot edit it),
// 409 group_owner (the owner cannot leave their own group: transfer or delete it).
func UpdateGroupMembers(app core.App, a access.Actor, id string, ch MembersChange) (*Outcome, error) {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return nil, err
	}
	add, remove := distinct(ch.Add), distinct(ch.Remove)
	if len(add)+len(remove) == 0 || len(add) > MaxBatch || len(remove) > MaxBatch {
		return nil, fail.Invalid("add", "count", fmt.Sprintf("Add or remove from 1 to %d members at once.", MaxBatch))
	}
	for _, id := range add {
		if slices.Contains(remove, id) {
			return nil, fail.Invalid("remove", "conflict", "A member cannot be both added and removed.")
		}
	}
	out := &Outcome{}
	err := app.RunInTransaction(func(tx core.App) error {
		b, err := OpenGroupBatch(tx, a, id)
		if err != nil {
			return err
		}
		ps, err := people.Load(tx, a.Org, append(slices.Clone(add), remove...))
		if err != nil {
			return err
		}
		results, errs, added, err := checkEach(add, ps, func(p person) error { return b.Check(p, true) })
		if err != nil {
			return err
		}
		rs, es, removed, err := checkEach(remove, ps, func(p person) error { return b.Check(p, false) })
		if err != nil {
			return err
		}
		results, errs = append(results, rs...), append(errs, es...)
		if err := refused(results, errs); err != nil {
			return err
		}
		out.Results, out.Changed = results, len(added)+len(removed)
		return b.Apply(tx, added, removed)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GroupBatch is a change of one group's members: Check each member, then Apply to
// those Check accepted, in one transaction. UpdateGroupMembers and the members' bulk
// action share it.
type GroupBatch struct {
	a       access.Actor
	g       *core.Record
	canEdit bool
}

// OpenGroupBatch reads group id of a's organisation and whether a may edit it (its
// owner, or a moderator). Errors: 404 group.
func OpenGroupBatch(tx core.App, a access.Actor, id string) (*GroupBatch, error) {
	g, err := find(tx, "groups", a.Org, id, "Group")
	if err != nil {
		return nil, err
	}
	canEdit, err := moderates(tx, a, g.GetString("owner"))
	if err != nil {
		return nil, err
	}
	return &GroupBatch{a: a, g: g, canEdit: canEdit}, nil
}

// Check decides whether member p may join the group (adding) or leave it: nil,
// ErrUnchanged (already in, or already out), or the refusal: 403 not_owner (only who
// may edit the group changes its members, but anyone may leave it), 409
// cannot_edit_shared (a shared-update group and a user type that cannot edit it), 409
// group_owner (the owner cannot leave their own group: transfer or delete it).
func (b *GroupBatch) Check(p person, adding bool) error {
	mid := p.M.Id
	switch {
	case !b.canEdit && (adding || mid != b.a.ID):
		return fail.Forbidden("not_owner", "Only the group's owner can change its members.")
	case adding == slices.Contains(b.g.GetStringSlice("members"), mid):
		return ErrUnchanged
	case adding && b.g.GetBool("sharedUpdate") && !p.Policy().UserType.CanEditShared():
		return cannotEditShared([]string{mid})
	case !adding && mid == b.g.GetString("owner"):
		return fail.Conflict("group_owner", "A group's owner stays in it: transfer or delete the group instead.", nil)
	}
	return nil
}

// Apply adds and removes the members Check accepted, with one audit row for the group;
// nothing when both are empty.
func (b *GroupBatch) Apply(tx core.App, add, remove []person) error {
	if len(add)+len(remove) == 0 {
		return nil
	}
	added, removed := membershipIDs(add), membershipIDs(remove)
	members := append(slices.DeleteFunc(b.g.GetStringSlice("members"), func(m string) bool { return slices.Contains(removed, m) }), added...)
	b.g.Set("members", members)
	if err := tx.Save(b.g); err != nil {
		return err
	}
	return audit.Record(tx, b.a, access.GroupsMembers, "group", b.g.Id, b.g.GetString("title"),
		map[string]any{"added": added, "removed": removed})
}

// membershipIDs are the ids of ps (nil for none, as the audit rows have always had it).
func membershipIDs(ps []person) []string {
	if len(ps) == 0 {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.M.Id
	}
	return out
}
