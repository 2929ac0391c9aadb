// Package audit owns the append-only, hash-chained audit log. Write is called inside the
// transaction of the change it records, so a change and its audit row commit or roll back
// together. Each organisation has its own chain: row n stores the hash of row n-1, so
// editing or deleting a row breaks the chain, which Verify reports.
//
// The chain is keyed (docs/reliability.md §9): a row's hash is an HMAC-SHA256 under a key derived
// from the instance key (internal/keyring: ROSTER_ENCRYPTION_KEY or <data>/.roster_key,
// never in data.db), so someone who can rewrite data.db (PocketBase's SQL console, a
// copied file) cannot rewrite a row and recompute the chain after it.
//
// A chain's last rows can be deleted without breaking the links of the rest, so the
// chain's head (its last seq and hash) is also sealed, with an HMAC under the same key,
// in two places outside the auditLog table:
//
//   - the auditHeads table of data.db, written in the same transaction as the rows, so it
//     is never behind nor ahead of them. Deleting the newest rows leaves a head that names
//     a row the chain no longer has. Writes continue from this head, not from the last
//     row left, so a later change does not paper over the gap. Its limit: whoever can
//     write data.db can keep a copy of an older head row and put it back after deleting
//     the rows written since.
//   - a witness file per organisation, <data>/audit_heads/<org, hex>.head, which SQL cannot
//     reach (the SQL console writes data.db only). It is written after the transaction
//     commits (so it may lag behind the table after a crash or between two processes,
//     never run ahead of it) and it only moves forward from a head the chain still has:
//     when the chain no longer holds the row it names (rows deleted, the head row put
//     back or deleted), it is left as it is, and Verify names the missing rows. Its
//     limit: whoever can also write the data directory (and so read .roster_key) can
//     forge anything; only a copy kept off the machine catches that, or a restored older
//     backup of the whole directory.
package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
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

	"roster/internal/access"
	"roster/internal/keyring"
)

// Collection is the audit log's collection name.
const Collection = "auditLog"

// Actors that are not memberships.
const (
	ActorSuperuser = access.OperatorID
	ActorSystem    = "system"
)

// Entry is one change to record. Details holds before/after values; never a secret.
type Entry struct {
	Org         string
	Actor       string // membership id, ActorSuperuser or ActorSystem
	ActorLabel  string
	Action      access.Action // one of access.Audited()
	TargetType  string        // e.g. "membership", "organization", "invitation"
	TargetID    string
	TargetLabel string
	Details     any
	IP          string
}

// Record writes the audit row of one change a made to a target, in tx's transaction.
func Record(tx core.App, a access.Actor, action access.Action, targetType, targetID, targetLabel string, details any) error {
	return Write(tx, By(a, action, targetType, targetID, targetLabel, details))
}

// By is the entry of one change a made to a target.
func By(a access.Actor, action access.Action, targetType, targetID, targetLabel string, details any) Entry {
	return Entry{Org: a.Org, Actor: a.ID, ActorLabel: a.Label, Action: action, IP: a.IP,
		TargetType: targetType, TargetID: targetID, TargetLabel: targetLabel, Details: details}
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
		for _, v := range []string{e.Org, e.Actor, e.ActorLabel, string(e.Action), e.TargetType, e.TargetID, e.TargetLabel, e.IP} {
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
			ID: core.GenerateDefaultRandomId(), Org: e.Org, Actor: e.Actor, ActorLabel: e.ActorLabel, Action: string(e.Action),
			TargetType: e.TargetType, TargetID: e.TargetID, TargetLabel: e.TargetLabel,
			Details: string(details), IP: e.IP, At: at,
		}
	}
	key, err := chainKey(app)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		// Each chain continues from its sealed head: after its newest rows were deleted,
		// the next row still links to the head, and the gap stays visible.
		heads, from := map[string]head{}, map[string]head{}
		var orgs []string
		for i := range rows {
			r := &rows[i]
			h, ok := heads[r.Org]
			if !ok {
				if h, err = currentHead(tx, r.Org); err != nil {
					return err
				}
				orgs, from[r.Org] = append(orgs, r.Org), h
			}
			r.Seq, r.PrevHash = h.Seq+1, h.Hash
			r.Hash = r.hash(key)
			heads[r.Org] = head{Seq: r.Seq, Hash: r.Hash}
		}
		for len(rows) > 0 {
			n := min(len(rows), insertBatch)
			if err := insert(tx, rows[:n]); err != nil {
				return err
			}
			rows = rows[n:]
		}
		for _, org := range orgs {
			if err := sealHead(tx, key, org, from[org], heads[org]); err != nil {
				return err
			}
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

// hash is the row's HMAC-SHA256 under the chain key, over its stored fields (each
// length-prefixed, so no two rows give the same message) and its predecessor's hash.
func (r chainRow) hash(key []byte) string {
	return mac(key, "row", r.PrevHash, r.Org, fmt.Sprint(r.Seq), r.Actor, r.ActorLabel, r.Action,
		r.TargetType, r.TargetID, r.TargetLabel, r.Details, r.IP, r.At)
}

// mac is the hex HMAC-SHA256 of fields under key, the first naming what is sealed.
func mac(key []byte, fields ...string) string {
	h := hmac.New(sha256.New, key)
	for _, v := range fields {
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keyLabel is the chain key's HKDF label: a new label is a new key, which no existing
// chain verifies under.
const keyLabel = "roster audit chain v1"

func chainKey(app core.App) ([]byte, error) {
	k, err := keyring.Derive(app, keyLabel)
	if err != nil {
		return nil, fmt.Errorf("audit: the chain key: %w", err)
	}
	return k, nil
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

// ErrImmutable is returned when anything tries to change or delete an audit row.
var ErrImmutable = errors.New("the audit log is append-only")
