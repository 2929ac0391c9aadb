// Package audit owns the append-only, hash-chained audit log. Write is called inside the
// transaction of the change it records, so a change and its audit row commit or roll back
// together. Each organisation has its own chain: row n stores the hash of row n-1, so
// editing or deleting a row breaks the chain, which Verify reports.
package audit

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collection is the audit log's collection name.
const Collection = "auditLog"

// Actors that are not memberships.
const (
	ActorSuperuser = "superuser"
	ActorSystem    = "system"
)

// Entry is one change to record. Details holds before/after values; never a secret.
type Entry struct {
	Org         string
	Actor       string // membership id, ActorSuperuser or ActorSystem
	ActorLabel  string
	Action      string // e.g. "org.create", "members.disable"
	TargetType  string // e.g. "membership", "organization", "invitation"
	TargetID    string
	TargetLabel string
	Details     any
	IP          string
}

// Write appends e to its organisation's chain, in app's transaction (or a new one).
func Write(app core.App, e Entry) error {
	return WriteMany(app, []Entry{e})
}

// Limits of the auditLog collection (PocketBase's default text limit and the details
// field's MaxSize), checked here because rows are inserted with SQL, not record saves.
const (
	maxText    = 5000
	maxDetails = 1 << 20
)

// insertBatch is the most rows one INSERT statement carries (13 parameters each).
const insertBatch = 500

