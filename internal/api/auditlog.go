package api

import (
	"net/http"

	"roster/internal/mail"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/audit"
	"roster/internal/fail"
)

// auditRoutes: the audit log viewer, its export and the chain's state (owner and
// administrators).
func auditRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/audit", handle(listAudit))
	org.GET("/audit.csv", handle(exportAudit))
	org.GET("/audit/verify", handle(verifyAudit))
}

func listAudit(e *core.RequestEvent) error {
	q, err := auditQuery(e)
	if err != nil {
		return err
	}
	a := actor(e)
	p, err := audit.List(e.App, a.Member, a.Org, q)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}

func exportAudit(e *core.RequestEvent) error {
	q, err := auditQuery(e)
	if err != nil {
		return err
	}
	a := actor(e)
	write, err := audit.Export(e.App, a.Member, a.Org, q)
	if err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit.csv"`)
	return write(e.Response)
}

func verifyAudit(e *core.RequestEvent) error {
	a := actor(e)
	rep, err := audit.Check(e.App, a.Member, a.Org)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"ok": rep.OK, "rows": rep.Rows, "brokeAt": rep.BrokeAt, "reason": rep.Reason})
}

// auditQuery reads the viewer's filters and the sentences' language: ?lang=, else the
// viewer's own language, else the organisation's.
func auditQuery(e *core.RequestEvent) (audit.Query, error) {
	q, err := audit.ParseQuery(e.Request.URL.Query())
	if err != nil {
		return q, err
	}
	q.Language, err = viewerLanguage(e)
	return q, err
}

func viewerLanguage(e *core.RequestEvent) (string, error) {
	switch l := e.Request.URL.Query().Get("lang"); l {
	case "fr", "en":
		return l, nil
	case "":
	default:
		return "", fail.Invalid("lang", "invalid_choice", "lang is fr or en.")
	}
	a := session(e)
	if l := a.User.GetString("language"); l != "" {
		return mail.Language(l, ""), nil
	}
	org, err := e.App.FindRecordById("organizations", a.Org)
	if err != nil {
		return "", err
	}
	return mail.Language("", org.GetString("defaultLanguage")), nil
}
