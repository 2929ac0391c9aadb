package members

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/images"
	"roster/internal/mail"
)

// Profile is a profile edit; nil fields are left unchanged.
type Profile struct {
	GivenName   *string `json:"givenName"`
	FamilyName  *string `json:"familyName"`
	Description *string `json:"description"`
	Visibility  *string `json:"visibility"`
	Language    *string `json:"language"`
	Units       *string `json:"units"`
	Email       *string `json:"email"`
	// Avatar "" removes the picture, as does DeleteAvatar; a new picture is AvatarFile
	// (a multipart upload), never a string.
	Avatar       *string          `json:"avatar"`
	DeleteAvatar bool             `json:"deleteAvatar"`
	AvatarFile   *filesystem.File `json:"-"`
}

// MaxAvatarSize is the largest picture accepted, in bytes.
const MaxAvatarSize = images.MaxBytes

var profileChoices = map[string][]string{
	"visibility": {"private", "org", "public"},
	"language":   {"fr", "en"},
	"units":      {"metric", "imperial"},
}

// profileFields lists the plain text fields in the order a mail names them.
var profileFields = []string{"givenName", "familyName", "description", "visibility", "language", "units"}

func (p Profile) fields() map[string]*string {
	return map[string]*string{
		"givenName": p.GivenName, "familyName": p.FamilyName, "description": p.Description,
		"visibility": p.Visibility, "language": p.Language, "units": p.Units,
	}
}

func (p *Profile) validate() error {
	limits := map[string]int{"givenName": 100, "familyName": 100, "description": 2000}
	for _, name := range profileFields {
		v := p.fields()[name]
		if v == nil {
			continue
		}
		if max, ok := limits[name]; ok && utf8.RuneCountInString(strings.TrimSpace(*v)) > max {
			return fail.Invalid(name, "too_long", "This text is too long.")
		}
		if choices, ok := profileChoices[name]; ok && !slices.Contains(choices, *v) {
			return fail.Invalid(name, "invalid_choice", "Choose one of: "+strings.Join(choices, ", ")+".")
		}
	}
	if p.Email != nil {
		e := strings.ToLower(strings.TrimSpace(*p.Email))
		if e == "" {
			return fail.Invalid("email", "required", "An email address is required.")
		}
		if !mail.ValidAddress(e) {
			return fail.Invalid("email", "invalid_email", "This is not a valid email address.")
		}
		p.Email = &e
	}
	if p.Avatar != nil && *p.Avatar != "" {
		return fail.Invalid("avatar", "upload_required", "Send the picture as a file (multipart upload), or \"\" to remove it.")
	}
	if f := p.AvatarFile; f != nil {
		if err := images.Check("avatar", f, MaxAvatarSize); err != nil {
			return err
		}
		// Storage keeps the name the client sent as metadata, which must be UTF-8.
		f.OriginalName = strings.ToValidUTF8(f.OriginalName, "_")
	}
	return nil
}

func (p Profile) removesAvatar() bool {
	return p.AvatarFile == nil && (p.DeleteAvatar || p.Avatar != nil && *p.Avatar == "")
}

// diff lists what p changes on account u, before and after (the avatar by file name).
func (p Profile) diff(u *core.Record) (before, after map[string]any) {
	before, after = map[string]any{}, map[string]any{}
	for _, name := range profileFields {
		v := p.fields()[name]
		if v == nil {
			continue
		}
		if val := strings.TrimSpace(*v); u.GetString(name) != val {
			before[name], after[name] = u.GetString(name), val
		}
	}
	if p.Email != nil && *p.Email != strings.ToLower(u.Email()) {
		before["email"], after["email"] = u.Email(), *p.Email
	}
	switch {
	case p.AvatarFile != nil:
		before["avatar"], after["avatar"] = u.GetString("avatar"), p.AvatarFile.Name
	case p.removesAvatar() && u.GetString("avatar") != "":
		before["avatar"], after["avatar"] = u.GetString("avatar"), ""
	}
	return before, after
}

// UpdateProfile edits member id's profile: names, description, visibility, language,
// units, email address and picture. Access: members.updateProfile (members edit their
// own; admins also members'; the owner anyone's), and members.changeEmail for a new
// email address (never a member's own). A new email address ends the member's sessions.
// When someone else edits the profile, the member is told by mail in their language
// (profile_changed); a new email address is announced to the old and the new address
// (email_changed). Unchanged is a no-op; a member changing only their own language
// writes no audit row (ownLanguageOnly).
// Errors: 400 per field (invalid_choice, too_long, invalid_email, avatar
// image_too_large or invalid_type: see images.Check), 404, 403 from the policy, 409 email_taken, 409 domain_not_allowed.
func UpdateProfile(app core.App, actor access.Actor, id string, p Profile) error {
	if err := p.validate(); err != nil {
		return err
	}
	var before, after map[string]any
	return runOne(app, actor, id, op{
		check: func(tx core.App, t *target) error {
			if err := can(actor, access.MembersUpdateProfile, t); err != nil {
				return err
			}
			if before, after = p.diff(t.U); len(after) == 0 {
				return errUnchanged
			}
			if _, ok := after["email"]; ok {
				return emailFree(tx, actor, t, *p.Email)
			}
			return nil
		},
		apply: each(func(tx core.App, t *target) error {
			for name := range after {
				switch name {
				case "email":
					t.U.SetEmail(*p.Email) // saving a new email rotates the token key
				case "avatar":
					if p.AvatarFile != nil {
						t.U.Set("avatar", p.AvatarFile)
					} else {
						t.U.Set("avatar", "")
					}
				default:
					t.U.Set(name, after[name])
				}
			}
			if err := tx.Save(t.U); err != nil {
				return err
			}
			if !ownLanguageOnly(actor, t, after) {
				if err := record(tx, actor, access.MembersUpdateProfile, t, before, after); err != nil {
					return err
				}
			}
			return notifyProfile(tx, actor, t, before, after)
		}),
	})
}