// WriteMany appends entries, in order, to their organisations' chains, in app's
// transaction (or a new one), for a change to many members at once: each chain's head
// is read once and the rows are inserted with one statement (per insertBatch rows),
// without PocketBase's record machinery. The rows are those Write would store one by
// one (they share one timestamp), so Verify and `roster doctor` check them alike.
func WriteMany(app core.App, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	at := types.NowDateTime().String()
	rows := make([]chainRow, len(entries))
	for i, e := range entries {
		if e.Actor == "" || e.Action == "" {
			return errors.New("audit: actor and action are required")
		}
		for _, v := range []string{e.Org, e.Actor, e.ActorLabel, e.Action, e.TargetType, e.TargetID, e.TargetLabel, e.IP} {
			if utf8.RuneCountInString(v) > maxText {
				return fmt.Errorf("audit: a text field is longer than %d characters", maxText)
			}
		}
		details, err := canonical(e.Details)
		if err != nil {
			return fmt.Errorf("audit: details: %w", err)
		}
		if len(details) > maxDetails {
			return fmt.Errorf("audit: details are larger than %d bytes", maxDetails)
		}
		rows[i] = chainRow{
			ID: core.GenerateDefaultRandomId(), Org: e.Org, Actor: e.Actor, ActorLabel: e.ActorLabel, Action: e.Action,
			TargetType: e.TargetType, TargetID: e.TargetID, TargetLabel: e.TargetLabel,
			Details: string(details), IP: e.IP, At: at,
		}
	}
	return app.RunInTransaction(func(tx core.App) error {
		heads := map[string]chainRow{}
		for i := range rows {
			r := &rows[i]
			head, ok := heads[r.Org]
			if !ok {
				err := tx.DB().NewQuery("SELECT seq, hash FROM auditLog WHERE org = {:org} ORDER BY seq DESC LIMIT 1").
					Bind(dbx.Params{"org": r.Org}).One(&head)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			r.Seq, r.PrevHash = head.Seq+1, head.Hash
			r.Hash = r.hash()
			heads[r.Org] = *r
		}
		for len(rows) > 0 {
			n := min(len(rows), insertBatch)
			if err := insert(tx, rows[:n]); err != nil {
				return err
			}
			rows = rows[n:]
		}
		return nil
	})
}

// insert writes rows, which share one timestamp (at, created and updated), with one
// multi-row INSERT.
func insert(tx core.App, rows []chainRow) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO auditLog (id, org, seq, actor, actorLabel, action, targetType, targetId, targetLabel,
		details, ip, prevHash, hash, at, created, updated) VALUES `)
	params := dbx.Params{"at": rows[0].At}
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(")
		for j, v := range []any{r.ID, r.Org, r.Seq, r.Actor, r.ActorLabel, r.Action, r.TargetType, r.TargetID, r.TargetLabel,
			r.Details, r.IP, r.PrevHash, r.Hash} {
			k := "p" + strconv.Itoa(i) + "_" + strconv.Itoa(j)
			params[k] = v
			q.WriteString("{:" + k + "}, ")
		}
		q.WriteString("{:at}, {:at}, {:at})")
	}
	_, err := tx.DB().NewQuery(q.String()).Bind(params).Execute()
	return err
}

// chainRow is what the hash covers, as stored.
type chainRow struct {
	ID          string `db:"id"`
	Org         string `db:"org"`
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
	PrevHash    string `db:"prevHash"`
	Hash        string `db:"hash"`
}

func (r chainRow) hash() string {
	h := sha256.New()
	for _, v := range []string{r.PrevHash, r.Org, fmt.Sprint(r.Seq), r.Actor, r.ActorLabel, r.Action,
		r.TargetType, r.TargetID, r.TargetLabel, r.Details, r.IP, r.At} {
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// canonical encodes v as compact JSON with sorted keys, so the hash does not depend on
// how the database hands the text back.
func canonical(v any) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return recanonical(raw)
}

func recanonical(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

// Report is the result of verifying one organisation's chain.
type Report struct {
	Org     string
	Rows    int
	OK      bool
	BrokeAt int64  // seq of the first bad row (0 when OK)
	Reason  string // what is wrong there
}

func (r Report) String() string {
	name := r.Org
	if name == "" {
		name = "(instance)"
	}
	if r.OK {
		return fmt.Sprintf("%s: %d rows, chain verified", name, r.Rows)
	}
	return fmt.Sprintf("%s: chain broken at row %d: %s", name, r.BrokeAt, r.Reason)
}

// Verify walks one organisation's chain in order and reports the first modified,
// inserted or deleted row.
func Verify(app core.App, org string) (Report, error) {
	rep := Report{Org: org, OK: true}
	var rows []chainRow
	err := app.DB().NewQuery(`SELECT id, org, seq, actor, actorLabel, action, targetType, targetId, targetLabel,
		details, ip, at, prevHash, hash FROM auditLog WHERE org = {:org} ORDER BY seq`).
		Bind(dbx.Params{"org": org}).All(&rows)
	if err != nil {
		return rep, err
	}
	prev := ""
	for i, r := range rows {
		rep.Rows++
		bad := func(reason string) (Report, error) {
			rep.OK, rep.BrokeAt, rep.Reason = false, r.Seq, reason
			return rep, nil
		}
		if r.Seq != int64(i+1) {
			return bad(fmt.Sprintf("expected row %d: a row is missing", i+1))
		}
		if r.PrevHash != prev {
			return bad("its link to the previous row does not match (a row was changed or removed)")
		}
		details, err := recanonical([]byte(r.Details))
		if err != nil {
			return bad("its details are not valid JSON")
		}
		r.Details = string(details)
		if r.hash() != r.Hash {
			return bad("its content does not match its hash (the row was modified)")
		}
		prev = r.Hash
	}
	return rep, nil
}

// VerifyAll verifies every chain in the instance.
func VerifyAll(app core.App) ([]Report, error) {
	var orgs []string
	if err := app.DB().NewQuery("SELECT DISTINCT org FROM auditLog ORDER BY org").Column(&orgs); err != nil {
		return nil, err
	}
	var out []Report
	for _, o := range orgs {
		r, err := Verify(app, o)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ErrImmutable is returned when anything tries to change or delete an audit row.
var ErrImmutable = errors.New("the audit log is append-only")

// Label formats a member for actorLabel/targetLabel: "Given Family (email)".
func Label(given, family, email string) string {
	name := strings.TrimSpace(given + " " + family)
	if name == "" {
		return email
	}
	return name + " <" + email + ">"
}
