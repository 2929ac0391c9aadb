package audit

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
)

var exportHeader = []string{"seq", "at", "actorId", "actor", "action", "description", "targetType", "targetId",
	"target", "before", "after", "details", "ip"}

// exportPage is how many rows the export reads at a time.
const exportPage = 1000

// Export checks the right to export org's audit log (access: audit.export, owner and
// administrators) and returns the function that writes every row matching q (its
// cursor and page size aside) as CSV, newest first: UTF-8 with a byte-order mark so
// that spreadsheets read the accents, a sentence in q.Language per row, and cells a
// spreadsheet would run as a formula defused with a leading quote.
func Export(app core.App, viewer access.Member, org string, q Query) (func(io.Writer) error, error) {
	if err := access.Can(viewer, access.AuditExport, nil); err != nil {
		return nil, err
	}
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		out := csv.NewWriter(w)
		if err := out.Write(exportHeader); err != nil {
			return err
		}
		q.Cursor = 0
		billing := seesBilling(viewer)
		for {
			rows, err := find(app, org, q, exportPage)
			if err != nil {
				return err
			}
			for _, r := range rows {
				it := r.view(q.Language, billing)
				rec := []string{strconv.FormatInt(it.Seq, 10), it.At, it.Actor, it.ActorLabel, it.Action, it.Sentence,
					it.TargetType, it.TargetID, it.TargetLabel, string(it.Before), string(it.After), string(it.Details), it.IP}
				for i := range rec {
					rec[i] = defuse(rec[i])
				}
				if err := out.Write(rec); err != nil {
					return err
				}
			}
			out.Flush()
			if err := out.Error(); err != nil {
				return err
			}
			if len(rows) < exportPage {
				return nil
			}
			q.Cursor = rows[len(rows)-1].Seq
		}
	}, nil
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
