package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
	"roster/internal/orgsettings"
	"roster/internal/reports"
)

// reportRoutes: the organisation's reports, each viewer seeing the sections the owner
// shares with them.
func reportRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/reports", handle(getReports))
}

// getReports answers every section the viewer may see, or those named by ?sections=
// (comma-separated).
func getReports(e *core.RequestEvent) error {
	var only []string
	for _, s := range strings.Split(e.Request.URL.Query().Get("sections"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(orgsettings.Sections, s) {
			return fail.Invalid("sections", "invalid_choice", "Report sections are "+strings.Join(orgsettings.Sections, ", ")+".")
		}
		only = append(only, s)
	}
	rep, err := reports.Build(e.App, actor(e), only)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, rep)
}
