package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/access"
	"roster/internal/content"
	"roster/internal/paging"
)

// contentRoutes: the organisation's shared resources (items, groups) and licences. The
// services ask the policy and scope everything to the actor's organisation.
func contentRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/licenses", handle(listLicenses))
	org.POST("/licenses", handle(createLicense))
	org.PATCH("/licenses/{id}", handle(updateLicense))
	org.DELETE("/licenses/{id}", handle(deleteLicense))
	org.POST("/licenses/{id}/assign", handle(licenseBatch(content.AssignLicense)))
	org.POST("/licenses/{id}/revoke", handle(licenseBatch(content.RevokeLicense)))

	org.GET("/items", handle(listItems))
	org.POST("/items", handle(createItem))
	org.GET("/items/{id}", handle(getItem))
	org.PATCH("/items/{id}", handle(updateItem))
	org.DELETE("/items/{id}", handle(deleteItem))

	org.GET("/groups", handle(listGroups))
	org.POST("/groups", handle(createGroup))
	org.GET("/groups/{id}", handle(getGroup))
	org.PATCH("/groups/{id}", handle(updateGroup))
	org.DELETE("/groups/{id}", handle(deleteGroup))
	org.POST("/groups/{id}/members", handle(groupMembers))
}

// contentAnswer encodes a service's result, or passes its error on.
func contentAnswer[T any](e *core.RequestEvent, status int, v T, err error) error {
	if err != nil {
		return err
	}
	return e.JSON(status, v)
}

func listLicenses(e *core.RequestEvent) error {
	p, err := paging.Parse(e.Request.URL.Query(), paging.Lists)
	if err != nil {
		return err
	}
	out, err := content.ListLicenses(e.App, actor(e), p)
	return contentAnswer(e, http.StatusOK, out, err)
}

func createLicense(e *core.RequestEvent) error {
	var in content.LicenseInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.CreateLicense(e.App, actor(e), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func updateLicense(e *core.RequestEvent) error {
	var in content.LicenseInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.UpdateLicense(e.App, actor(e), e.Request.PathValue("id"), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func deleteLicense(e *core.RequestEvent) error {
	if err := content.DeleteLicense(e.App, actor(e), e.Request.PathValue("id")); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

// licenseBatch is an assign or revoke of one licence for up to 100 members.
func licenseBatch(fn func(core.App, access.Actor, string, []string) (*content.Outcome, error)) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var in struct {
			Members []string `json:"members"`
		}
		if err := decodeJSON(e, &in); err != nil {
			return err
		}
		out, err := fn(e.App, actor(e), e.Request.PathValue("id"), in.Members)
		return contentAnswer(e, http.StatusOK, out, err)
	}
}

func listItems(e *core.RequestEvent) error {
	f, err := content.ParseItemFilter(e.Request.URL.Query())
	if err != nil {
		return err
	}
	out, err := content.ListItems(e.App, actor(e), f)
	return contentAnswer(e, http.StatusOK, out, err)
}

func createItem(e *core.RequestEvent) error {
	var in content.ItemInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.CreateItem(e.App, actor(e), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func getItem(e *core.RequestEvent) error {
	out, err := content.GetItem(e.App, actor(e), e.Request.PathValue("id"))
	return contentAnswer(e, http.StatusOK, out, err)
}

func updateItem(e *core.RequestEvent) error {
	var in content.ItemInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.UpdateItem(e.App, actor(e), e.Request.PathValue("id"), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func deleteItem(e *core.RequestEvent) error {
	if err := content.DeleteItem(e.App, actor(e), e.Request.PathValue("id")); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

func listGroups(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	p, err := paging.Parse(q, paging.Lists)
	if err != nil {
		return err
	}
	out, err := content.ListGroups(e.App, actor(e), p, q.Get("member") == "me")
	return contentAnswer(e, http.StatusOK, out, err)
}

func createGroup(e *core.RequestEvent) error {
	var in content.GroupInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.CreateGroup(e.App, actor(e), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func getGroup(e *core.RequestEvent) error {
	out, err := content.GetGroup(e.App, actor(e), e.Request.PathValue("id"))
	return contentAnswer(e, http.StatusOK, out, err)
}

func updateGroup(e *core.RequestEvent) error {
	var in content.GroupInput
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.UpdateGroup(e.App, actor(e), e.Request.PathValue("id"), in)
	return contentAnswer(e, http.StatusOK, out, err)
}

func deleteGroup(e *core.RequestEvent) error {
	if err := content.DeleteGroup(e.App, actor(e), e.Request.PathValue("id")); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

func groupMembers(e *core.RequestEvent) error {
	var in content.MembersChange
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	out, err := content.UpdateGroupMembers(e.App, actor(e), e.Request.PathValue("id"), in)
	return contentAnswer(e, http.StatusOK, out, err)
}
