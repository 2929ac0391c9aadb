package api

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/mail"
	"roster/internal/orgs"
)

// setupStatus tells the pages shown before sign-in what this server is: whether its first
// run is still to do, and whether it sends mail (without it, Forgot password promises no
// email).
func setupStatus(e *core.RequestEvent) error {
	return e.JSON(200, map[string]bool{"needed": orgs.Needed(e.App), "mail": mail.Enabled(e.App)})
}

// setupCreate completes the first run: creates the organisation and its owner, then
// signs the owner in (PocketBase's auth response: {token, record}).
func setupCreate(e *core.RequestEvent) error {
	var in struct {
		Token      string `json:"token"`
		OrgName    string `json:"orgName"`
		Email      string `json:"email"`
		Password   string `json:"password"`
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
		Username   string `json:"username"`
		Language   string `json:"language"`
	}
	if err := e.BindBody(&in); err != nil {
		return apis.NewBadRequestError("The request body is not valid JSON.", nil)
	}
	if in.Language != "fr" {
		in.Language = "en"
	}
	c, err := orgs.Setup(e.App, in.Token, orgs.New{
		Name: in.OrgName, Language: in.Language,
		Owner: orgs.Owner{Email: in.Email, Password: in.Password, GivenName: in.GivenName, FamilyName: in.FamilyName, Username: in.Username},
	}, e.RealIP())
	if err != nil {
		return err
	}
	return apis.RecordAuthResponse(e, c.User, "password", nil)
}
