package members

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/content"
	"roster/internal/fail"
)

// Licences and groups in bulk: the op runs content's own batches (LicenseBatch,
// GroupBatch), the very checks and writes of the single forms, member by member.

// licenseOp assigns (or revokes) licence id: licenses.assign (licenses.revoke) on each
// member, the licence's compatible types and seats; an audit row per member.
func licenseOp(actor access.Actor, id string, assign bool) op {
	var b *content.LicenseBatch
	return op{
		prepare: func(tx core.App, ts []*target) error {
			ids := make([]string, len(ts))
			for i, t := range ts {
				ids[i] = t.M.Id
			}
			var err error
			b, err = content.OpenLicenseBatch(tx, actor, id, assign, ids)
			return named(tx, err, "licenses", "license", "licence", id)
		},
		check: func(_ core.App, t *target) error { return b.Check(t) },
		apply: func(tx core.App, ts []*target) error { return b.Apply(tx, ts) },
	}
}

// groupOp adds members to group id (or removes them): the right to edit the group (anyone
// may leave one), shared update and its owner; one audit row for the group.
func groupOp(actor access.Actor, id string, adding bool) op {
	var b *content.GroupBatch
	return op{
		prepare: func(tx core.App, _ []*target) error {
			var err error
			b, err = content.OpenGroupBatch(tx, actor, id)
			return named(tx, err, "groups", "group", "group", id)
		},
		check: func(_ core.App, t *target) error { return b.Check(t, adding) },
		apply: func(tx core.App, ts []*target) error {
			if adding {
				return b.Apply(tx, ts, nil)
			}
			return b.Apply(tx, nil, ts)
		},
	}
}

// named answers err, the 404 of the licence or group (what) the request names in field,
// as a 400 naming the field when no organisation has that id; another organisation's
// stays a 404, as on the single forms' routes.
func named(tx core.App, err error, collection, field, what, id string) error {
	if fe, ok := fail.As(err); !ok || fe.Kind != fail.KindNotFound {
		return err
	}
	if _, e := tx.FindRecordById(collection, id); !errors.Is(e, sql.ErrNoRows) {
		if e != nil {
			return e
		}
		return err
	}
	return fail.Invalid(field, "unknown", "No "+what+" has this id: choose one of the organisation's.")
}
