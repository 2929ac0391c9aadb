package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/internal/roster"
	"roster/internal/storage"
)

// env is a scratch copy of a template served in process: Roster's app, and PocketBase's
// stock one on a second copy when a workload asks for it (sign-in, mutation, bulk).
type env struct {
	app   *tests.TestApp
	url   string
	org   string
	owner string // Roster token (the organisation's owner)
	su    string // PocketBase superuser token
	close func()
}

// setup copies the template of n members into a scratch app bound with all of Roster
// (roster.Bind), served on loopback. The mutations never touch the template.
func setup(n int) *env {
	app, err := tests.NewTestApp(template(n))
	must(err)
	must(app.RunAllMigrations())
	roster.Bind(app) // its checkpointer starts now (the app is bootstrapped) and stops at app.Cleanup
	url, stop := serve(app)

	owner, org := ownerOf(app)
	ownerTok, err := owner.NewAuthToken()
	must(err)
	suTok, err := superuser(app)
	must(err)

	s := app.Settings()
	s.Batch.Enabled = true
	s.Batch.MaxRequests = 100
	s.Batch.Timeout = 30
	s.RateLimits.Enabled = false
	must(app.Save(s))
	return &env{app: app, url: url, org: org, owner: ownerTok, su: suTok, close: func() { stop(); app.Cleanup() }}
}

// stockApp is stock PocketBase on a copy of the same data: PocketBase's own hooks only
// (no Roster hooks or routes), its superuser, batch on and rate limits off.
type stockApp struct {
	url   string
	su    string // superuser token
	close func()
}

// stock copies the template of n members into a stock PocketBase app and serves it.
func stock(n int) stockApp {
	app, err := tests.NewTestApp(template(n))
	must(err)
	must(app.RunAllMigrations())
	s := app.Settings()
	s.RateLimits.Enabled = false
	s.Batch.Enabled = true
	s.Batch.MaxRequests = 100
	s.Batch.Timeout = 30
	must(app.Save(s))
	su, err := superuser(app)
	must(err)
	stopWAL := storage.Start(app) // importing internal/storage turned commit checkpoints off in this process
	url, stop := serve(app)
	return stockApp{url: url, su: su, close: func() { stop(); stopWAL(); app.Cleanup() }}
}

// superuser creates the bench's PocketBase superuser in app and answers its token.
func superuser(app core.App) (string, error) {
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return "", err
	}
	su := core.NewRecord(col)
	su.SetEmail("bench-su@example.com")
	su.SetPassword("bench superuser password")
	if err := app.Save(su); err != nil {
		return "", err
	}
	return su.NewAuthToken()
}

// serve serves app's full router (apis.NewRouter plus every OnServe hook, as
// testapp.Serve does) on loopback.
func serve(app core.App) (string, func()) {
	r, err := apis.NewRouter(app)
	must(err)
	var handler http.Handler
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	must(app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		handler = mux
		return err
	}))
	srv := httptest.NewServer(handler)
	return srv.URL, srv.Close
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}

// do sends one request and returns its status and body; err is a transport error.
func do(method, url, tok string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", tok)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, raw, err
}

// try sends one request to base+path: an error unless it answers 200.
func try(base, method, path, tok string, body any) error {
	st, raw, err := do(method, base+path, tok, body)
	if err == nil && st != 200 {
		err = fmt.Errorf("%s %s: %d %.200s", method, path, st, bytes.TrimSpace(raw))
	}
	return err
}

func (e *env) try(method, path, tok string, body any) error {
	return try(e.url, method, path, tok, body)
}

// call is try that stops the run on a failure (set-up and warm-up requests).
func call(base, method, path, tok string, body any) { must(try(base, method, path, tok, body)) }

func (e *env) call(method, path, tok string, body any) { call(e.url, method, path, tok, body) }

// ids picks active members of role member who have signed in, of the given type ("" =
// any), in a stable order.
func (e *env) ids(userType string, limit int) []string {
	var out []string
	q := "SELECT id FROM memberships WHERE org = {:o} AND role = 'member' AND status = 'active'" +
		" AND user IN (SELECT id FROM users WHERE lastLogin != '')" // never-signed-in members cannot be disabled
	if userType != "" {
		q += " AND userType = {:t}"
	}
	must(e.app.DB().NewQuery(q + " ORDER BY id LIMIT {:l}").Bind(dbx.Params{"o": e.org, "t": userType, "l": limit}).Column(&out))
	if len(out) < limit {
		log.Fatalf("only %d %q members, want %d", len(out), userType, limit)
	}
	return out
}

// signInEmails lists the addresses of active members who can sign in with the password
// alone (no second step, no SSO, no forced change), from the other end of the id order
// than ids, so that no mutation touches them.
func signInEmails(db dbx.Builder, org string, limit int) []string {
	var out []string
	must(db.NewQuery(`SELECT u.email FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.org = {:o} AND m.role = 'member' AND m.status = 'active' AND u.totpEnabled = FALSE
		AND u.authSource != 'sso' AND u.mustChangePassword = FALSE ORDER BY m.id DESC LIMIT {:l}`).
		Bind(dbx.Params{"o": org, "l": limit}).Column(&out))
	if len(out) == 0 {
		log.Fatal("no member can sign in with a password")
	}
	return out
}

// signInBody is the password sign-in request of email.
func signInBody(email string) map[string]any {
	return map[string]any{"identity": email, "password": benchPassword}
}

const signInPath = "/api/collections/users/auth-with-password"

// busy says whether text reports SQLite's lock contention.
func busy(text []byte) bool {
	s := string(text)
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database table is locked")
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// jsonString reads one top-level string field of a JSON object.
func jsonString(raw []byte, field string) string {
	var m map[string]any
	must(json.Unmarshal(raw, &m))
	s, _ := m[field].(string)
	return s
}
