package audit

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Query is what the audit log viewer asks for. The zero value is the newest page of
// everything.
type Query struct {
	Actor    string    // who acted: a membership id, "superuser" or "system"
	Action   string    // an action ("members.disable"), or a family ending in "." or ".*" ("members.")
	Target   string    // the id of what was acted on
	From, To time.Time // at ≥ From and at < To; zero is open
	Cursor   int64     // the last seq seen: the page continues below it (0: from the newest)
	PerPage  int
	Language string // of the sentences: fr, else en
}

// ParseQuery reads actor, action, target, from, to (a date, whose whole day counts, or
// an RFC 3339 time), cursor and perPage. Errors: 400 naming the parameter.
func ParseQuery(q url.Values) (Query, error) {
	out := Query{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Target: strings.TrimSpace(q.Get("target"))}
	for name, v := range map[string]string{"actor": out.Actor, "action": out.Action, "target": out.Target} {
		if len(v) > 100 {
			return out, fail.Invalid(name, "too_long", name+" is at most 100 characters.")
		}
	}
	var err error
	if out.From, err = instant(q.Get("from"), "from", false); err != nil {
		return out, err
	}
	if out.To, err = instant(q.Get("to"), "to", true); err != nil {
		return out, err
	}
	if v := q.Get("cursor"); v != "" {
		if out.Cursor, err = strconv.ParseInt(v, 10, 64); err != nil || out.Cursor < 1 {
			return out, fail.Invalid("cursor", "invalid", "cursor is the seq of the last row seen (a whole number from 1).")
		}
	}
	out.PerPage, err = paging.Lists.Size(q, "perPage")
	return out, err
}

// instant reads a date or a time; a date as an upper bound means the end of that day.
func instant(v, name string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return t, fail.Invalid(name, "invalid_date", name+" is a date (2006-01-02) or a time (RFC 3339).")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// Item is one audit row as the viewer shows it: a sentence in the viewer's language,
// and the change's before and after (null when the row has none).
type Item struct {
	Seq         int64           `json:"seq"`
	At          string          `json:"at"`
	Actor       string          `json:"actor"`
	ActorLabel  string          `json:"actorLabel"`
	Action      string          `json:"action"`
	TargetType  string          `json:"targetType"`
	TargetID    string          `json:"targetId"`
	TargetLabel string          `json:"targetLabel"`
	Sentence    string          `json:"sentence"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"`
	Details     json.RawMessage `json:"details"`
	IP          string          `json:"ip"`
	Redacted    bool            `json:"redacted,omitempty"` // billing details this viewer may not see were left out
}

// Page is one page of the viewer: NextCursor is the cursor of the next page, nil on
// the last one.
type Page struct {
	Items      []Item `json:"items"`
	PerPage    int    `json:"perPage"`
	NextCursor *int64 `json:"nextCursor"`
}

// Row is an audit row as stored.
type Row struct {
	Seq         int64  `db:"seq"`
	Actor       string `db:"actor"`
	ActorLabel  string `db:"actorLabel"`
	Action      string `db:"action"`
	TargetType  string `db:"targetType"`
	TargetID    string `db:"targetId"`
	TargetLabel string `db:"targetLabel"`
	Details     string `db:"details"`
	IP          string `db:"ip"`
	At          string `db:"at"`
}

// List answers one page of org's audit log, newest first, with keyset pagination on
// seq: a page costs the same at row 10 and at row 1 000 000. Access: audit.view (owner
// and administrators); the details of rows about payment methods and invoices only to
// whoever may manage billing (view). Errors: 403 from the policy.
func List(app core.App, viewer access.Member, org string, q Query) (*Page, error) {
	if err := access.Can(viewer, access.AuditView, nil); err != nil {
		return nil, err
	}
	if q.PerPage < 1 || q.PerPage > paging.MaxPerPage {
		q.PerPage = paging.DefaultPerPage
	}
	rows, err := find(app, org, q, q.PerPage+1)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: make([]Item, 0, min(len(rows), q.PerPage)), PerPage: q.PerPage}
	if len(rows) > q.PerPage {
		rows = rows[:q.PerPage]
		next := rows[len(rows)-1].Seq
		p.NextCursor = &next
	}
	billing := seesBilling(viewer)
	for _, r := range rows {
		p.Items = append(p.Items, r.view(q.Language, billing))
	}
	return p, nil
}

