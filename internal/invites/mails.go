package invites

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	roster "roster/internal/mail"
	"roster/internal/people"
)

// invitationMail is the part of the invitation mail's data that only it needs. The
// templates read it as {{with index . "Invitation"}}, so that the mail package's test,
// which renders every template with one shared set of data, does not need to know it.
type invitationMail struct {
	Inviter string // the inviter's name
	As      string // "as a member" / "en tant que membre", in the mail's language
	Link    string // {appURL}/join/{token}: in the body only, never in the subject
	Message string // the inviter's personal message, if any
	Expires string // the expiry date, written out in the mail's language
}

// sendInvitation queues the invitation mail to r's address, in the organisation's
// default language (the invitee has not chosen one yet). The outbox keeps the
// recipient, template and subject only: the link with its token is in the body alone.
// It greets the invitee by the names the inviter gave, if any.
func sendInvitation(tx core.App, org, r *core.Record, token string) error {
	lang := roster.Language("", org.GetString("defaultLanguage"))
	return roster.Queue(tx, roster.Mail{
		Org: org.Id, To: r.GetString("email"), Template: "invitation", Language: lang,
		Data: map[string]any{
			"Name": people.FullName(r.GetString("givenName"), r.GetString("familyName"), ""), "OrgName": org.GetString("name"),
			"Invitation": invitationMail{
				Inviter: inviterName(tx, r.GetString("invitedBy")),
				As:      asRole(lang, access.Role(r.GetString("role"))),
				Link:    link(tx, token),
				Message: r.GetString("message"),
				Expires: longDate(lang, r.GetDateTime("expires").Time()),
			},
		},
	})
}

// sendWelcome queues the welcome mail to a new member, in the language they chose.
func sendWelcome(tx core.App, org, user *core.Record) error {
	return roster.Queue(tx, roster.Mail{
		Org: org.Id, To: user.Email(), Template: "welcome", Language: user.GetString("language"),
		Data: map[string]any{"Name": user.GetString("givenName"), "OrgName": org.GetString("name")},
	})
}

// asRole says in which role one is invited ("en tant qu’administrateur": French elides).
func asRole(lang string, r access.Role) string {
	labels := map[access.Role][2]string{
		access.RoleMember: {"as a member", "en tant que membre"},
		access.RoleAdmin:  {"as an administrator", "en tant qu’administrateur"},
	}
	l := labels[r]
	if lang == "fr" {
		return l[1]
	}
	return l[0]
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// longDate writes a date as people read it: "2 mars 2027" or "March 2, 2027" (UTC).
func longDate(lang string, t time.Time) string {
	t = t.UTC()
	if lang == "fr" {
		return fmt.Sprintf("%d %s %d", t.Day(), frenchMonths[t.Month()-1], t.Year())
	}
	return t.Format("January 2, 2006")
}