// ownLanguageOnly reports whether the edit is a member choosing their own language and
// nothing else: the FR/EN switch saves it at every click, a preference nobody needs to
// account for, so it writes no audit row. The same change made by someone else, or
// with any other field, is audited.
func ownLanguageOnly(actor access.Actor, t *target, after map[string]any) bool {
	_, lang := after["language"]
	return lang && len(after) == 1 && actor.ID == t.M.Id
}

// emailFree checks that actor may give t the address email and that no account has it.
func emailFree(tx core.App, actor access.Actor, t *target, email string) error {
	if err := can(actor, access.MembersChangeEmail, t); err != nil {
		return err
	}
	n, err := tx.CountRecords("users", dbx.NewExp("email = {:e} COLLATE NOCASE AND id != {:id}",
		dbx.Params{"e": email, "id": t.U.Id}))
	if err != nil {
		return err
	}
	if n > 0 {
		return fail.Conflict("email_taken", "Another account already uses this email address.", map[string]any{"email": email})
	}
	org, err := tx.FindRecordById("organizations", actor.Org)
	if err != nil {
		return err
	}
	var domains []string
	_ = json.Unmarshal([]byte(org.GetString("allowedDomains")), &domains)
	_, domain, _ := strings.Cut(email, "@")
	if len(domains) > 0 && !slices.ContainsFunc(domains, func(d string) bool { return strings.EqualFold(d, domain) }) {
		return fail.Conflict("domain_not_allowed", "This organisation only accepts addresses of its allowed domains.",
			map[string]any{"email": email, "allowedDomains": domains})
	}
	return nil
}

// fieldNames name the profile fields in the mails, per language.
var fieldNames = map[string]map[string]string{
	"fr": {"givenName": "prénom", "familyName": "nom", "email": "adresse e-mail", "description": "description",
		"avatar": "miniature", "visibility": "visibilité du profil", "language": "langue", "units": "unités"},
	"en": {"givenName": "given name", "familyName": "family name", "email": "email address", "description": "description",
		"avatar": "picture", "visibility": "profile visibility", "language": "language", "units": "units"},
}

// changedFields is a readable list of the changed fields: "prénom, nom et langue".
func changedFields(lang string, after map[string]any) string {
	names := fieldNames[lang]
	and := map[string]string{"fr": " et ", "en": " and "}[lang]
	var out []string
	for _, f := range []string{"givenName", "familyName", "email", "description", "avatar", "visibility", "language", "units"} {
		if _, ok := after[f]; ok {
			out = append(out, names[f])
		}
	}
	if len(out) < 2 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], ", ") + and + out[len(out)-1]
}

// notifyProfile queues the mails of a profile edit, sent once the change commits: the
// member is told of an edit made by someone else, and a new email address is announced
// to both addresses.
func notifyProfile(tx core.App, actor access.Actor, t *target, before, after map[string]any) error {
	_, emailChanged := after["email"]
	self, others := actor.ID == t.M.Id, len(after) > 1 || !emailChanged
	if self && !emailChanged {
		return nil
	}
	org, err := tx.FindRecordById("organizations", actor.Org)
	if err != nil {
		return err
	}
	lang := mail.LanguageOf(t.U, org)
	data := map[string]any{"Name": t.Name(), "OrgName": org.GetString("name"), "ActorName": actorName(actor, lang)}
	var mails []mail.Mail
	if emailChanged {
		d := map[string]any{"OldEmail": before["email"], "NewEmail": after["email"]}
		for k, v := range data {
			d[k] = v
		}
		for _, to := range []string{before["email"].(string), after["email"].(string)} {
			mails = append(mails, mail.Mail{Org: actor.Org, To: to, Template: "email_changed", Language: lang, Data: d})
		}
	}
	// The email_changed mails already tell of a new address; profile_changed is for the rest.
	if !self && others {
		d := map[string]any{"Fields": changedFields(lang, after)}
		for k, v := range data {
			d[k] = v
		}
		mails = append(mails, mail.Mail{Org: actor.Org, To: t.U.Email(), Template: "profile_changed", Language: lang, Data: d})
	}
	for _, m := range mails {
		if err := mail.Queue(tx, m); err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
