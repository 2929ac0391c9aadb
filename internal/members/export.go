package members

import (
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/spreadsheet"
)

var exportHeader = []string{"name", "givenName", "familyName", "username", "email", "role", "userType", "status",
	"added", "lastLogin", "creditsAllocated", "creditsUsed", "partnerAccess", "mfaEnabled"}

// Export checks the right to export (access: members.export) and returns the function
// that writes every member matching f as CSV: UTF-8 with a byte-order mark so that
// spreadsheets read the accents, and cells a spreadsheet would run as a formula defused
// with a leading quote.
func Export(app core.App, actor access.Actor, f Filter) (func(io.Writer) error, error) {
	if err := access.Can(actor.Member, access.MembersExport, nil); err != nil {
		return nil, err
	}
	return func(w io.Writer) error { return writeCSV(app, actor.Org, f, w) }, nil
}

func writeCSV(app core.App, org string, f Filter, w io.Writer) error {
	out, err := spreadsheet.New(w, exportHeader)
	if err != nil {
		return err
	}
	f.PerPage, f.SkipTotal = 1000, true
	for f.Page = 1; ; f.Page++ {
		rows, _, err := find(app, org, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			m := r.member()
			alloc := ""
			if m.Credits.Allocated != nil {
				alloc = spreadsheet.Number(*m.Credits.Allocated)
			}
			err := out.Row(m.Name, m.GivenName, m.FamilyName, m.Username, m.Email, string(m.Role), string(m.UserType),
				string(m.Status), m.Added, m.LastLogin, alloc, spreadsheet.Number(m.Credits.Used), fmt.Sprint(m.Partner), fmt.Sprint(m.MfaEnabled))
			if err != nil {
				return err
			}
		}
		if err := out.Flush(); err != nil {
			return err
		}
		if len(rows) < f.PerPage {
			return nil
		}
	}
}
