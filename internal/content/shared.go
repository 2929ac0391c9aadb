package content

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// kind is what items and groups share as things a member owns and a moderator may
// change: where they live, how errors and the audit log name them, who sees them.
type kind struct {
	collection string // PocketBase's collection
	what       string // how errors name one: "Item", "Group"
	target     string // the audit row's target type
	update     access.Action
	delete     access.Action
	details    func(*core.Record) map[string]any // what the audit row records of one
	visible    func(tx core.App, a access.Actor) func(*core.Record) (bool, error)
}

var (
	itemKind  = kind{"items", "Item", "item", access.ItemsUpdate, access.ItemsDelete, itemDetails, itemVisible}
	groupKind = kind{"groups", "Group", "group", access.GroupsUpdate, access.GroupsDelete, groupDetails, everyone}
)

// everyone: every member of the organisation sees its groups.
func everyone(core.App, access.Actor) func(*core.Record) (bool, error) {
	return func(*core.Record) (bool, error) { return true, nil }
}

// edit applies change to the record id of kind k that a may edit and, when its details
// changed, saves it with its audit row, in one transaction; it answers view of the result.
// The caller has asked the policy and validated the input.
func edit[T any](app core.App, a access.Actor, k kind, id string, change func(tx core.App, r *core.Record) error,
	view func(core.App, access.Actor, *core.Record) (T, error)) (T, error) {
	var out T
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := editable(tx, a, k, id)
		if err != nil {
			return err
		}
		before := k.details(r)
		if err := change(tx, r); err != nil {
			return err
		}
		after := k.details(r)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			if err := tx.Save(r); err != nil {
				return err
			}
			if err := audit.Record(tx, a, k.update, k.target, r.Id, r.GetString("title"),
				map[string]any{"before": before, "after": after}); err != nil {
				return err
			}
		}
		out, err = view(tx, a, r)
		return err
	})
	return out, err
}

// remove deletes the record id of kind k with its audit row. Access: its owner, or a
// moderator; content.use. Errors: 403 not_owner; 404.
func remove(app core.App, a access.Actor, k kind, id string) error {
	if err := access.Can(a.Member, access.ContentUse, nil); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := editable(tx, a, k, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(r); err != nil {
			return err
		}
		return audit.Record(tx, a, k.delete, k.target, r.Id, r.GetString("title"), map[string]any{"before": k.details(r)})
	})
}

// editable loads a record of kind k of the actor's organisation that the actor may edit.
// Someone who can see it but not edit it gets a 403; anything else is a 404.
func editable(tx core.App, a access.Actor, k kind, id string) (*core.Record, error) {
	r, err := find(tx, k.collection, a.Org, id, k.what)
	if err != nil {
		return nil, err
	}
	ok, err := moderates(tx, a, r.GetString("owner"))
	if err != nil || ok {
		return r, err
	}
	if seen, err := k.visible(tx, a)(r); err != nil || !seen {
		if err == nil {
			err = fail.NotFound(k.what + " not found.")
		}
		return nil, err
	}
	return nil, fail.Forbidden("not_owner", fmt.Sprintf("Only its owner can change this %s.", strings.ToLower(k.what)))
}