// billingTargets are the records whose audit rows carry billing details: a payment
// method's label, brand, last 4 and expiry; an invoice's totals and what paid it.
var billingTargets = map[string]bool{"paymentMethod": true, "invoice": true}

// seesBilling says whether viewer may read billing details: whoever may manage billing
// (the owner).
func seesBilling(viewer access.Member) bool {
	return access.Can(viewer, access.BillingManage, nil) == nil
}

// view is r as its viewer sees it: a row about a payment method or an invoice keeps,
// for a viewer who does not see billing details, who acted, when, from where and the
// action, with a sentence saying that billing changed; its target and details are
// left out.
func (r Row) view(lang string, billing bool) Item {
	if billing || !billingTargets[r.TargetType] {
		return r.Item(lang)
	}
	r.TargetID, r.TargetLabel, r.Details = "", "", ""
	it := r.Item(lang)
	generic := r
	generic.Action = "billing.manage"
	it.Sentence, it.Redacted = Describe(generic, lang), true
	return it
}

// Item turns a stored row into the viewer's item, its sentence in lang.
func (r Row) Item(lang string) Item {
	it := Item{Seq: r.Seq, At: r.At, Actor: r.Actor, ActorLabel: r.ActorLabel, Action: r.Action,
		TargetType: r.TargetType, TargetID: r.TargetID, TargetLabel: r.TargetLabel,
		Sentence: Describe(r, lang), Details: json.RawMessage("null"), Before: json.RawMessage("null"),
		After: json.RawMessage("null"), IP: r.IP}
	if r.Details != "" && json.Valid([]byte(r.Details)) {
		it.Details = json.RawMessage(r.Details)
	}
	var parts map[string]json.RawMessage
	if json.Unmarshal(it.Details, &parts) == nil {
		if v, ok := parts["before"]; ok {
			it.Before = v
		}
		if v, ok := parts["after"]; ok {
			it.After = v
		}
	}
	return it
}

