// Package api owns Roster's HTTP routes. A handler decodes the request, calls one
// service with the acting member, and encodes the answer; errors go through one mapping
// (errors.go). Every organisation route sits behind the member middleware (member.go).
package api

import (
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/members"
)

// ReadHeaderTimeout is how long a client may take to send a request's headers before
// the server drops the connection (PocketBase's default is a minute): a slow client
// (slowloris) holds a connection no longer than this. Bodies keep PocketBase's
// five-minute ReadTimeout, which uploads over a slow line need.
const ReadHeaderTimeout = 10 * time.Second

// MaxJSONBody is the largest body a Roster route reads, unless it takes an upload.
// PocketBase's default for every route is 32 MiB.
const MaxJSONBody = 1 << 20

// uploadLimits are the routes that take a picture, and the largest body each reads:
// the file plus room for the form's other fields. The invitations CSV and the
// settings logo routes bind their own limit where they are registered.
var uploadLimits = map[string]*hook.Handler[*core.RequestEvent]{
	"PATCH /api/orgs/{org}/members/{id}": apis.BodyLimit(members.MaxAvatarSize + 1<<20),
	"PATCH /api/account/profile":         apis.BodyLimit(members.MaxAvatarSize + 1<<20),
}

// restoreRequestBody gives net/http back the request body it made, once the handlers
// are done. PocketBase's router swaps it for its own wrapper, behind which net/http
// cannot tell that a handler (or a 413) left a large body unread: it would keep the
// connection and read the rest of that body as the next request, so that a body could
// smuggle requests past a proxy. With its own body back, net/http drains a small rest,
// or answers and closes the connection (gracefully, so the client reads the answer).
func restoreRequestBody() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{Id: "rosterRestoreRequestBody", Priority: apis.DefaultCorsMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if rr, ok := e.Request.Body.(*router.RereadableReadCloser); ok {
				defer func() { e.Request.Body = rr.ReadCloser }()
			}
			return e.Next()
		}}
}

// Register adds Roster's routes and the web app to app's server. An invalid
// ROSTER_TRUSTED_PROXIES stops serve.
func Register(app core.App) {
	closeAccountTables(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Server.ReadHeaderTimeout = ReadHeaderTimeout
		tp, err := proxiesFromEnv()
		if err != nil {
			return err
		}
		se.Router.Bind(tp.middleware())
		routes(se.Router)
		return se.Next()
	})
}

// bodyLimit is every Roster route's body limit: MaxJSONBody, or the route's upload
// limit. It has PocketBase's body limit id, so it replaces the 32 MiB default and a
// route's own apis.BodyLimit replaces it in turn.
func bodyLimit() *hook.Handler[*core.RequestEvent] {
	def := apis.BodyLimit(MaxJSONBody)
	return &hook.Handler[*core.RequestEvent]{Id: def.Id, Priority: def.Priority, Func: func(e *core.RequestEvent) error {
		if h, ok := uploadLimits[e.Request.Pattern]; ok {
			return h.Func(e)
		}
		return def.Func(e)
	}}
}

// groups are the route groups Roster's routes hang from, each built once here. A
// feature file's binder gets the group(s) its routes belong to, never the router, so
// that no route under /api/orgs/{org} can be registered without inOrg. Every group
// carries the body limit (bodyLimit), then:
//   - public: nothing more (setup, invitation links, sign-in's TOTP step, the web app);
//   - signedIn (/api): apis.RequireAuth("users"), loadActor; a restricted session
//     reaches it, so each of its routes lifts one restriction (lifts) or is /api/me;
//   - account (/api/account): signedIn's, then unrestricted;
//   - org (/api/orgs/{org}): apis.RequireAuth("users"), loadActor, inOrg, unrestricted;
//   - member (/api/orgs/{org}/members/{id}): org's.
type groups struct {
	public, signedIn, account, org, member *router.RouterGroup[*core.RequestEvent]
}

func routes(root *router.Router[*core.RequestEvent]) {
	root.Bind(restoreRequestBody()) // PocketBase's routes too
	// Every Roster route sits in one group that carries the body limit.
	public := root.Group("").Bind(bodyLimit())
	signedIn := public.Group("/api").Bind(apis.RequireAuth("users")).BindFunc(loadActor)
	org := public.Group("/api/orgs/{org}").Bind(apis.RequireAuth("users")).BindFunc(loadActor, inOrg, unrestricted)
	g := groups{
		public:   public,
		signedIn: signedIn,
		account:  signedIn.Group("/account").BindFunc(unrestricted),
		org:      org,
		member:   org.Group("/members/{id}"),
	}

	public.GET("/api/setup", handle(setupStatus))
	public.POST("/api/setup", handle(setupCreate))
	signedIn.GET("/me", handle(me))
	g.account.PATCH("/profile", handle(updateOwnProfile))
	org.GET("", handle(orgSummary))
	memberRoutes(org)
	memberActionRoutes(org)
	invitationRoutes(public, org)
	securityRoutes(g)
	billingRoutes(org)
	lifecycleRoutes(org)
	contentRoutes(org)
	settingsRoutes(org)
	reportRoutes(org)
	auditRoutes(org)

	// Without this, the web app's catch-all would answer unknown GET /api/… with index.html.
	public.GET("/api/{path...}", func(e *core.RequestEvent) error {
		return apis.NewNotFoundError("There is no such API route.", nil)
	})
	webApp(public)
}
