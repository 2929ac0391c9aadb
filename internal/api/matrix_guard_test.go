package api_test

import (
	"slices"
	"testing"

	"roster/internal/access"
	"roster/internal/testapp"
)

// notPermissionSurfaces are the registered routes with no matrix row, and why.
var notPermissionSurfaces = map[string]string{
	"GET /api/{path...}": "the 404 for every unknown API path: no handler, nothing to permit",
	"GET /{path...}":     "the web app's static files (ui/dist): the same for everyone, no data",
}

// TestPermissionMatrixCoversEveryRoute fails when a route is registered without a row
// in the matrix (matrix_routes_test.go), or a row names a route that is not registered.
func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	registered := rosterRoutes(t, testapp.New(t))
	rows := map[string]bool{}
	for _, rt := range matrixRoutes {
		rows[rt.key] = true
	}
	for _, key := range registered {
		if !rows[key] && notPermissionSurfaces[key] == "" {
			t.Errorf("route %s is registered but has no row in the permission matrix (matrix_routes_test.go)", key)
		}
	}
	for key := range rows {
		if !slices.Contains(registered, key) {
			t.Errorf("matrix row %s names no registered route", key)
		}
	}
	for key := range notPermissionSurfaces {
		if !slices.Contains(registered, key) {
			t.Errorf("%s is listed as no permission surface but is not registered", key)
		}
		if rows[key] {
			t.Errorf("%s has matrix rows and is listed as no permission surface", key)
		}
	}
	t.Logf("%d registered routes: %d in the matrix, %d no permission surface", len(registered), len(rows), len(notPermissionSurfaces))
}

// TestPermissionMatrixCoversEveryAction fails when a policy action is asked by no row.
func TestPermissionMatrixCoversEveryAction(t *testing.T) {
	asked := map[access.Action]bool{}
	for _, rt := range matrixRoutes {
		for _, a := range rt.rule.actions {
			asked[a] = true
		}
	}
	for _, a := range access.Actions() {
		if !asked[a] {
			t.Errorf("no matrix row asks the policy for %s", a)
		}
	}
}
