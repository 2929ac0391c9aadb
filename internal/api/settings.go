package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
	"roster/internal/orgsettings"
	"roster/internal/paging"
)

// settingsRoutes: the owner's organisation settings, the MFA compliance list, and the
// outbox (owner and administrators).
func settingsRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/settings", handle(getSettings))
	// A logo is at most 2 MB; the rest of the form is small.
	org.PATCH("/settings", handle(updateSettings)).Bind(apis.BodyLimit(orgsettings.MaxLogoSize + 1<<20))
	org.GET("/settings/mfa-compliance", handle(mfaCompliance))
	outboxRoutes(org)
}

func getSettings(e *core.RequestEvent) error {
	s, err := orgsettings.Get(e.App, actor(e))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, s)
}

func updateSettings(e *core.RequestEvent) error {
	p, err := decodeSettings(e)
	if err != nil {
		return err
	}
	s, err := orgsettings.Update(e.App, actor(e), p)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, s)
}

func mfaCompliance(e *core.RequestEvent) error {
	r, err := paging.Parse(e.Request.URL.Query(), paging.Lists)
	if err != nil {
		return err
	}
	p, err := orgsettings.MfaCompliance(e.App, actor(e), r)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}

// settingsBody is a settings change as JSON sends it. newMemberCredits is a number or
// null (no limit); logo is null or "" to remove the logo (a new one is a multipart
// upload), as is deleteLogo.
type settingsBody struct {
	Name                 *string             `json:"name"`
	DefaultLanguage      *string             `json:"defaultLanguage"`
	DefaultUnits         *string             `json:"defaultUnits"`
	MfaEnabled           *bool               `json:"mfaEnabled"`
	MfaRequired          *bool               `json:"mfaRequired"`
	SsoEnabled           *bool               `json:"ssoEnabled"`
	CreditBudgeting      *bool               `json:"creditBudgeting"`
	CreditsPool          *float64            `json:"creditsPool"`
	InviteTtlDays        *int                `json:"inviteTtlDays"`
	AllowedDomains       *[]string           `json:"allowedDomains"`
	PartnerAccessDefault *bool               `json:"partnerAccessDefault"`
	NewMemberRole        *string             `json:"newMemberRole"`
	NewMemberUserType    *string             `json:"newMemberUserType"`
	NewMemberCredits     json.RawMessage     `json:"newMemberCredits"`
	ReportSections       map[string][]string `json:"reportSections"`
	Logo                 json.RawMessage     `json:"logo"`
	DeleteLogo           bool                `json:"deleteLogo"`
}

// settingsText are the fields a multipart form sends as plain text, settingsBools its
// yes/no fields (formBool); the others are JSON values (7, ["acme.org"], {"admin": [...]}).
var (
	settingsText = map[string]bool{"name": true, "defaultLanguage": true, "defaultUnits": true,
		"newMemberRole": true, "newMemberUserType": true, "logo": true}
	settingsBools = map[string]bool{"mfaEnabled": true, "mfaRequired": true, "ssoEnabled": true, "creditBudgeting": true,
		"partnerAccessDefault": true, "deleteLogo": true}
)

// decodeSettings reads a settings change: JSON, or a multipart form whose logo part is
// the new logo.
func decodeSettings(e *core.RequestEvent) (orgsettings.Patch, error) {
	var b settingsBody
	var p orgsettings.Patch
	if isMultipart(e) {
		text, err := multipartFields(e)
		if err != nil {
			return p, err
		}
		fields := map[string]any{}
		for k, v := range text {
			var x any
			switch {
			case settingsBools[k]:
				b, err := formBool(text, k)
				if err != nil {
					return p, err
				}
				x = b
			case settingsText[k] || json.Unmarshal([]byte(v), &x) != nil:
				x = v
			}
			fields[k] = x
		}
		raw, _ := json.Marshal(fields)
		if err := json.Unmarshal(raw, &b); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return p, fail.Invalid(te.Field, "invalid_type", "This value has the wrong type.")
			}
			return p, fail.Invalid("body", "invalid_form", "The form could not be read.")
		}
		files, err := e.FindUploadedFiles("logo")
		switch {
		case err == nil:
			p.LogoFile = files[0]
		case !errors.Is(err, http.ErrMissingFile):
			return p, fail.Invalid("logo", "invalid_file", "The logo could not be read.")
		}
	} else if err := decodeJSON(e, &b); err != nil {
		return p, err
	}
	p.Name, p.DefaultLanguage, p.DefaultUnits = b.Name, b.DefaultLanguage, b.DefaultUnits
	p.MfaEnabled, p.MfaRequired, p.CreditBudgeting, p.CreditsPool = b.MfaEnabled, b.MfaRequired, b.CreditBudgeting, b.CreditsPool
	p.SsoEnabled = b.SsoEnabled
	p.InviteTtlDays, p.AllowedDomains, p.PartnerAccessDefault = b.InviteTtlDays, b.AllowedDomains, b.PartnerAccessDefault
	p.NewMemberRole, p.NewMemberUserType, p.ReportSections = b.NewMemberRole, b.NewMemberUserType, b.ReportSections
	if len(b.NewMemberCredits) > 0 {
		credits, err := numberOrNull("newMemberCredits", b.NewMemberCredits)
		if err != nil {
			return p, err
		}
		p.SetNewMemberCredits, p.NewMemberCredits = true, credits
	}
	switch logo := strings.TrimSpace(string(b.Logo)); {
	case b.DeleteLogo || logo == "null" || logo == `""` || logo == "" && len(b.Logo) > 0:
		p.RemoveLogo = p.LogoFile == nil
	case logo != "" && p.LogoFile == nil:
		return p, fail.Invalid("logo", "upload_required", "Send the logo as a file (multipart upload), or null to remove it.")
	}
	return p, nil
}
