package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
	"roster/internal/invites"
)

// invitationRoutes: inviting, the invitation lifecycle and the public join flow. The
// public routes sit under /api/invitations/, which has its own rate limit (30/60 s per IP).
func invitationRoutes(public, org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/seats", handle(getSeats))
	org.GET("/invitations", handle(listInvitations))
	org.POST("/invitations", handle(createInvitations)).Bind(apis.BodyLimit(2 << 20))
	org.POST("/invitations/{id}/resend", handle(resendInvitation))
	org.DELETE("/invitations/{id}", handle(revokeInvitation))

	public.GET("/api/invitations/{token}", handle(previewInvitation)).BindFunc(hideToken)
	public.POST("/api/invitations/{token}/accept", handle(acceptInvitation)).BindFunc(hideToken)
}

// hideToken keeps join tokens out of the request log, which PocketBase writes from the
// request's URL and referer once it is answered. Routing has already read the token
// into the path value the handlers use, so the URL can be rewritten before they run;
// the referer is the join page (/join/{token}) and goes.
func hideToken(e *core.RequestEvent) error {
	e.Request.Header.Del("Referer")
	u := *e.Request.URL
	u.Path = strings.Replace(u.Path, e.Request.PathValue("token"), "redacted", 1)
	u.RawPath = ""
	e.Request.URL = &u
	return e.Next()
}

func listInvitations(e *core.RequestEvent) error {
	f, err := invites.ParseFilter(e.Request.URL.Query())
	if err != nil {
		return err
	}
	page, err := invites.List(e.App, actor(e), f)
	if err != nil {
		return err
	}
	return e.JSON(200, page)
}

// createInvitations takes JSON ({emails: [..] or "a, b\n c", rows: [{email, role,
// userType, givenName, familyName}], role, userType, partnerAccess, credits, message,
// dryRun, skipInvalid}) or a multipart form with a CSV file and the same options as
// fields. A dry run, and a request with skipInvalid, answer 200 with every row's
// verdict; otherwise any failing row makes it a 409 and nothing is created.
func createInvitations(e *core.RequestEvent) error {
	req, err := decodeInvitations(e)
	if err != nil {
		return err
	}
	res, err := invites.Invite(e.App, actor(e), req)
	if err != nil {
		return err
	}
	return e.JSON(200, res)
}

func resendInvitation(e *core.RequestEvent) error {
	inv, err := invites.Resend(e.App, actor(e), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return e.JSON(200, inv)
}

func revokeInvitation(e *core.RequestEvent) error {
	inv, err := invites.Revoke(e.App, actor(e), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return e.JSON(200, inv)
}

func previewInvitation(e *core.RequestEvent) error {
	p, err := invites.PreviewOf(e.App, e.Request.PathValue("token"))
	if err != nil {
		return err
	}
	return e.JSON(200, p)
}

// acceptInvitation creates the account and answers as PocketBase's sign-in does
// ({token, record}): the auth hooks run, and the new member is signed in.
func acceptInvitation(e *core.RequestEvent) error {
	var in invites.Enrolment
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	user, err := invites.Accept(e.App, e.Request.PathValue("token"), in, e.RealIP())
	if err != nil {
		return err
	}
	if user, err = e.App.FindRecordById("users", user.Id); err != nil {
		return err
	}
	return apis.RecordAuthResponse(e, user, "password", nil)
}

// invitationBody is the JSON form of an invitation request.
type invitationBody struct {
	Emails        json.RawMessage `json:"emails"`
	Rows          []invites.Row   `json:"rows"`
	Role          string          `json:"role"`
	UserType      string          `json:"userType"`
	PartnerAccess *bool           `json:"partnerAccess"`
	Credits       json.RawMessage `json:"credits"`
	Message       string          `json:"message"`
	DryRun        bool            `json:"dryRun"`
	SkipInvalid   bool            `json:"skipInvalid"`
}

func decodeInvitations(e *core.RequestEvent) (invites.Request, error) {
	if isMultipart(e) {
		return decodeInvitationForm(e)
	}
	var in invitationBody
	if err := decodeJSON(e, &in); err != nil {
		return invites.Request{}, err
	}
	req := invites.Request{Rows: in.Rows, Role: in.Role, UserType: in.UserType, PartnerAccess: in.PartnerAccess,
		Message: in.Message, DryRun: in.DryRun, SkipInvalid: in.SkipInvalid}
	rows, err := emailsOf(in.Emails)
	if err != nil {
		return req, err
	}
	req.Rows = append(req.Rows, rows...)
	if s := strings.TrimSpace(string(in.Credits)); s != "" {
		req.CreditsGiven = true
		if s != "null" {
			if req.Credits, err = numberOrNull("credits", in.Credits); err != nil {
				return req, err
			}
		}
	}
	return req, nil
}

// emailsOf reads emails: a list of addresses, or one text of addresses separated by
// commas, semicolons or line breaks.
func emailsOf(raw json.RawMessage) ([]invites.Row, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return invites.ParseEmails(text), nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fail.Invalid("emails", "invalid_type", "emails is a list of addresses, or a text of addresses.")
	}
	var rows []invites.Row
	for _, a := range list {
		rows = append(rows, invites.ParseEmails(a)...)
	}
	return rows, nil
}

// decodeInvitationForm reads a multipart request: an optional CSV file ("file"), an
// optional emails text, and the options as text fields.
func decodeInvitationForm(e *core.RequestEvent) (invites.Request, error) {
	var req invites.Request
	fields, err := multipartFields(e)
	if err != nil {
		return req, err
	}
	field := func(name string) string { return strings.TrimSpace(fields[name]) }
	files, err := e.FindUploadedFiles("file")
	switch {
	case err == nil:
		f, err := files[0].Reader.Open()
		if err != nil {
			return req, fail.Invalid("file", "unreadable", "The file could not be read.")
		}
		defer f.Close()
		if req.Rows, err = invites.ParseCSV(f); err != nil {
			return req, err
		}
	case !errors.Is(err, http.ErrMissingFile):
		return req, fail.Invalid("file", "unreadable", "The file could not be read.")
	}
	req.Rows = append(req.Rows, invites.ParseEmails(field("emails"))...)
	req.Role, req.UserType, req.Message = field("role"), field("userType"), field("message")
	bools := map[string]*bool{}
	for _, name := range []string{"partnerAccess", "dryRun", "skipInvalid"} {
		if bools[name], err = formBool(fields, name); err != nil {
			return req, err
		}
	}
	req.PartnerAccess = bools["partnerAccess"]
	req.DryRun = bools["dryRun"] != nil && *bools["dryRun"]
	req.SkipInvalid = bools["skipInvalid"] != nil && *bools["skipInvalid"]
	if _, given := fields["credits"]; given {
		req.CreditsGiven = true
	}
	if c := field("credits"); c != "" && c != "null" {
		n, err := strconv.ParseFloat(c, 64)
		if err != nil {
			return req, fail.Invalid("credits", "invalid_number", "credits is a number, or empty for no limit.")
		}
		req.Credits = &n
	}
	return req, nil
}

func getSeats(e *core.RequestEvent) error {
	s, err := invites.SeatsOf(e.App, actor(e))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, s)
}
