package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/paging"
	"roster/internal/reports"
)

// outboxRoutes: the mails the organisation sent (owner and administrators): recipient,
// template, language, subject, status, error and time — never a body, so never a link
// or a password.
func outboxRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/outbox", handle(listOutbox))
}

func listOutbox(e *core.RequestEvent) error {
	r, err := paging.Parse(e.Request.URL.Query(), paging.Lists)
	if err != nil {
		return err
	}
	p, err := reports.Outbox(e.App, actor(e), r)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}
