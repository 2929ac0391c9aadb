package api

import (
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/ui"
)

const contentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
	"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

// webApp serves the embedded single-page app: deep links get index.html, hashed assets
// are cached for a year, and every page carries the security headers.
func webApp(public *router.RouterGroup[*core.RequestEvent]) {
	public.GET("/{path...}", apis.Static(ui.Dist(), true)).BindFunc(func(e *core.RequestEvent) error {
		h := e.Response.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(e.Request.URL.Path, "/assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		return e.Next()
	})
}
