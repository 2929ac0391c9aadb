package members

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// Profile is a profile edit; nil fields are left unchanged.
type Profile struct {
	GivenName   *string `json:"givenName"`
	FamilyName  *string `json:"familyName"`
	Description *string `json:"description"`
	Visibility  *string `json:"visibility"`
	Language    *string `json:"language"`
	Units       *string `json:"units"`
}

var profileChoices = map[string][]string{
	"visibility": {"private", "org", "public"},
	"language":   {"fr", "en"},
	"units":      {"metric", "imperial"},
}

func (p Profile) fields() map[string]*string {
	return map[string]*string{
		"givenName": p.GivenName, "familyName": p.FamilyName, "description": p.Description,
		"visibility": p.Visibility, "language": p.Language, "units": p.Units,
	}
}

func (p Profile) validate() error {
	limits := map[string]int{"givenName": 100, "familyName": 100, "description": 2000}
	for name, v := range p.fields() {
		if v == nil {
			continue
		}
		if max, ok := limits[name]; ok && len([]rune(strings.TrimSpace(*v))) > max {
			return fail.Invalid(name, "too_long", "This text is too long.")
		}
		if choices, ok := profileChoices[name]; ok && !contains(choices, *v) {
			return fail.Invalid(name, "invalid_choice", "Choose one of: "+strings.Join(choices, ", ")+".")
		}
	}
	return nil
}

// UpdateProfile edits target's profile (access: members.updateProfile) and records the
// change with its before and after values. Errors: 403 from the policy, 400 per field.
func UpdateProfile(app core.App, actor *Actor, target *core.Record, p Profile, ip string) error {
	if err := access.Can(actor.Member, access.MembersUpdateProfile, ptr(ToMember(target))); err != nil {
		return err
	}
	if err := p.validate(); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		user, err := tx.FindRecordById("users", target.GetString("user"))
		if err != nil {
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		for name, v := range p.fields() {
			if v == nil {
				continue
			}
			val := strings.TrimSpace(*v)
			if user.GetString(name) == val {
				continue
			}
			before[name], after[name] = user.GetString(name), val
			user.Set(name, val)
		}
		if len(after) == 0 {
			return nil
		}
		if err := tx.Save(user); err != nil {
			return err
		}
		return audit.Write(tx, audit.Entry{
			Org: actor.Org, Actor: actor.ID, ActorLabel: actor.Label, Action: string(access.MembersUpdateProfile),
			TargetType: "membership", TargetID: target.Id,
			TargetLabel: audit.Label(user.GetString("givenName"), user.GetString("familyName"), user.Email()),
			Details:     map[string]any{"before": before, "after": after}, IP: ip,
		})
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
