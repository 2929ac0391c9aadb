package members

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// Disable disables member id: they can no longer sign in, every session
// they hold ends at once (their token key is rotated), and their partner access is
// switched off. They still hold a billed seat, so no ledger row is written.
// Access: members.disable (never oneself, never the owner, admins only on members).
// Errors: 404 not in the organisation, 403 from the policy, 409 never_signed_in (the
// member never signed in), 409 already_disabled.
func Disable(app core.App, actor access.Actor, id string) error {
	return runOne(app, actor, id, disableOp(actor))
}

// Enable lets a disabled member id sign in again. Partner access stays off.
// Access: members.enable. Errors: 404, 403 from the policy, 409 already_enabled.
func Enable(app core.App, actor access.Actor, id string) error {
	return runOne(app, actor, id, enableOp(actor))
}

func disableOp(actor access.Actor) op {
	return op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersDisable, t); err != nil {
				return err
			}
			if access.Status(t.M.GetString("status")) == access.Disabled {
				return fail.Conflict("already_disabled", "This member is already disabled.", nil)
			}
			if t.U.GetDateTime("lastLogin").IsZero() {
				return fail.Conflict("never_signed_in",
					"This member has never signed in; revoke or remove them instead of disabling them.", nil)
			}
			return nil
		},
		apply: func(tx core.App, ts []*target) error {
			if err := setStatus(tx, actor, ts, dbx.Params{"status": string(access.Disabled), "partnerAccess": false}); err != nil {
				return err
			}
			if err := revokeSessions(tx, ts); err != nil {
				return err
			}
			after := map[string]any{"status": string(access.Disabled), "partnerAccess": false, "sessionsRevoked": true}
			entries := make([]audit.Entry, len(ts))
			for i, t := range ts {
				before := map[string]any{"status": t.M.GetString("status"), "partnerAccess": t.M.GetBool("partnerAccess")}
				entries[i] = entry(actor, access.MembersDisable, t, before, after)
			}
			return audit.WriteMany(tx, entries)
		},
	}
}

func enableOp(actor access.Actor) op {
	return op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersEnable, t); err != nil {
				return err
			}
			if access.Status(t.M.GetString("status")) == access.Active {
				return fail.Conflict("already_enabled", "This member is already enabled.", nil)
			}
			return nil
		},
		apply: func(tx core.App, ts []*target) error {
			if err := setStatus(tx, actor, ts, dbx.Params{"status": string(access.Active)}); err != nil {
				return err
			}
			entries := make([]audit.Entry, len(ts))
			for i, t := range ts {
				entries[i] = entry(actor, access.MembersEnable, t,
					map[string]any{"status": t.M.GetString("status")}, map[string]any{"status": string(access.Active)})
			}
			return audit.WriteMany(tx, entries)
		},
	}
}

// setStatus sets cols (the status, and partner access) on the memberships of ts in one
// UPDATE. The policy never lets anyone disable or enable the owner; the one-owner hook
// also refuses to disable the owner, but a raw UPDATE skips it, so the owner is guarded
// here as well, in Go and in the statement.
func setStatus(tx core.App, actor access.Actor, ts []*target, cols dbx.Params) error {
	for _, t := range ts {
		if access.Role(t.M.GetString("role")) == access.RoleOwner {
			return fail.Conflict("owner_protected", "The owner cannot be disabled or moved.", nil)
		}
	}
	return updateAll(tx, actor.Org, ts, cols, dbx.Not(dbx.HashExp{"role": string(access.RoleOwner)}))
}

// revokeSessions gives each target's account a fresh random token key, as PocketBase's
// RefreshTokenKey does on a save, so that every token the member holds fails from now
// on: one UPDATE for all. Once the transaction commits, realtime connections signed in
// as them lose their auth, as PocketBase does when a save changes a token key.
func revokeSessions(tx core.App, ts []*target) error {
	params := dbx.Params{"now": types.NowDateTime().String()}
	rows := make([]string, len(ts))
	users := make(map[string]bool, len(ts))
	for i, t := range ts {
		id, key := "u"+strconv.Itoa(i), "k"+strconv.Itoa(i)
		params[id], params[key] = t.U.Id, security.RandomString(50) // PocketBase's generator and length
		rows[i] = "({:" + id + "}, {:" + key + "})"
		users[t.U.Id] = true
	}
	res, err := tx.DB().NewQuery(`UPDATE users SET tokenKey = k.key, updated = {:now}
		FROM (SELECT column1 AS id, column2 AS key FROM (VALUES ` + strings.Join(rows, ", ") + `)) AS k
		WHERE users.id = k.id`).Bind(params).Execute()
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(users)) {
		return fmt.Errorf("members: %d of %d token keys changed (%v)", n, len(users), err)
	}
	tx.TxInfo().OnComplete(func(txErr error) error {
		if txErr == nil {
			dropRealtimeAuth(tx, users)
		}
		return nil
	})
	return nil
}

// dropRealtimeAuth unsets the auth of the realtime connections signed in as users.
func dropRealtimeAuth(app core.App, users map[string]bool) {
	for _, c := range app.SubscriptionsBroker().Clients() {
		if a, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record); a != nil && a.Collection().Name == "users" && users[a.Id] {
			c.Unset(apis.RealtimeClientAuthKey)
		}
	}
}
