package orgsettings

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/images"
	"roster/internal/security"
)

// Patch is a settings change; nil fields are left as they are.
type Patch struct {
	Name                 *string
	DefaultLanguage      *string
	DefaultUnits         *string
	MfaEnabled           *bool
	MfaRequired          *bool
	SsoEnabled           *bool
	CreditBudgeting      *bool
	CreditsPool          *float64
	InviteTtlDays        *int
	AllowedDomains       *[]string
	PartnerAccessDefault *bool
	NewMemberRole        *string
	NewMemberUserType    *string
	// SetNewMemberCredits changes the credits a new member starts with to
	// NewMemberCredits: a number, or nil for no limit.
	SetNewMemberCredits bool
	NewMemberCredits    *float64
	// ReportSections maps "admin" and/or "member" to the sections they see; a role
	// left out keeps its sections.
	ReportSections map[string][]string
	// LogoFile is a new logo (a multipart upload); RemoveLogo removes the current one.
	LogoFile   *filesystem.File
	RemoveLogo bool
}

// Limits of the settings.
const (
	MaxLogoSize       = 2 << 20
	MaxAllowedDomains = 100
	MaxCreditsPool    = 1e12
	MinInviteTtlDays  = 1
	MaxInviteTtlDays  = 90
)

var (
	languages = []string{"fr", "en"}
	units     = []string{"metric", "imperial"}
	// A domain: dot-separated labels of letters, digits and inner dashes, and a top
	// level of letters (or an IDNA "xn--" label). Letters may be accented.
	domainPattern = regexp.MustCompile(`^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$`)
)

// validate checks every field on its own and normalises the text ones (trimmed,
// domains lower-cased, without "@", once each). Errors: 400 naming the field.
func (p *Patch) validate() error {
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		switch {
		case n == "":
			return fail.Invalid("name", "required", "The organisation needs a name.")
		case utf8.RuneCountInString(n) > 200:
			return fail.Invalid("name", "too_long", "The name is at most 200 characters.")
		}
		p.Name = &n
	}
	for field, c := range map[string]struct {
		v       *string
		choices []string
	}{
		"defaultLanguage":   {p.DefaultLanguage, languages},
		"defaultUnits":      {p.DefaultUnits, units},
		"newMemberRole":     {p.NewMemberRole, []string{string(access.RoleMember), string(access.RoleAdmin)}},
		"newMemberUserType": {p.NewMemberUserType, userTypes()},
	} {
		if c.v != nil && !slices.Contains(c.choices, *c.v) {
			return fail.Invalid(field, "invalid_choice", "Choose one of: "+strings.Join(c.choices, ", ")+".")
		}
	}
	if p.MfaEnabled != nil && p.MfaRequired != nil && *p.MfaRequired && !*p.MfaEnabled {
		return fail.Invalid("mfaEnabled", "required_by_mfa_required", "Two-factor authentication cannot be off while it is required.")
	}
	if err := amount("creditsPool", p.CreditsPool); err != nil {
		return err
	}
	if p.SetNewMemberCredits {
		if err := amount("newMemberCredits", p.NewMemberCredits); err != nil {
			return err
		}
	}
	if p.InviteTtlDays != nil && (*p.InviteTtlDays < MinInviteTtlDays || *p.InviteTtlDays > MaxInviteTtlDays) {
		return fail.Invalid("inviteTtlDays", "out_of_range", fmt.Sprintf("Invitations last %d to %d days.", MinInviteTtlDays, MaxInviteTtlDays))
	}
	if p.AllowedDomains != nil {
		list, err := domains(*p.AllowedDomains)
		if err != nil {
			return err
		}
		p.AllowedDomains = &list
	}
	if p.ReportSections != nil {
		for role, list := range p.ReportSections {
			if role != string(access.RoleAdmin) && role != string(access.RoleMember) {
				return fail.Invalid("reportSections", "invalid_role", "Report sections are shared with \"admin\" and \"member\" only.")
			}
			for _, s := range list {
				if !slices.Contains(Sections, s) {
					return fail.Invalid("reportSections", "invalid_choice", fmt.Sprintf("Unknown report section %q: use %s.", s, strings.Join(Sections, ", ")))
				}
			}
		}
	}
	if f := p.LogoFile; f != nil {
		if err := images.Check("logo", f, MaxLogoSize); err != nil {
			return err
		}
		// Storage keeps the name the client sent as metadata, which must be UTF-8.
		f.OriginalName = strings.ToValidUTF8(f.OriginalName, "_")
	}
	return nil
}

