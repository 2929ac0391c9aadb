// Package orgsettings owns what an organisation's owner configures: its name and logo,
// default language and units, the two-factor policy, enterprise sign-in, credit budgeting, the invitation
// lifetime and the allowed email domains, the defaults new members start with, and which
// report sections administrators and members see. Every change is one transaction with
// one audit row (org.settings) that holds the changed fields before and after.
package orgsettings

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/security"
)

// Settings is an organisation's configuration as the owner sees and edits it.
type Settings struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Slug            string `json:"slug"`
	Logo            string `json:"logo"`    // file name, "" when none
	LogoURL         string `json:"logoUrl"` // where the picture is served, "" when none
	DefaultLanguage string `json:"defaultLanguage"`
	DefaultUnits    string `json:"defaultUnits"`
	MfaEnabled      bool   `json:"mfaEnabled"`
	MfaRequired     bool   `json:"mfaRequired"`
	// SsoEnabled lets members sign in through the operator's identity provider, named
	// by SSO (nil when the operator configured none).
	SsoEnabled           bool           `json:"ssoEnabled"`
	SSO                  *SSOOption     `json:"sso"`
	CreditBudgeting      bool           `json:"creditBudgeting"`
	CreditsPool          float64        `json:"creditsPool"`
	InviteTtlDays        int            `json:"inviteTtlDays"`
	AllowedDomains       []string       `json:"allowedDomains"`
	PartnerAccessDefault bool           `json:"partnerAccessDefault"`
	NewMemberRole        string         `json:"newMemberRole"`
	NewMemberUserType    string         `json:"newMemberUserType"`
	NewMemberCredits     *float64       `json:"newMemberCredits"` // nil: no limit
	ReportSections       ReportSections `json:"reportSections"`
	// MfaCompliance says who would have to set up two-factor sign-in, before (and
	// while) it is required.
	MfaCompliance Compliance `json:"mfaCompliance"`
}

// SSOOption is the enterprise sign-in an organisation may enable.
type SSOOption struct {
	Name string `json:"name"`
}

// Get answers the organisation's settings with the MFA compliance summary.
// Access: org.settings (the owner alone). Errors: 403 from the policy.
func Get(app core.App, actor access.Actor) (*Settings, error) {
	if err := access.Can(actor.Member, access.OrgSettings, nil); err != nil {
		return nil, err
	}
	org, err := app.FindRecordById("organizations", actor.Org)
	if err != nil {
		return nil, err
	}
	s := view(org)
	if name := security.OIDCName(app); name != "" {
		s.SSO = &SSOOption{Name: name}
	}
	if s.MfaCompliance, err = summary(app, actor); err != nil {
		return nil, err
	}
	return s, nil
}

func view(org *core.Record) *Settings {
	s := &Settings{
		ID: org.Id, Name: org.GetString("name"), Slug: org.GetString("slug"), Logo: org.GetString("logo"),
		DefaultLanguage: org.GetString("defaultLanguage"), DefaultUnits: org.GetString("defaultUnits"),
		MfaEnabled: org.GetBool("mfaEnabled"), MfaRequired: org.GetBool("mfaRequired"), SsoEnabled: org.GetBool("ssoEnabled"),
		CreditBudgeting: org.GetBool("creditBudgeting"), CreditsPool: org.GetFloat("creditsPool"),
		InviteTtlDays: org.GetInt("inviteTtlDays"), AllowedDomains: domainsOf(org),
		PartnerAccessDefault: org.GetBool("partnerAccessDefault"),
		NewMemberRole:        org.GetString("newMemberRole"), NewMemberUserType: org.GetString("newMemberUserType"),
		NewMemberCredits: newMemberCreditsOf(org), ReportSections: sectionsOf(org),
	}
	if s.Logo != "" {
		s.LogoURL = "/api/files/organizations/" + org.Id + "/" + s.Logo
	}
	return s
}

// domainsOf reads the allowed domains (never nil).
func domainsOf(org *core.Record) []string {
	var list []string
	_ = org.UnmarshalJSONField("allowedDomains", &list)
	if list == nil {
		list = []string{}
	}
	return list
}

// newMemberCreditsOf is the allocation a new member starts with: nil for no limit.
func newMemberCreditsOf(org *core.Record) *float64 {
	if !org.GetBool("newMemberCreditsLimited") {
		return nil
	}
	v := org.GetFloat("newMemberCredits")
	return &v
}
