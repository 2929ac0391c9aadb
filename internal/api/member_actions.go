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

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/members"
)

// memberActionRoutes are the changes an administrator makes to members. Each answers
// the member as it now is, except bulk, which answers the per-member results.
func memberActionRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.POST("/members/bulk", handle(bulkMembers))
	org.PATCH("/members/{id}", handle(editMember))
	org.POST("/members/{id}/disable", handle(statusAction(members.Disable)))
	org.POST("/members/{id}/enable", handle(statusAction(members.Enable)))
	org.POST("/members/{id}/end-sessions", handle(statusAction(members.EndSessions)))
	org.POST("/members/{id}/user-type", handle(changeUserType))
	org.POST("/members/{id}/partner-access", handle(setPartnerAccess))
	org.POST("/members/{id}/credits", handle(setCredits))
}

// statusAction is a body-less action on one member (disable, enable, end sessions).
func statusAction(fn func(core.App, access.Actor, string) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		return changeMember(e, id, func(tx core.App) error { return fn(tx, actor(e), id) })
	}
}

func changeUserType(e *core.RequestEvent) error {
	var in struct {
		UserType string `json:"userType"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error {
		return members.ChangeUserType(tx, actor(e), id, access.UserType(in.UserType))
	})
}

func setPartnerAccess(e *core.RequestEvent) error {
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	if in.Enabled == nil {
		return fail.Invalid("enabled", "required", "Say whether partner access is enabled (true or false).")
	}
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error {
		return members.SetPartnerAccess(tx, actor(e), id, *in.Enabled)
	})
}

func setCredits(e *core.RequestEvent) error {
	var in struct {
		Allocated json.RawMessage `json:"allocated"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	allocated, err := numberOrNull("allocated", in.Allocated)
	if err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error { return members.SetCredits(tx, actor(e), id, allocated) })
}

// editMember is the profile edit (JSON, or multipart with an avatar file).
func editMember(e *core.RequestEvent) error {
	p, err := decodeProfile(e)
	if err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error { return members.UpdateProfile(tx, actor(e), id, p) })
}

func bulkMembers(e *core.RequestEvent) error {
	var in members.BulkRequest
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := members.Bulk(e.App, actor(e), in)
	if err != nil {
		return err
	}
	return e.JSON(200, out)
}

// changeMember makes a change to member id and answers the member as the change left
// them, read in the change's own transaction: read after the commit, a removal racing
// the change could turn a change that happened into a 404.
func changeMember(e *core.RequestEvent, id string, change func(tx core.App) error) error {
	var m any
	err := e.App.RunInTransaction(func(tx core.App) error {
		if err := change(tx); err != nil {
			return err
		}
		var err error
		m, err = members.Get(tx, actor(e), id)
		return err
	})
	if err != nil {
		return err
	}
	return e.JSON(200, m)
}

// decodeJSON reads a JSON body; a value of the wrong type is a 400 naming its field.
func decodeJSON(e *core.RequestEvent, dst any) error {
	err := e.BindBody(dst)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, apis.ErrRequestEntityTooLarge):
		return err // 413, also when a chunked body passes its route's limit while being read
	case errors.As(err, &te) && te.Field != "":
		return fail.Invalid(te.Field, "invalid_type", "This value has the wrong type.")
	default:
		return fail.Invalid("body", "invalid_json", "The request body is not valid JSON.")
	}
}

// numberOrNull reads a JSON number, or null (nil). A missing value is a 400.
func numberOrNull(field string, raw json.RawMessage) (*float64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return nil, fail.Invalid(field, "required", field+" is a number, or null for no limit.")
	}
	if s == "null" {
		return nil, nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fail.Invalid(field, "invalid_number", field+" is a number, or null for no limit.")
	}
	return &n, nil
}

// decodeProfile reads a profile edit: JSON, or a multipart form whose avatar part is
// the new picture. Only the fields sent change.
func decodeProfile(e *core.RequestEvent) (members.Profile, error) {
	var p members.Profile
	if !isMultipart(e) {
		return p, decodeJSON(e, &p)
	}
	text, err := multipartFields(e)
	if err != nil {
		return p, err
	}
	// Through JSON, so that a field not sent stays nil (PocketBase's form binder sets them all).
	fields := map[string]any{}
	for k, v := range text {
		fields[k] = v
	}
	if del, err := formBool(text, "deleteAvatar"); err != nil {
		return p, err
	} else if del != nil {
		fields["deleteAvatar"] = *del
	}
	raw, _ := json.Marshal(fields)
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fail.Invalid("body", "invalid_form", "The form could not be read.")
	}
	files, err := e.FindUploadedFiles("avatar")
	switch {
	case err == nil:
		p.AvatarFile = files[0]
	case !errors.Is(err, http.ErrMissingFile):
		return p, fail.Invalid("avatar", "invalid_file", "The picture could not be read.")
	}
	return p, nil
}
