package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
)

// CreateHeadsTable creates the sealed heads' table (a migration's step).
func CreateHeadsTable(app core.App) error {
	_, err := app.DB().NewQuery("CREATE TABLE " + HeadsTable + ` (
		org TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, seal TEXT NOT NULL)`).Execute()
	return err
}

// Rekey turns every chain hashed with plain SHA-256 (before the chain was keyed) into a keyed
// one, in app's transaction: it checks each organisation's chain as it was, re-hashes
// its rows under the chain key, then appends one audit.rekeyed row (actor system),
// which seals the head. A chain found broken is not laundered: only the rows before the
// break are re-hashed, the rest keep what they store, so Verify goes on reporting the
// break at the same row, and the audit.rekeyed row says where it was found.
func Rekey(app core.App) error {
	var orgs []string
	if err := app.DB().NewQuery("SELECT DISTINCT org FROM auditLog ORDER BY org").Column(&orgs); err != nil {
		return err
	}
	if len(orgs) == 0 {
		return nil // nothing to re-hash: the key is not needed (nor created) yet
	}
	key, err := chainKey(app)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		update := tx.DB().NewQuery("UPDATE auditLog SET prevHash = {:prev}, hash = {:hash} WHERE id = {:id}").Prepare()
		defer update.Close()
		for _, org := range orgs {
			details, err := rekeyChain(tx, update, key, org)
			if err != nil {
				return err
			}
			err = Write(tx, Entry{Org: org, Actor: ActorSystem, ActorLabel: ActorSystem, Action: access.AuditRekeyed, Details: details})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// rekeyChain re-hashes org's rows up to the first one its plain SHA-256 chain does not
// verify, and describes what it did: rows (all of them), verified (re-hashed) and, for a
// broken chain, brokeAt and reason.
func rekeyChain(tx core.App, update *dbx.Query, key []byte, org string) (map[string]any, error) {
	var last chainRow // as stored before
	newPrev := ""     // the previous row's keyed hash
	n, verified := 0, 0
	var brokeAt int64
	reason := ""
	describe := func() map[string]any {
		out := map[string]any{"rows": n, "verified": verified}
		if brokeAt > 0 {
			out["brokeAt"], out["reason"] = brokeAt, reason
		}
		return out
	}
	for {
		rows, err := chainPage(tx, org, last.Seq)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			n++
			stored := r
			if brokeAt == 0 {
				if reason = follows(r, last, legacyHash); reason != "" {
					brokeAt = r.Seq
				}
			}
			if brokeAt == 0 {
				details, _ := recanonical([]byte(r.Details)) // follows read it
				r.Details, r.PrevHash = string(details), newPrev
				newPrev = r.hash(key)
				if _, err := update.Bind(dbx.Params{"prev": r.PrevHash, "hash": newPrev, "id": r.ID}).Execute(); err != nil {
					return nil, err
				}
				verified++
			}
			last = stored
		}
		if len(rows) < verifyPage {
			return describe(), nil
		}
	}
}

// legacyHash is a row's plain SHA-256 hash, as written before the chain was keyed.
func legacyHash(r chainRow) string {
	h := sha256.New()
	for _, v := range []string{r.PrevHash, r.Org, fmt.Sprint(r.Seq), r.Actor, r.ActorLabel, r.Action,
		r.TargetType, r.TargetID, r.TargetLabel, r.Details, r.IP, r.At} {
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}
