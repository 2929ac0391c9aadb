package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/members"
)

// Messages a refused sign-in shows.
const (
	msgDisabled    = "This account is disabled. Contact your organisation's administrator."
	msgNoOrg       = "This account belongs to no organisation."
	msgTempExpired = "Your temporary password has expired. Ask your administrator for a new one."
)

// bindAuthGate refuses sign-in (and token refresh) to disabled members, accounts with no
// organisation and expired temporary passwords, and records lastLogin on real sign-ins
// (not on refreshes, whose AuthMethod is empty).
func bindAuthGate(app core.App) {
	app.OnRecordAuthRequest("users").BindFunc(func(e *core.RecordAuthRequestEvent) error {
		m, err := members.MembershipOf(e.App, e.Record.Id)
		if err != nil {
			return refuse(msgNoOrg, "no_organization")
		}
		if access.Status(m.GetString("status")) != access.Active {
			return refuse(msgDisabled, "account_disabled")
		}
		if e.Record.GetBool("mustChangePassword") {
			exp := e.Record.GetDateTime("tempPasswordExpires")
			if !exp.IsZero() && exp.Time().Before(time.Now()) {
				return refuse(msgTempExpired, "temporary_password_expired")
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		if e.AuthMethod != "" {
			// A raw update: a sign-in is not a profile change (no hooks, no "updated").
			_, err := e.App.DB().Update("users", dbx.Params{"lastLogin": types.NowDateTime().String()},
				dbx.HashExp{"id": e.Record.Id}).Execute()
			if err != nil {
				e.App.Logger().Error("recording lastLogin", "error", err)
			}
		}
		return nil
	})
}

// refuse is a 403 with data.code (PocketBase's constructors would drop the code).
func refuse(message, code string) error {
	return &router.ApiError{Status: 403, Message: message, Data: map[string]any{"code": code}}
}