func userTypes() []string {
	out := make([]string, len(access.UserTypes))
	for i, t := range access.UserTypes {
		out[i] = string(t)
	}
	return out
}

func amount(field string, v *float64) error {
	switch {
	case v == nil:
		return nil
	case math.IsNaN(*v) || *v < 0:
		return fail.Invalid(field, "negative", "Credits are a number from 0.")
	case *v > MaxCreditsPool:
		return fail.Invalid(field, "too_large", "That is more credits than an organisation may hold.")
	}
	return nil
}

// domains normalises and checks a list of allowed email domains.
func domains(in []string) ([]string, error) {
	out := []string{}
	for _, d := range in {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" || slices.Contains(out, d) {
			continue
		}
		if len(d) > 253 || !domainPattern.MatchString(d) {
			return nil, fail.Invalid("allowedDomains", "invalid_domain", fmt.Sprintf("%q is not a domain name (example: acme.org).", d))
		}
		out = append(out, d)
	}
	if len(out) > MaxAllowedDomains {
		return nil, fail.Invalid("allowedDomains", "too_many", fmt.Sprintf("At most %d domains.", MaxAllowedDomains))
	}
	return out, nil
}

// Update changes the organisation's settings and answers them as they now are.
// Two-factor sign-in required implies it enabled: requiring it switches it on, and
// switching it off stops requiring it. A change writes one audit row, org.settings,
// with the changed fields before and after; a change that changes nothing writes none.
// Access: org.settings, and reports.settings for reportSections (the owner alone).
// Errors: 403 from the policy; 400 naming the field: name (required, too_long),
// defaultLanguage, defaultUnits, newMemberRole, newMemberUserType (invalid_choice),
// mfaEnabled (required_by_mfa_required), 409 sso_not_configured (enabling enterprise
// sign-in with no identity provider), creditsPool and newMemberCredits (negative,
// too_large), inviteTtlDays (out_of_range), allowedDomains (invalid_domain, too_many),
// reportSections (invalid_role, invalid_choice), logo (image_too_large, invalid_type:
// see images.Check),
// newMemberRole (role_incompatible_type: viewers and contributors can only be members);
// 409 pool_exceeded {allocated, pool, requested} when budgeting is switched on, or the
// pool lowered, below what the members already take (billing's pool hook, on the save).
func Update(app core.App, actor access.Actor, p Patch) (*Settings, error) {
	if err := access.Can(actor.Member, access.OrgSettings, nil); err != nil {
		return nil, err
	}
	if p.ReportSections != nil {
		if err := access.Can(actor.Member, access.ReportsSettings, nil); err != nil {
			return nil, err
		}
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	err := app.RunInTransaction(func(tx core.App) error {
		org, err := tx.FindRecordById("organizations", actor.Org)
		if err != nil {
			return err
		}
		c := change{org: org, before: map[string]any{}, after: map[string]any{}}
		p.apply(&c)
		if err := c.implied(); err != nil {
			return err
		}
		if len(c.after) == 0 {
			return nil
		}
		if err := c.sso(tx); err != nil {
			return err
		}
		if err := tx.Save(org); err != nil {
			return fieldErrors(err)
		}
		if _, ok := c.after["logo"]; ok {
			c.after["logo"] = org.GetString("logo") // the stored file name
		}
		return audit.Record(tx, actor, access.OrgSettings, "organization", org.Id, org.GetString("name"),
			map[string]any{"before": c.before, "after": c.after})
	})
	if err != nil {
		return nil, err
	}
	return Get(app, actor)
}

// change is a settings change being applied to the organisation's record.
type change struct {
	org           *core.Record
	before, after map[string]any
}

// set changes one field when its value differs, remembering before and after.
func (c *change) set(field string, before, after any) {
	if fmt.Sprint(before) == fmt.Sprint(after) {
		return
	}
	c.before[field], c.after[field] = before, after
	c.org.Set(field, after)
}

func (p Patch) apply(c *change) {
	o := c.org
	text := func(field string, v *string) {
		if v != nil {
			c.set(field, o.GetString(field), *v)
		}
	}
	flag := func(field string, v *bool) {
		if v != nil {
			c.set(field, o.GetBool(field), *v)
		}
	}
	text("name", p.Name)
	text("defaultLanguage", p.DefaultLanguage)
	text("defaultUnits", p.DefaultUnits)
	text("newMemberRole", p.NewMemberRole)
	text("newMemberUserType", p.NewMemberUserType)
	flag("mfaEnabled", p.MfaEnabled)
	flag("mfaRequired", p.MfaRequired)
	flag("ssoEnabled", p.SsoEnabled)
	flag("creditBudgeting", p.CreditBudgeting)
	flag("partnerAccessDefault", p.PartnerAccessDefault)
	if p.CreditsPool != nil {
		c.set("creditsPool", o.GetFloat("creditsPool"), *p.CreditsPool)
	}
	if p.InviteTtlDays != nil {
		c.set("inviteTtlDays", o.GetInt("inviteTtlDays"), *p.InviteTtlDays)
	}
	if p.AllowedDomains != nil {
		c.set("allowedDomains", domainsOf(o), *p.AllowedDomains)
	}
	if p.SetNewMemberCredits {
		before, after := newMemberCreditsOf(o), p.NewMemberCredits
		if !sameCredits(before, after) {
			c.before["newMemberCredits"], c.after["newMemberCredits"] = before, after
			o.Set("newMemberCreditsLimited", after != nil)
			o.Set("newMemberCredits", 0)
			if after != nil {
				o.Set("newMemberCredits", *after)
			}
		}
	}
	if p.ReportSections != nil {
		before := sectionsOf(o)
		after := before
		if v, ok := p.ReportSections[string(access.RoleAdmin)]; ok {
			after.Admin = known(v)
		}
		if v, ok := p.ReportSections[string(access.RoleMember)]; ok {
			after.Member = known(v)
		}
		if !slices.Equal(before.Admin, after.Admin) || !slices.Equal(before.Member, after.Member) {
			c.before["reportSections"], c.after["reportSections"] = before, after
			o.Set("reportSections", after)
		}
	}
	switch {
	case p.LogoFile != nil:
		c.before["logo"], c.after["logo"] = o.GetString("logo"), p.LogoFile.Name
		o.Set("logo", p.LogoFile)
	case p.RemoveLogo && o.GetString("logo") != "":
		c.before["logo"], c.after["logo"] = o.GetString("logo"), ""
		o.Set("logo", "")
	}
}

// implied enforces the rules between fields on the organisation as it would be:
// MFA required implies enabled, and a new member's role must suit their user type.
func (c *change) implied() error {
	o := c.org
	_, enabling := c.after["mfaRequired"]
	switch {
	case enabling && o.GetBool("mfaRequired") && !o.GetBool("mfaEnabled"):
		if _, asked := c.after["mfaEnabled"]; asked {
			return fail.Invalid("mfaEnabled", "required_by_mfa_required", "Two-factor authentication cannot be off while it is required.")
		}
		c.set("mfaEnabled", false, true)
	case !o.GetBool("mfaEnabled") && o.GetBool("mfaRequired"):
		c.set("mfaRequired", true, false)
	}
	role, ut := access.Role(o.GetString("newMemberRole")), access.UserType(o.GetString("newMemberUserType"))
	if !ut.Allows(role) {
		field := "newMemberRole"
		if _, ok := c.after["newMemberUserType"]; ok {
			field = "newMemberUserType"
		}
		return fail.Invalid(field, "role_incompatible_type", fmt.Sprintf("A new %s can only be a member: new administrators need the creator or professional type.", ut))
	}
	return nil
}

// sso applies a change of enterprise sign-in. It is enabled only when the operator
// configured an identity provider. Turning it off gives the organisation's SSO accounts
// back to passwords: the provider no longer signs them in, and they choose a password
// with the forgot-password mail (which SSO accounts do not get). The audit row counts them.
func (c *change) sso(tx core.App) error {
	if _, changed := c.after["ssoEnabled"]; !changed {
		return nil
	}
	if c.org.GetBool("ssoEnabled") {
		if security.OIDCName(tx) == "" {
			return fail.Conflict("sso_not_configured", "The instance operator has not configured an identity provider: ask them to, then enable enterprise sign-in.", nil)
		}
		return nil
	}
	res, err := tx.DB().NewQuery(`UPDATE users SET authSource = 'password'
		WHERE authSource = 'sso' AND id IN (SELECT user FROM memberships WHERE org = {:org})`).
		Bind(dbx.Params{"org": c.org.Id}).Execute()
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	c.after["ssoAccountsToPassword"] = n
	return nil
}

func sameCredits(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// fieldErrors turns the record's own validation (PocketBase's) into a 400 naming the
// first field, as the rest of the API answers.
func fieldErrors(err error) error {
	var ve validation.Errors
	if !errors.As(err, &ve) {
		return err
	}
	for field, e := range ve {
		code := "invalid"
		var ve2 validation.Error
		if errors.As(e, &ve2) {
			code = ve2.Code()
		}
		return fail.Invalid(field, code, e.Error())
	}
	return err
}
