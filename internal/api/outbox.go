package api

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
	"roster/internal/reports"
)

// outboxRoutes: the mails the organisation sent (owner and administrators): recipient,
// template, language, subject, status, error and time — never a body, so never a link
// or a password.
func outboxRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/outbox", handle(listOutbox))
}

func listOutbox(e *core.RequestEvent) error {
	page, perPage, err := pageParams(e)
	if err != nil {
		return err
	}
	p, err := reports.Outbox(e.App, actor(e), page, perPage)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}

// pageParams reads page (default 1) and perPage (default 50); the services bound them.
func pageParams(e *core.RequestEvent) (page, perPage int, err error) {
	q := e.Request.URL.Query()
	page, perPage = 1, 50
	for name, dst := range map[string]*int{"page": &page, "perPage": &perPage} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		if *dst, err = strconv.Atoi(v); err != nil || *dst < 1 {
			return 0, 0, fail.Invalid(name, "invalid", name+" is a whole number from 1.")
		}
	}
	return page, perPage, nil
}
