package audit

import (
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// HeadsTable holds each organisation's sealed head: org, seq and hash of its last row,
// and seal, their HMAC under the chain key. A plain table (not a collection): nothing
// but this package reads or writes it.
const HeadsTable = "auditHeads"

// WitnessDir is the data directory's folder of head witness files, one per organisation.
const WitnessDir = "audit_heads"

// head is a chain's last row, as sealed.
type head struct {
	Seq  int64  `db:"seq"`
	Hash string `db:"hash"`
	Seal string `db:"seal"`
}

func (h head) sealedBy(key []byte, org string) bool {
	return hmacEqual(h.Seal, headSeal(key, org, h))
}

func headSeal(key []byte, org string, h head) string {
	return mac(key, "head", org, strconv.FormatInt(h.Seq, 10), h.Hash)
}

// currentHead is where org's chain continues: its sealed head, else (a chain's first
// write, or a head row deleted) its last row.
func currentHead(tx core.App, org string) (head, error) {
	h, ok, err := tableHead(tx, org)
	if err != nil || ok {
		return h, err
	}
	err = tx.DB().NewQuery("SELECT seq, hash FROM auditLog WHERE org = {:org} ORDER BY seq DESC LIMIT 1").
		Bind(dbx.Params{"org": org}).One(&h)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return h, err
}

func tableHead(app core.App, org string) (head, bool, error) {
	var h head
	err := app.DB().NewQuery("SELECT seq, hash, seal FROM " + HeadsTable + " WHERE org = {:org}").
		Bind(dbx.Params{"org": org}).One(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	return h, err == nil, err
}

// sealHead records h as org's head in tx, and schedules its witness file for after the
// commit. The witness moves only from a head the chain still has (from, the head this
// write continued from, or any row the chain holds with the hash the witness names);
// otherwise it stays as evidence of the rows removed.
func sealHead(tx core.App, key []byte, org string, from, h head) error {
	h.Seal = headSeal(key, org, h)
	_, err := tx.DB().NewQuery("INSERT INTO " + HeadsTable + ` (org, seq, hash, seal) VALUES ({:org}, {:seq}, {:hash}, {:seal})
		ON CONFLICT (org) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, seal = excluded.seal`).
		Bind(dbx.Params{"org": org, "seq": h.Seq, "hash": h.Hash, "seal": h.Seal}).Execute()
	if err != nil {
		return err
	}
	w, ok, err := readWitness(tx, org)
	if ok && (err != nil || !w.sealedBy(key, org)) {
		return nil // unreadable or forged: left for Verify to report
	}
	if ok && (w.Seq != from.Seq || w.Hash != from.Hash) {
		held, err := rowHash(tx, org, w.Seq)
		if err != nil {
			return err
		}
		if held != w.Hash {
			return nil
		}
	}
	tx.TxInfo().OnComplete(func(txErr error) error {
		if txErr == nil {
			// The change is committed: a witness that could not be written only lags.
			if err := writeWitness(tx, org, h); err != nil {
				tx.Logger().Warn("audit: the head witness file was not written", "org", org, "error", err.Error())
			}
		}
		return nil
	})
	return nil
}

// rowHash is the stored hash of org's row seq ("" when there is none).
func rowHash(app core.App, org string, seq int64) (string, error) {
	var hash string
	err := app.DB().NewQuery("SELECT hash FROM auditLog WHERE org = {:org} AND seq = {:seq}").
		Bind(dbx.Params{"org": org, "seq": seq}).Row(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return hash, err
}

// witnessPath names org's witness file. An organisation id is hex-encoded, so that any
// string makes a plain file name; instance rows (org "") have their own name.
func witnessPath(app core.App, org string) string {
	name := "instance"
	if org != "" {
		name = hex.EncodeToString([]byte(org))
	}
	return filepath.Join(app.DataDir(), WitnessDir, name+".head")
}

// readWitness reads org's witness file: ok is false when there is none; an error with
// ok true means it is there but unreadable.
func readWitness(app core.App, org string) (head, bool, error) {
	var h head
	raw, err := os.ReadFile(witnessPath(app, org))
	if errors.Is(err, os.ErrNotExist) {
		return h, false, nil
	}
	if err != nil {
		return h, true, err
	}
	f := strings.Fields(string(raw))
	if len(f) != 3 {
		return h, true, errors.New("not a sealed head")
	}
	if h.Seq, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return h, true, errors.New("not a sealed head")
	}
	h.Hash, h.Seal = f[1], f[2]
	return h, true, nil
}

// writeWitness overwrites org's witness file in place with one record of fixed length
// (the seq zero-padded), a single write well under a disk sector: a new file renamed
// over the old one would cost ext4 a flush on every audit write.
func writeWitness(app core.App, org string, h head) error {
	path := witnessPath(app, org)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
		}
	}
	if err != nil {
		return err
	}
	_, werr := f.WriteAt(fmt.Appendf(nil, "%020d %s %s\n", h.Seq, h.Hash, h.Seal), 0)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// witnessedOrgs lists the organisations that have a witness file.
func witnessedOrgs(app core.App) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(app.DataDir(), WitnessDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var out []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".head")
		if !ok || strings.HasPrefix(name, ".") {
			continue
		}
		if name == "instance" {
			out = append(out, "")
		} else if org, err := hex.DecodeString(name); err == nil {
			out = append(out, string(org))
		}
	}
	return out, err
}
