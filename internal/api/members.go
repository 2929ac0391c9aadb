package api

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/members"
)

func memberRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/members", handle(listMembers))
	org.GET("/members.csv", handle(exportMembers))
	org.GET("/members/{id}", handle(getMember))
}

func listMembers(e *core.RequestEvent) error {
	f, err := members.ParseFilter(e.Request.URL.Query())
	if err != nil {
		return err
	}
	page, err := members.List(e.App, actor(e), f)
	if err != nil {
		return err
	}
	return e.JSON(200, page)
}

func exportMembers(e *core.RequestEvent) error {
	f, err := members.ParseFilter(e.Request.URL.Query())
	if err != nil {
		return err
	}
	write, err := members.Export(e.App, actor(e), f)
	if err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="members.csv"`)
	return write(e.Response)
}

func getMember(e *core.RequestEvent) error {
	m, err := members.Get(e.App, actor(e), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return e.JSON(200, m)
}
