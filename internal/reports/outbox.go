package reports

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/paging"
)

// Mail is one outbox row as owners and administrators see it. The outbox never holds a
// mail's body, so no link, token or temporary password can reach this view.
type Mail struct {
	ID       string `db:"id" json:"id"`
	To       string `db:"to" json:"to"`
	Template string `db:"template" json:"template"`
	Language string `db:"language" json:"language"`
	Subject  string `db:"subject" json:"subject"`
	Status   string `db:"status" json:"status"` // queued, sent, failed or logged (no mail server)
	Error    string `db:"error" json:"error"`
	At       string `db:"at" json:"at"`
}

// Outbox lists the mails the organisation sent, newest first, a page at a time
// (index (org, at)). Access: audit.view — the outbox is a record of what happened, for
// the owner and administrators. Errors: 403 from the policy (r is bounded by paging.Parse).
func Outbox(app core.App, actor access.Actor, r paging.Request) (*paging.Page[Mail], error) {
	if err := access.Can(actor.Member, access.AuditView, nil); err != nil {
		return nil, err
	}
	params := dbx.Params{"org": actor.Org, "limit": r.Limit(), "offset": r.Offset()}
	items := []Mail{}
	err := app.DB().NewQuery(`SELECT id, "to", template, language, subject, status, error, at FROM mailOutbox
		WHERE org = {:org} ORDER BY at DESC, rowid DESC LIMIT {:limit} OFFSET {:offset}`).Bind(params).All(&items)
	if err != nil {
		return nil, err
	}
	total := 0
	if err := app.DB().NewQuery("SELECT count(*) FROM mailOutbox WHERE org = {:org}").Bind(params).Row(&total); err != nil {
		return nil, err
	}
	p := paging.Of(r, total, items)
	return &p, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
