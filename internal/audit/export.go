package audit

import (
	"io"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/spreadsheet"
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
		out, err := spreadsheet.New(w, exportHeader)
		if err != nil {
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
				err := out.Row(strconv.FormatInt(it.Seq, 10), it.At, it.Actor, it.ActorLabel, it.Action, it.Sentence,
					it.TargetType, it.TargetID, it.TargetLabel, string(it.Before), string(it.After), string(it.Details), it.IP)
				if err != nil {
					return err
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if len(rows) < exportPage {
				return nil
			}
			q.Cursor = rows[len(rows)-1].Seq
		}
	}, nil
}
