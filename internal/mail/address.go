package mail

import (
	"strings"
	"unicode"

	"github.com/pocketbase/ozzo-validation/v4/is"
)

// ValidAddress tells whether address (already trimmed and lower-cased) is one Roster
// accepts for an account or an invitation: PocketBase's email format, at most 255
// bytes, and only visible characters. The format check lets through Unicode spaces and
// invisible characters (U+2028, U+00A0, U+200B, U+202E…), which make an address nobody
// can receive mail at, or one that reads as another.
func ValidAddress(address string) bool {
	return address != "" && len(address) <= 255 && is.EmailFormat.Validate(address) == nil &&
		!strings.ContainsFunc(address, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsGraphic(r) })
}
