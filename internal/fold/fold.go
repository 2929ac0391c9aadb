// Package fold owns the accent- and case-folding Roster sorts and searches names with,
// in Go (String) and in SQLite as the function roster_fold(text), which the member
// index's triggers call. Importing the package registers the function for every
// connection the process opens.
package fold

import (
	"database/sql/driver"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
)

// String lower-cases s and removes its accents: "Hélène Lefèvre" → "helene lefevre".
func String(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("roster_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return String(v), nil
		case []byte:
			return String(string(v)), nil
		case nil:
			return "", nil
		default:
			return v, nil
		}
	})
}
