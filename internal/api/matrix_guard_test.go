package api_test

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"roster/internal/access"
)

// notPermissionSurfaces are the registered routes with no matrix row, and why.
var notPermissionSurfaces = map[string]string{
	"GET /api/{path...}": "the 404 for every unknown API path: no handler, nothing to permit",
	"GET /{path...}":     "the web app's static files (ui/dist): the same for everyone, no data",
}

// routeMethods are the router's registration methods by HTTP method.
var routeMethods = []string{"GET", "SEARCH", "POST", "DELETE", "PATCH", "PUT", "HEAD", "OPTIONS"}

// apiSource is internal/api's source, tests left out, parsed once per call.
type apiSource struct {
	t     *testing.T
	fset  *gotoken.FileSet
	funcs map[string]*ast.FuncDecl
}

func parseAPISource(t *testing.T) *apiSource {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	s := &apiSource{t: t, fset: gotoken.NewFileSet(), funcs: map[string]*ast.FuncDecl{}}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				s.funcs[fn.Name.Name] = fn
			}
		}
	}
	return s
}

// routes lists every registration "METHOD /path" in the source. A router or group is
// followed through local variables (x := r.Group("/p").Bind(…)), and into the functions
// it is passed to; a registration whose router cannot be followed fails the test.
func (s *apiSource) routes() []string {
	seen := map[string]bool{}
	for name, fn := range s.funcs {
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			method := sel.Sel.Name
			if method == "Any" || method == "Route" {
				s.t.Errorf("%s: %s.%s: the guard reads only per-method registrations", s.fset.Position(call.Pos()), name, method)
				return true
			}
			if !slices.Contains(routeMethods, method) || len(call.Args) == 0 {
				return true
			}
			prefixes, paths := s.prefixes(name, sel.X), s.values(name, call.Args[0])
			if len(prefixes) == 0 || len(paths) == 0 {
				s.t.Errorf("%s: a %s registration the guard cannot follow", s.fset.Position(call.Pos()), method)
				return true
			}
			for _, p := range prefixes {
				for _, path := range paths {
					seen[method+" "+p+path] = true
				}
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// prefixes answers the path prefixes of the router or group that expr is in function fn.
func (s *apiSource) prefixes(fn string, expr ast.Expr) []string {
	switch e := expr.(type) {
	case *ast.Ident:
		return s.varPrefixes(fn, e.Name)
	case *ast.ParenExpr:
		return s.prefixes(fn, e.X)
	case *ast.UnaryExpr: // &router.Router{…}
		return s.prefixes(fn, e.X)
	case *ast.CompositeLit: // router.Router{RouterGroup: group}
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "RouterGroup" {
					return s.prefixes(fn, kv.Value)
				}
			}
		}
		return nil
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		switch sel.Sel.Name {
		case "Bind", "BindFunc", "Unbind":
			return s.prefixes(fn, sel.X)
		case "Group":
			var out []string
			for _, base := range s.prefixes(fn, sel.X) {
				for _, p := range s.values(fn, e.Args[0]) {
					out = append(out, base+p)
				}
			}
			return out
		}
	}
	return nil
}

// values answers the strings expr may be in function fn: a literal, a sum of them, or
// a variable that ranges over a literal list; nil when it cannot tell.
func (s *apiSource) values(fn string, expr ast.Expr) []string {
	switch e := expr.(type) {
	case *ast.BasicLit:
		if v, ok := stringLit(e); ok {
			return []string{v}
		}
	case *ast.ParenExpr:
		return s.values(fn, e.X)
	case *ast.BinaryExpr:
		if e.Op != gotoken.ADD {
			return nil
		}
		var out []string
		for _, l := range s.values(fn, e.X) {
			for _, r := range s.values(fn, e.Y) {
				out = append(out, l+r)
			}
		}
		return out
	case *ast.Ident:
		var out []string
		ast.Inspect(s.funcs[fn].Body, func(n ast.Node) bool {
			rs, ok := n.(*ast.RangeStmt)
			if !ok {
				return true
			}
			v, isID := rs.Value.(*ast.Ident)
			list, isList := rs.X.(*ast.CompositeLit)
			if isID && isList && v.Name == e.Name {
				for _, elt := range list.Elts {
					out = append(out, s.values(fn, elt)...)
				}
			}
			return true
		})
		return out
	}
	return nil
}

// varPrefixes follows a variable: a local assignment, or a parameter (what its callers
// pass; a router that comes from outside the package is the root).
func (s *apiSource) varPrefixes(fn, name string) []string {
	decl := s.funcs[fn]
	var out []string
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name {
				out = append(out, s.prefixes(fn, as.Rhs[i])...)
			}
		}
		return true
	})
	if len(out) > 0 {
		return out
	}
	i := 0
	for _, field := range decl.Type.Params.List {
		for _, id := range field.Names {
			if id.Name == name {
				switch routerKind(field.Type) {
				case "Router":
					return s.callerPrefixes(fn, i, "")
				case "RouterGroup":
					return s.callerPrefixes(fn, i)
				}
				return nil
			}
			i++
		}
	}
	return nil
}

// callerPrefixes answers the prefixes of argument i at every call of function fn in
// the package; outside, the argument's prefixes are outside (none for a group, the
// root for the app's router).
func (s *apiSource) callerPrefixes(fn string, i int, outside ...string) []string {
	var out []string
	calls := 0
	for caller, decl := range s.funcs {
		ast.Inspect(decl.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == fn && i < len(call.Args) {
				calls++
				p := s.prefixes(caller, call.Args[i])
				if len(p) == 0 {
					p = outside // se.Router, say
				}
				out = append(out, p...)
			}
			return true
		})
	}
	if calls == 0 {
		return outside
	}
	return out
}

// routerKind names a parameter's router type: *router.Router[…] or *router.RouterGroup[…].
func routerKind(expr ast.Expr) string {
	for {
		switch e := expr.(type) {
		case *ast.StarExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		case *ast.SelectorExpr:
			return e.Sel.Name
		default:
			return ""
		}
	}
}

func stringLit(expr ast.Expr) (string, bool) {
	lit, ok := expr.(*ast.BasicLit)
	if !ok || lit.Kind != gotoken.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// TestPermissionMatrixCoversEveryRoute fails when a route is registered without a row
// in the matrix (matrix_routes_test.go), or a row names a route that is not registered.
func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	registered := parseAPISource(t).routes()
	if len(registered) < 60 {
		t.Fatalf("the guard found only %d routes: it no longer reads the registrations (%v)", len(registered), registered)
	}
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
