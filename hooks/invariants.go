package hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// bindOwnerInvariant keeps exactly one owner per organisation on every save and delete:
//   - a membership is created as owner only in an organisation that has none;
//   - promoting someone to owner demotes the current owner to admin in the same
//     transaction (that is what an ownership transfer is, on any path);
//   - the owner cannot be demoted, disabled, moved or deleted (deleting their account
//     cascades here and is refused too), except when the whole organisation goes.
//
// A unique partial index (org WHERE role = 'owner') backs this up in SQL.
func bindOwnerInvariant(app core.App) {
	app.OnRecordCreate("memberships").BindFunc(func(e *core.RecordEvent) error {
		if isOwner(e.Record) {
			n, err := e.App.CountRecords("memberships", dbx.HashExp{"org": e.Record.GetString("org"), "role": string(access.RoleOwner)})
			if err != nil {
				return err
			}
			if n > 0 {
				return fail.Conflict("owner_exists", "This organisation already has an owner; transfer ownership instead.", nil)
			}
		}
		return e.Next()
	})

	app.OnRecordUpdate("memberships").BindFunc(func(e *core.RecordEvent) error {
		before := e.Record.Original()
		switch {
		case isOwner(before) && !isOwner(e.Record):
			return fail.Conflict("owner_protected", "The owner's role changes only through an ownership transfer.", nil)
		case isOwner(before) && (e.Record.GetString("status") != string(access.Active) || e.Record.GetString("org") != before.GetString("org")):
			return fail.Conflict("owner_protected", "The owner cannot be disabled or moved.", nil)
		case !isOwner(before) && isOwner(e.Record):
			return e.App.RunInTransaction(func(tx core.App) error {
				_, err := tx.DB().Update("memberships",
					dbx.Params{"role": string(access.RoleAdmin), "updated": types.NowDateTime().String()},
					dbx.HashExp{"org": e.Record.GetString("org"), "role": string(access.RoleOwner)}).Execute()
				if err != nil {
					return err
				}
				outer := e.App
				e.App = tx
				defer func() { e.App = outer }()
				return e.Next()
			})
		}
		return e.Next()
	})

	app.OnRecordDelete("memberships").BindFunc(func(e *core.RecordEvent) error {
		if isOwner(e.Record) {
			if _, err := e.App.FindRecordById("organizations", e.Record.GetString("org")); err == nil {
				return fail.Conflict("owner_protected", "The owner cannot be removed; transfer ownership first.", nil)
			}
		}
		return e.Next()
	})
}

func isOwner(m *core.Record) bool { return access.Role(m.GetString("role")) == access.RoleOwner }

// bindAuditImmutable refuses every update and delete of an audit row through PocketBase.
func bindAuditImmutable(app core.App) {
	refuse := func(e *core.RecordEvent) error {
		return fail.Forbidden("audit_immutable", audit.ErrImmutable.Error())
	}
	app.OnRecordUpdate(audit.Collection).BindFunc(refuse)
	app.OnRecordDelete(audit.Collection).BindFunc(refuse)
}
