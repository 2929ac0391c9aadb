package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/mail"
)

// ChangeRole makes member id an administrator or a member. Nobody becomes
// or stops being the owner this way: that is an ownership transfer. Every session the
// member holds ends (their token key is rotated), and they are told by mail in their
// language (role_changed). Unchanged is a no-op. Access: members.changeRole (the owner,
// on anyone but themselves).
// Errors: 400 role (unknown, or owner: use_transfer), 404, 403 from the policy (the
// owner's role cannot change: owner_protected), 409 role_incompatible_type (a viewer or
// contributor can only be a member).
func ChangeRole(app core.App, actor access.Actor, id string, role access.Role) error {
	if err := validRole(role); err != nil {
		return err
	}
	return runOne(app, actor, id, roleOp(actor, role))
}

func validRole(role access.Role) error {
	switch {
	case role == access.RoleOwner:
		return fail.Invalid("role", "use_transfer", "The owner changes only through an ownership transfer.")
	case !role.Valid():
		return fail.Invalid("role", "invalid_choice", "Choose one of: admin, member.")
	}
	return nil
}

func roleOp(actor access.Actor, role access.Role) op {
	return op{
		check: func(_ core.App, t *target) error {
			if err := can(actor, access.MembersChangeRole, t); err != nil {
				return err
			}
			p := t.Policy()
			if p.Role == role {
				return errUnchanged
			}
			if !p.UserType.Allows(role) {
				return fail.Conflict("role_incompatible_type",
					"A "+string(p.UserType)+" can only be a member: change the user type to creator or professional first.",
					map[string]any{"userType": string(p.UserType), "role": string(role)})
			}
			return nil
		},
		apply: each(func(tx core.App, t *target) error {
			from := t.M.GetString("role")
			t.M.Set("role", string(role))
			if err := tx.Save(t.M); err != nil {
				return err
			}
			t.U.RefreshTokenKey() // the member signs in again with their new role
			if err := tx.Save(t.U); err != nil {
				return err
			}
			if err := record(tx, actor, access.MembersChangeRole, t,
				map[string]any{"role": from}, map[string]any{"role": string(role), "sessionsRevoked": true}); err != nil {
				return err
			}
			org, err := tx.FindRecordById("organizations", actor.Org)
			if err != nil {
				return err
			}
			lang := mail.LanguageOf(t.U, org)
			return mail.Queue(tx, mail.Mail{Org: actor.Org, To: t.U.Email(), Template: "role_changed", Language: lang,
				Data: map[string]any{"Name": t.Name(), "OrgName": org.GetString("name"), "ActorName": actorName(actor, lang),
					"Role": roleNames[lang][role], "Admin": role == access.RoleAdmin}})
		}),
	}
}

// roleNames name the roles in mails, as they read after "you are now".
var roleNames = map[string]map[access.Role]string{
	"fr": {access.RoleOwner: "propriétaire", access.RoleAdmin: "administrateur", access.RoleMember: "membre"},
	"en": {access.RoleOwner: "the owner", access.RoleAdmin: "an administrator", access.RoleMember: "a member"},
}

// actorName is how mails name who acted: a member by their name, the instance operator
// (CLI) by their function.
func actorName(actor access.Actor, lang string) string {
	switch {
	case actor.User != "":
		return actor.Name
	case actor.IsOperator():
		return map[string]string{"fr": "l’opérateur de l’instance", "en": "the instance operator"}[lang]
	}
	return actor.Label
}
