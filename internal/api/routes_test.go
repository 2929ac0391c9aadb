package api_test

import (
	"net/http"
	"reflect"
	"sort"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// rosterRoutes lists every route Roster registers ("METHOD /pattern", group prefixes
// resolved), read from the route table its OnServe hooks build on an empty router, so
// that PocketBase's own routes are left out and a new route shows up without anyone
// listing it.
func rosterRoutes(t *testing.T, app core.App) []string {
	t.Helper()
	r := router.NewRouter[*core.RequestEvent](nil)
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	if err := app.OnServe().Trigger(se, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var out []string
	// The router keeps its children unexported; reflection reads them without a copy
	// of PocketBase's walk.
	var walk func(group reflect.Value, prefix string)
	walk = func(group reflect.Value, prefix string) {
		prefix += group.FieldByName("Prefix").String()
		children := group.FieldByName("children")
		for i := range children.Len() {
			child := children.Index(i).Elem().Elem()
			if child.FieldByName("Action").IsValid() {
				out = append(out, child.FieldByName("Method").String()+" "+prefix+child.FieldByName("Path").String())
			} else {
				walk(child, prefix)
			}
		}
	}
	walk(reflect.ValueOf(r.RouterGroup).Elem(), "")
	sort.Strings(out)
	if len(out) < 50 {
		t.Fatalf("only %d routes found: %v", len(out), out)
	}
	return out
}
