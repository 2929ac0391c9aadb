package security

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/mail"
	"roster/internal/people"
)

// auditSelf records a change a member made to their own account's security.
// Details never hold a secret.
func auditSelf(tx core.App, a access.Actor, action access.Action, after map[string]any) error {
	return audit.Record(tx, a, action, "membership", a.ID, a.Label, map[string]any{"after": after})
}

// notify queues a mail to u in their language, delivered once tx commits. data gets
// the person's name and organisation's name.
func notify(tx core.App, org, u *core.Record, template string, data map[string]any) error {
	d := map[string]any{"Name": people.Name(u), "OrgName": ""}
	orgID := ""
	if org != nil {
		d["OrgName"] = org.GetString("name")
		orgID = org.Id
	}
	for k, v := range data {
		d[k] = v
	}
	return mail.Queue(tx, mail.Mail{Org: orgID, To: u.Email(), Template: template, Language: mail.LanguageOf(u, org), Data: d})
}

// orgOf returns the organisation the user belongs to, or nil.
func orgOf(app core.App, userID string) *core.Record {
	m, err := people.MembershipOf(app, userID)
	if err != nil {
		return nil
	}
	org, err := app.FindRecordById("organizations", m.GetString("org"))
	if err != nil {
		return nil
	}
	return org
}
