package audit

import (
	"os"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ForgeChain rewrites org's chain from row from on as someone with write access to
// data.db would after editing a row: each row's link and hash recomputed, with plain
// SHA-256 when key is nil (the chain before it was keyed), else with HMAC-SHA256 under
// key; and the head row resealed the same way.
func ForgeChain(app core.App, org string, from int64, key []byte) error {
	hash := legacyHash
	if key != nil {
		hash = func(r chainRow) string { return r.hash(key) }
	}
	prev, err := rowHash(app, org, from-1)
	if err != nil {
		return err
	}
	last := head{Seq: from - 1, Hash: prev}
	for {
		rows, err := chainPage(app, org, last.Seq)
		if err != nil {
			return err
		}
		for _, r := range rows {
			details, _ := recanonical([]byte(r.Details))
			r.Details, r.PrevHash = string(details), last.Hash
			last = head{Seq: r.Seq, Hash: hash(r)}
			_, err := app.DB().NewQuery("UPDATE auditLog SET prevHash = {:p}, hash = {:h} WHERE id = {:id}").
				Bind(dbx.Params{"p": r.PrevHash, "h": last.Hash, "id": r.ID}).Execute()
			if err != nil {
				return err
			}
		}
		if len(rows) < verifyPage {
			break
		}
	}
	seal := legacyHash(chainRow{Org: org, Seq: last.Seq, Hash: last.Hash})
	if key != nil {
		seal = headSeal(key, org, last)
	}
	_, err = app.DB().NewQuery("UPDATE " + HeadsTable + " SET seq = {:s}, hash = {:h}, seal = {:seal} WHERE org = {:org}").
		Bind(dbx.Params{"s": last.Seq, "h": last.Hash, "seal": seal, "org": org}).Execute()
	return err
}

// Unkey turns org's chain into one written before the chain was keyed: plain SHA-256, no sealed
// head, no witness file.
func Unkey(app core.App, org string) error {
	if err := ForgeChain(app, org, 1, nil); err != nil {
		return err
	}
	if _, err := app.DB().NewQuery("DELETE FROM " + HeadsTable + " WHERE org = {:org}").Bind(dbx.Params{"org": org}).Execute(); err != nil {
		return err
	}
	return os.Remove(WitnessPath(app, org))
}

// WitnessPath is org's head witness file.
func WitnessPath(app core.App, org string) string { return witnessPath(app, org) }
