package audit

import (
	"crypto/hmac"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Report is the result of verifying one organisation's chain and its sealed head.
type Report struct {
	Org     string
	Rows    int
	Head    int64 // seq of the sealed head (0 when there is none)
	OK      bool
	BrokeAt int64  // seq of the first bad or missing row (0 when OK)
	Reason  string // what is wrong there
}

func (r Report) String() string {
	name := r.Org
	if name == "" {
		name = "(instance)"
	}
	if r.OK {
		return fmt.Sprintf("%s: %d rows, chain verified, head sealed at row %d", name, r.Rows, r.Head)
	}
	return fmt.Sprintf("%s: chain broken at row %d: %s", name, r.BrokeAt, r.Reason)
}

// verifyPage is how many rows Verify reads at a time.
const verifyPage = 2000

// Verify walks one organisation's chain in order and reports the first modified,
// inserted or deleted row: each row must follow the one before (seq and link) and
// match its HMAC under this instance's chain key; then the chain must end where its
// sealed head says (auditHeads), and hold the row its witness file names.
func Verify(app core.App, org string) (Report, error) {
	rep := Report{Org: org, OK: true}
	bad := func(at int64, reason string, args ...any) (Report, error) {
		rep.OK, rep.BrokeAt, rep.Reason = false, at, fmt.Sprintf(reason, args...)
		return rep, nil
	}
	key, err := chainKey(app)
	if err != nil {
		return rep, err
	}
	w, witnessed, werr := readWitness(app, org)
	var last chainRow
	var atWitness string // the hash of the row the witness names, as the chain holds it
	keyed := func(r chainRow) string { return r.hash(key) }
	for {
		rows, err := chainPage(app, org, last.Seq)
		if err != nil {
			return rep, err
		}
		for _, r := range rows {
			rep.Rows++
			if reason := follows(r, last, keyed); reason != "" {
				if r.Seq == 1 && reason == reasonModified {
					// The first row fails too when the whole log was written under another key.
					reason = "its content does not match its hash (the row was modified, or this instance's encryption key, " +
						"ROSTER_ENCRYPTION_KEY or <data>/.roster_key, is not the one that wrote the log)"
				}
				return bad(r.Seq, "%s", reason)
			}
			if witnessed && r.Seq == w.Seq {
				atWitness = r.Hash
			}
			last = r
		}
		if len(rows) < verifyPage {
			break
		}
	}

	h, sealed, err := tableHead(app, org)
	if err != nil {
		return rep, err
	}
	switch {
	case !sealed && last.Seq > 0:
		return bad(last.Seq, "the chain has no sealed head (its %s row was deleted)", HeadsTable)
	case sealed && !h.sealedBy(key, org):
		return bad(max(last.Seq, 1), "its sealed head (row %d) does not match its seal (it was forged)", h.Seq)
	case sealed && h.Seq > last.Seq:
		return bad(last.Seq+1, "rows %d to %d are missing: the sealed head names row %d (the newest rows were deleted)",
			last.Seq+1, h.Seq, h.Seq)
	case sealed && h.Seq < last.Seq:
		return bad(h.Seq+1, "the chain goes on past its sealed head (row %d)", h.Seq)
	case sealed && h.Hash != last.Hash:
		return bad(last.Seq, "it is not the row its sealed head names (the newest rows were replaced)")
	}
	rep.Head = h.Seq

	path := witnessPath(app, org)
	switch {
	case !witnessed:
	case werr != nil:
		return bad(last.Seq+1, "its head witness %s is unreadable: %v", path, werr)
	case !w.sealedBy(key, org):
		return bad(last.Seq+1, "its head witness %s does not match its seal (it was forged)", path)
	case w.Seq > last.Seq:
		return bad(last.Seq+1, "rows %d to %d are missing: the head witness %s names row %d (the newest rows were deleted)",
			last.Seq+1, w.Seq, path, w.Seq)
	case atWitness != w.Hash:
		return bad(w.Seq, "it is not the row the head witness %s names (rows were deleted and others written in their place)", path)
	}
	return rep, nil
}

// chainPage reads org's next rows after seq, in order.
func chainPage(app core.App, org string, after int64) ([]chainRow, error) {
	var rows []chainRow
	err := app.DB().NewQuery(`SELECT id, org, seq, actor, actorLabel, action, targetType, targetId, targetLabel,
		details, ip, at, prevHash, hash FROM auditLog WHERE org = {:org} AND seq > {:after} ORDER BY seq LIMIT {:n}`).
		Bind(dbx.Params{"org": org, "after": after, "n": verifyPage}).All(&rows)
	return rows, err
}

const reasonModified = "its content does not match its hash (the row was modified)"

// follows says what is wrong with r as the row after prev (the zero row before the
// first), its hash computed by hash: "" when it holds.
func follows(r, prev chainRow, hash func(chainRow) string) string {
	if r.Seq != prev.Seq+1 {
		return fmt.Sprintf("expected row %d: a row is missing", prev.Seq+1)
	}
	if r.PrevHash != prev.Hash {
		return "its link to the previous row does not match (a row was changed or removed)"
	}
	details, err := recanonical([]byte(r.Details))
	if err != nil {
		return "its details are not valid JSON"
	}
	r.Details = string(details)
	if !hmacEqual(hash(r), r.Hash) {
		return reasonModified
	}
	return ""
}

func hmacEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// VerifyAll verifies every chain in the instance: every organisation with audit rows, a
// sealed head or a witness file (so that a chain deleted whole is reported too).
func VerifyAll(app core.App) ([]Report, error) {
	var orgs []string
	err := app.DB().NewQuery("SELECT DISTINCT org FROM auditLog UNION SELECT org FROM " + HeadsTable).Column(&orgs)
	if err != nil {
		return nil, err
	}
	witnessed, err := witnessedOrgs(app)
	if err != nil {
		return nil, err
	}
	orgs = append(orgs, witnessed...)
	slices.Sort(orgs)
	var out []Report
	for _, o := range slices.Compact(orgs) {
		r, err := Verify(app, o)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
