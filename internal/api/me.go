package api

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/invites"
	"roster/internal/mail"
	"roster/internal/members"
	"roster/internal/people"
)

// me answers who is signed in, in which organisation, and what they may do there.
func me(e *core.RequestEvent) error {
	a := session(e)
	org, err := e.App.FindRecordById("organizations", a.Org)
	if err != nil {
		return err
	}
	u := a.User
	perms := access.Permissions(a.Member)
	if perms == nil {
		perms = []access.Action{}
	}
	restrictions := a.Restrictions
	if restrictions == nil {
		restrictions = []string{}
	}
	checklist, err := checklistOf(e.App, a.Actor)
	if err != nil {
		return err
	}
	return e.JSON(200, map[string]any{
		"user": map[string]any{
			"id": u.Id, "email": u.Email(), "username": u.GetString("username"),
			"givenName": u.GetString("givenName"), "familyName": u.GetString("familyName"),
			"name": people.Name(u), "language": u.GetString("language"), "units": u.GetString("units"),
			"avatar": u.GetString("avatar"), "mfaEnabled": u.GetBool("totpEnabled"),
		},
		"org": map[string]any{
			"id": org.Id, "name": org.GetString("name"), "slug": org.GetString("slug"),
			"defaultLanguage": org.GetString("defaultLanguage"), "logo": org.GetString("logo"),
			"mfaEnabled": org.GetBool("mfaEnabled"), "mfaRequired": org.GetBool("mfaRequired"),
		},
		"membership": map[string]any{
			"id": a.ID, "role": a.Role, "userType": a.UserType, "status": a.Status,
		},
		"permissions":    perms,
		"restrictions":   restrictions,
		"invitableRoles": access.InvitableRoles(a.Member),
		// Whether Roster can send mail: without a mail server the UI promises none, and
		// says that invitation links and temporary passwords are handed over by hand.
		"mail":      mail.Enabled(e.App),
		"checklist": checklist,
		// What user types allow, so the UI's pickers offer only who would be accepted.
		"userTypes": map[string]any{
			"owners":        access.UserTypesThat(access.UserType.CanOwn),
			"admins":        access.UserTypesThat(func(t access.UserType) bool { return t.Allows(access.RoleAdmin) }),
			"sharedEditors": access.UserTypesThat(access.UserType.CanEditShared),
		},
	})
}

// orgSummary is the organisation's public face for its members.
func orgSummary(e *core.RequestEvent) error {
	org, err := e.App.FindRecordById("organizations", actor(e).Org)
	if err != nil {
		return err
	}
	return e.JSON(200, map[string]any{
		"id": org.Id, "name": org.GetString("name"), "slug": org.GetString("slug"),
		"defaultLanguage": org.GetString("defaultLanguage"), "logo": org.GetString("logo"),
	})
}

// updateOwnProfile edits the signed-in member's own profile.
func updateOwnProfile(e *core.RequestEvent) error {
	p, err := decodeProfile(e)
	if err != nil {
		return err
	}
	a := actor(e)
	if err := members.UpdateProfile(e.App, a, a.ID, p); err != nil {
		return err
	}
	return e.NoContent(204)
}

// checklist is a new organisation's first steps, for whoever may take them: invite
// someone (done once there is another member or a pending invitation), choose the plan
// (the owner's: billing.PlanChosen). Turning on two-factor sign-in is the account's own
// mfaEnabled. Nil for a member who may not invite, and once the organisation counts
// setUpAt members: it is past its first steps, and its members list needs the room.
type checklist struct {
	Invited    bool  `json:"invited"`
	PlanChosen *bool `json:"planChosen,omitempty"`
}

const setUpAt = 10

func checklistOf(app core.App, a access.Actor) (*checklist, error) {
	if access.Can(a.Member, access.MembersInvite, &access.Member{Role: access.RoleMember}) != nil {
		return nil, nil
	}
	seats, err := invites.SeatsOf(app, a)
	if err != nil {
		return nil, err
	}
	if seats.Used >= setUpAt {
		return nil, nil
	}
	c := &checklist{Invited: seats.Used > 1 || seats.Pending > 0}
	if access.Can(a.Member, access.BillingManage, nil) == nil {
		chosen, err := billing.PlanChosen(app, a.Org)
		if err != nil {
			return nil, err
		}
		c.PlanChosen = &chosen
	}
	return c, nil
}
