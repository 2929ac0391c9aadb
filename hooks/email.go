package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// bindEmailChange closes PocketBase's own email change for users, both steps: it would
// let any signed-in account (a restricted session included) change its address outside
// the policy (members.changeEmail), the allowed domains and the audit log. An address
// changes through the profile edit alone. The hooks are bound to the collection, so
// they hold however the request names it (users, Users, USERS, _pb_users_auth_).
func bindEmailChange(app core.App) {
	app.OnRecordRequestEmailChangeRequest("users").BindFunc(func(*core.RecordRequestEmailChangeRequestEvent) error {
		return errUseProfile()
	})
	app.OnRecordConfirmEmailChangeRequest("users").BindFunc(func(*core.RecordConfirmEmailChangeRequestEvent) error {
		return errUseProfile()
	})
}

func errUseProfile() error {
	return refuse("An email address changes from the profile, by whoever may change it.", "use_profile")
}
