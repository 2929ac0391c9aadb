package members_test

import (
	"errors"
	"net/url"
	"testing"

	"roster/internal/fail"
	"roster/internal/members"
)

// Values the full-text index or the offset cannot take are refused with a 400 naming
// the parameter (found by FuzzMemberListQuery: a NUL in a search was SQLite's 500, a
// page near MaxInt64 overflowed the offset to the first page).
func TestParseFilterRefusesWhatTheQueryCannotTake(t *testing.T) {
	for _, c := range []struct{ param, value string }{
		{"search", "abc\x00"}, {"search", "dupont\x1b[0m"}, {"search", "\xc3("},
		{"page", "9223372036854775807"}, {"page", "1073741825"}, {"page", "0"},
	} {
		_, err := members.ParseFilter(url.Values{c.param: {c.value}})
		var fe *fail.Error
		if !errors.As(err, &fe) || fe.Status() != 400 || fe.Field != c.param {
			t.Errorf("%s=%q: %v, want a 400 naming %s", c.param, c.value, err, c.param)
		}
	}
	for _, c := range []struct{ param, value string }{{"search", "Hélène du"}, {"page", "1073741824"}} {
		if _, err := members.ParseFilter(url.Values{c.param: {c.value}}); err != nil {
			t.Errorf("%s=%q refused: %v", c.param, c.value, err)
		}
	}
}
