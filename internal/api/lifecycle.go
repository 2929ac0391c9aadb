package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/access"
	"roster/internal/members"
	"roster/internal/security"
)

// lifecycleRoutes: role changes, removal, ownership transfer and leaving. The services
// ask the policy; the routes decode and encode.
func lifecycleRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.POST("/members/{id}/role", handle(changeRole))
	org.GET("/members/{id}/removal", handle(previewRemoval))
	org.DELETE("/members/{id}", handle(removeMember))
	org.POST("/transfer-ownership", handle(transferOwnership))
	org.POST("/leave", handle(leaveOrg))
}

// changeRole answers the member as they now are.
func changeRole(e *core.RequestEvent) error {
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	return changeMember(e, id, func(tx core.App) error { return members.ChangeRole(tx, actor(e), id, access.Role(in.Role)) })
}

// previewRemoval is the removal wizard's inventory: nothing changes.
func previewRemoval(e *core.RequestEvent) error {
	p, err := members.PreviewRemoval(e.App, actor(e), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}

// removeMember takes the removal's body (members.RemoveOptions, possibly empty) and answers what was done.
func removeMember(e *core.RequestEvent) error {
	var in members.RemoveOptions
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := members.Remove(e.App, actor(e), e.Request.PathValue("id"), in)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out)
}

// transferOwnership re-proves the owner (password, and a TOTP code when enabled) once the
// transfer is allowed, then answers both sides.
func transferOwnership(e *core.RequestEvent) error {
	var in struct {
		To       string `json:"to"`
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	s := session(e)
	stepUp := func() error { return security.StepUp(e.Request.Context(), e.App, s.User, in.Password, in.Code) }
	out, err := members.TransferOwnership(e.App, s.Actor, in.To, stepUp)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out)
}

// leaveOrg takes the same body as a removal; afterwards the account no longer exists.
func leaveOrg(e *core.RequestEvent) error {
	var in members.RemoveOptions
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := members.Leave(e.App, actor(e), in)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out)
}
