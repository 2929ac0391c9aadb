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
	"strings"

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
	if e.Actor == "" || e.Action == "" {
		return errors.New("audit: actor and action are required")
	}
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return err
	}
	details, err := canonical(e.Details)
	if err != nil {
		return fmt.Errorf("audit: details: %w", err)
	}
	return app.RunInTransaction(func(tx core.App) error {
		var last struct {
			Seq  int64  `db:"seq"`
			Hash string `db:"hash"`
		}
		err := tx.DB().NewQuery("SELECT seq, hash FROM auditLog WHERE org = {:org} ORDER BY seq DESC LIMIT 1").
			Bind(dbx.Params{"org": e.Org}).One(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		row := chainRow{
			Org: e.Org, Seq: last.Seq + 1, Actor: e.Actor, ActorLabel: e.ActorLabel, Action: e.Action,
			TargetType: e.TargetType, TargetID: e.TargetID, TargetLabel: e.TargetLabel,
			Details: string(details), IP: e.IP, At: types.NowDateTime().String(), PrevHash: last.Hash,
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{
			"org": row.Org, "seq": row.Seq, "actor": row.Actor, "actorLabel": row.ActorLabel,
			"action": row.Action, "targetType": row.TargetType, "targetId": row.TargetID,
			"targetLabel": row.TargetLabel, "details": types.JSONRaw(details), "ip": row.IP,
			"at": row.At, "prevHash": row.PrevHash, "hash": row.hash(),
		})
		return tx.Save(r)
	})
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
