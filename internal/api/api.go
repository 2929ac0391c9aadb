// Package api owns Roster's HTTP routes. A handler decodes the request, calls one
// service with the acting member, and encodes the answer; errors go through one mapping
// (errors.go). Every organisation route sits behind the member middleware (member.go).
package api

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Register adds Roster's routes and the web app to app's server.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		routes(se.Router)
		return se.Next()
	})
}

func routes(r *router.Router[*core.RequestEvent]) {
	r.GET("/api/setup", handle(setupStatus))
	r.POST("/api/setup", handle(setupCreate))

	signedIn := r.Group("/api").Bind(apis.RequireAuth("users")).BindFunc(loadActor)
	signedIn.GET("/me", handle(me))
	account := signedIn.Group("/account").BindFunc(unrestricted)
	account.PATCH("/profile", handle(updateOwnProfile))

	org := r.Group("/api/orgs/{org}").Bind(apis.RequireAuth("users")).BindFunc(loadActor, inOrg, unrestricted)
	org.GET("", handle(orgSummary))
	memberRoutes(org)
	memberActionRoutes(org)
	invitationRoutes(r)
	securityRoutes(r)
	billingRoutes(r)
	lifecycleRoutes(r)
	contentRoutes(r)
	settingsRoutes(r)
	reportRoutes(r)
	auditRoutes(r)

	// Without this, the web app's catch-all would answer unknown GET /api/… with index.html.
	r.GET("/api/{path...}", func(e *core.RequestEvent) error {
		return apis.NewNotFoundError("There is no such API route.", nil)
	})
	webApp(r)
}
