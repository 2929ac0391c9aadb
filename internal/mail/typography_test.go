package mail_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// French typography, the rule every French text of Roster follows (UI messages, mail
// templates, invoice, audit sentences and every other French string of the server):
//
//   - U+202F NARROW NO-BREAK SPACE before « ? », « ! », « ; », after « « » and before « » »;
//   - U+00A0 NO-BREAK SPACE before « : ».
//
// A plain space there lets the mark wrap onto a line of its own; a narrow space before
// a colon, or a wide one elsewhere, breaks the one rule. Only what is shown is checked:
// template actions ({{ … }}) and code are left out, and a colon with no space before it
// (https:, 10:30) is not prose.
const (
	narrow = '\u202f'
	nbsp   = '\u00a0'
)

// typographyError is what is wrong in text, or "".
func typographyError(text string) string {
	runes := []rune(text)
	for i, r := range runes {
		var prev, next rune
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch {
		case strings.ContainsRune("?!;»", r) && isSpace(prev) && prev != narrow:
			return spaceName(prev) + " before " + string(r) + " (want U+202F)"
		case r == ':' && isSpace(prev) && prev != nbsp:
			return spaceName(prev) + " before : (want U+00A0)"
		case r == '«' && next != narrow:
			return "« not followed by U+202F"
		case r == '»' && prev != narrow:
			return "» not preceded by U+202F"
		}
	}
	return ""
}

func isSpace(r rune) bool { return r == ' ' || r == nbsp || r == narrow || r == '\t' || r == '\n' }

func spaceName(r rune) string {
	switch r {
	case ' ':
		return "a breakable space"
	case nbsp:
		return "U+00A0"
	case narrow:
		return "U+202F"
	}
	return "a line break"
}

// templateAction is Go template syntax: not text anyone reads.
var templateAction = regexp.MustCompile(`\{\{.*?\}\}`)

// tsString is a single-quoted TypeScript string, as the i18n files write them.
var tsString = regexp.MustCompile(`'((?:[^'\\\n]|\\.)*)'`)

// frenchUI is every string of the UI's French messages (ui/src/lib/i18n/fr.ts and *.fr.ts).
func frenchUI(t *testing.T, root string) map[string]string {
	files, _ := filepath.Glob(filepath.Join(root, "ui/src/lib/i18n/*fr.ts"))
	if len(files) < 2 {
		t.Fatalf("no French UI messages under %s", root)
	}
	out := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(src), "\n") {
			if trimmed := strings.TrimSpace(line); strings.HasPrefix(trimmed, "//") || strings.HasPrefix(trimmed, "import ") {
				continue
			}
			for _, m := range tsString.FindAllStringSubmatch(line, -1) {
				s, err := strconv.Unquote(`"` + strings.ReplaceAll(strings.ReplaceAll(m[1], `\'`, `'`), `"`, `\"`) + `"`)
				if err != nil {
					t.Fatalf("%s:%d: %v", f, n+1, err)
				}
				out[rel(root, f)+":"+strconv.Itoa(n+1)+": "+s] = s
			}
		}
	}
	return out
}

// frenchTemplates is the text of the French mail templates and invoice, without their
// template actions.
func frenchTemplates(t *testing.T, root string) map[string]string {
	var files []string
	for _, pattern := range []string{"internal/mail/templates/*.fr.tmpl", "internal/billing/templates/*.fr.html"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		files = append(files, m...)
	}
	out := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(src), "\n") {
			text := templateAction.ReplaceAllString(line, "{}")
			out[rel(root, f)+":"+strconv.Itoa(n+1)+": "+text] = text
		}
	}
	return out
}

// frenchGo is every French string literal of the server's Go sources (outside tests):
// the French argument of the audit sentences (say, pick: French first), the "fr" entry
// of a per-language table, a table named French, and the first of a [French, English]
// pair ([2]string).
func frenchGo(t *testing.T, root string) map[string]string {
	out := map[string]string{}
	fset := token.NewFileSet()
	add := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					pos := fset.Position(lit.Pos())
					out[rel(root, pos.Filename)+":"+strconv.Itoa(pos.Line)+": "+s] = s
				}
			}
			return true
		})
	}
	for _, dir := range []string{"internal", "hooks", "pb_migrations"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "say" || sel.Sel.Name == "pick") && len(n.Args) == 2 {
						add(n.Args[0])
					}
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.BasicLit); ok && k.Value == `"fr"` {
						add(n.Value)
					}
				case *ast.ValueSpec:
					for i, name := range n.Names {
						if strings.Contains(strings.ToLower(name.Name), "french") && i < len(n.Values) {
							add(n.Values[i])
						}
					}
				case *ast.CompositeLit:
					if at, ok := n.Type.(*ast.ArrayType); ok && len(n.Elts) == 2 {
						if l, ok := at.Len.(*ast.BasicLit); ok && l.Value == "2" {
							add(n.Elts[0])
						}
					}
					for _, e := range n.Elts { // the elements of a map of [2]string pairs
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if pair, ok := kv.Value.(*ast.CompositeLit); ok && pair.Type == nil && len(pair.Elts) == 2 && isPairMap(n) {
								add(pair.Elts[0])
							}
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// isPairMap tells whether lit is a map literal whose values are [2]string pairs.
func isPairMap(lit *ast.CompositeLit) bool {
	m, ok := lit.Type.(*ast.MapType)
	if !ok {
		return false
	}
	at, ok := m.Value.(*ast.ArrayType)
	if !ok {
		return false
	}
	l, ok := at.Len.(*ast.BasicLit)
	return ok && l.Value == "2"
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return r
}

func TestFrenchTypography(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for name, texts := range map[string]map[string]string{
		"UI": frenchUI(t, root), "templates": frenchTemplates(t, root), "Go": frenchGo(t, root),
	} {
		if len(texts) < 20 {
			t.Fatalf("%s: only %d French strings found: the test no longer reads them", name, len(texts))
		}
		for where, text := range texts {
			if e := typographyError(text); e != "" {
				t.Errorf("%s: %s", where, e)
			}
		}
	}
}

// The rule itself: what it refuses and what it lets through.
func TestTypographyRule(t *testing.T) {
	for text, bad := range map[string]bool{
		"Supprimer ce membre ?": true, "Supprimer ce membre\u00a0?": true, "Supprimer ce membre\u202f?": false,
		"Rôle : membre": true, "Rôle\u202f: membre": true, "Rôle\u00a0: membre": false,
		"« CSV UTF-8 »": true, "«CSV»": true, "«\u202fCSV UTF-8\u202f»": false,
		"Bienvenue !": true, "a ; b": true, "https://example.org/?x=1": false, "à 10:30": false, "{}?": false,
	} {
		if got := typographyError(text) != ""; got != bad {
			t.Errorf("%q: refused %v, want %v", text, got, bad)
		}
	}
}