// find reads up to limit rows of org matching q, newest first. Each filter has its
// index — (org, targetId, seq), (org, actor, seq), (org, action, seq) — and a date
// range becomes a range of seq through (org, at), since a row's time grows with its seq;
// the dates are still checked on each row (unary + keeps SQLite off the at index there).
func find(app core.App, org string, q Query, limit int) ([]Row, error) {
	conds := []string{"org = {:org}"}
	params := dbx.Params{"org": org, "limit": limit}
	// One index leads, the most selective one asked for: a target has few rows, an actor
	// more, an action most. Unary + keeps SQLite off the others' indexes (with two
	// equalities it may otherwise walk a common action's rows to find a rare actor's).
	lead := func(col string, first bool) string {
		if first {
			return col
		}
		return "+" + col
	}
	if q.Target != "" {
		conds = append(conds, "targetId = {:target}")
		params["target"] = q.Target
	}
	if q.Actor != "" {
		conds = append(conds, lead("actor", q.Target == "")+" = {:actor}")
		params["actor"] = q.Actor
	}
	family, isFamily := strings.CutSuffix(strings.TrimSuffix(q.Action, "*"), ".")
	isFamily = isFamily && family != ""
	familyLeads := isFamily && q.Target == "" && q.Actor == ""
	if isFamily {
		params["actionLo"], params["actionHi"] = family+".", family+"/"
	}
	if isFamily && !familyLeads {
		// Behind a target or an actor, a family is a filter on their rows.
		conds = append(conds, "+action >= {:actionLo} AND +action < {:actionHi}")
	} else if q.Action != "" && !isFamily {
		conds = append(conds, lead("action", q.Target == "" && q.Actor == "")+" = {:action}")
		params["action"] = q.Action
	}
	if q.Cursor > 0 {
		conds = append(conds, "seq < {:cursor}")
		params["cursor"] = q.Cursor
	}
	if !q.From.IsZero() {
		params["from"] = q.From.UTC().Format(dbTime)
		lo, ok, err := seqAt(app, "SELECT seq FROM auditLog WHERE org = {:org} AND at >= {:from} ORDER BY at LIMIT 1", params)
		if err != nil || !ok {
			return nil, err
		}
		conds = append(conds, "seq >= {:seqLo}", "+at >= {:from}")
		params["seqLo"] = lo
	}
	if !q.To.IsZero() {
		params["to"] = q.To.UTC().Format(dbTime)
		hi, ok, err := seqAt(app, "SELECT seq FROM auditLog WHERE org = {:org} AND at < {:to} ORDER BY at DESC LIMIT 1", params)
		if err != nil || !ok {
			return nil, err
		}
		conds = append(conds, "seq <= {:seqHi}", "+at < {:to}")
		params["seqHi"] = hi
	}
	sql := rowsSQL + strings.Join(conds, " AND ") + " ORDER BY seq DESC LIMIT {:limit}"
	if familyLeads {
		// Each action of the family present in the log is one walk of the (org, action,
		// seq) index; the newest rows of all of them make the page.
		actions, err := actionsIn(app, params)
		switch {
		case err != nil || len(actions) == 0:
			return nil, err
		case len(actions) >= maxFamily: // too many to read apart: walk seq and skip the others
			conds = append(conds, "+action >= {:actionLo} AND +action < {:actionHi}")
			return rowsWhere(app, rowsSQL+strings.Join(conds, " AND ")+" ORDER BY seq DESC LIMIT {:limit}", params)
		}
		base := strings.Join(conds, " AND ")
		arms := make([]string, len(actions))
		for i, a := range actions {
			p := fmt.Sprintf("action%d", i)
			params[p] = a
			arms[i] = "SELECT * FROM (" + rowsSQL + base + " AND action = {:" + p + "} ORDER BY seq DESC LIMIT {:limit})"
		}
		sql = strings.Join(arms, " UNION ALL ") + " ORDER BY seq DESC LIMIT {:limit}"
	}
	return rowsWhere(app, sql, params)
}

func rowsWhere(app core.App, sql string, params dbx.Params) ([]Row, error) {
	var rows []Row
	err := app.DB().NewQuery(sql).Bind(params).All(&rows)
	return rows, err
}

const rowsSQL = `SELECT seq, actor, actorLabel, action, targetType, targetId, targetLabel, details, ip, at FROM auditLog WHERE `

// maxFamily bounds how many actions of one family a page reads separately.
const maxFamily = 100

// actionsIn lists the actions of org's log in [actionLo, actionHi), one index seek each
// (SQLite has no skip-scan of its own for this).
func actionsIn(app core.App, params dbx.Params) ([]string, error) {
	var out []string
	err := app.DB().NewQuery(`WITH RECURSIVE a(x, n) AS (
		SELECT (SELECT min(action) FROM auditLog WHERE org = {:org} AND action >= {:actionLo} AND action < {:actionHi}), 1
		UNION ALL
		SELECT (SELECT min(action) FROM auditLog WHERE org = {:org} AND action > a.x AND action < {:actionHi}), n + 1
		FROM a WHERE a.x IS NOT NULL AND n < {:maxFamily}
	) SELECT x FROM a WHERE x IS NOT NULL`).Bind(dbx.Params{"org": params["org"], "actionLo": params["actionLo"],
		"actionHi": params["actionHi"], "maxFamily": maxFamily}).Column(&out)
	return out, err
}

// seqAt reads one seq; ok is false when there is none (the range is empty).
func seqAt(app core.App, query string, params dbx.Params) (int64, bool, error) {
	var seq int64
	err := app.DB().NewQuery(query).Bind(params).Row(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return seq, err == nil, err
}

// dbTime is how PocketBase stores dates: text that sorts as time does.
const dbTime = "2006-01-02 15:04:05.000Z"

// Check verifies org's chain for its viewer. Access: audit.view. Errors: 403.
func Check(app core.App, viewer access.Member, org string) (Report, error) {
	if err := access.Can(viewer, access.AuditView, nil); err != nil {
		return Report{}, err
	}
	return Verify(app, org)
}
