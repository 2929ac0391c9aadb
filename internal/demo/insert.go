package demo

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rows are written with multi-row INSERT statements, straight through the transaction's
// dbx builder: no record model, no hooks, no validation, no per-row save. That is what
// makes 100 000 members take seconds rather than many minutes. The values must therefore
// already be what PocketBase would store: dates as "2006-01-02 15:04:05.000Z" text, JSON
// as text, bools as 0/1, relations as the related id. SQL triggers still fire (the member
// search index keeps up by itself).

// rowsPerInsert rows go in one statement. Few, big statements matter: each statement
// opens a savepoint, at which FTS5 flushes its pending index; and modernc's driver binds
// parameters in quadratic time (500 rows of 17 bound values each made 100 000 members
// take 48 s instead of 20), hence one JSON parameter per statement (see flush).
const rowsPerInsert = 5000

// table collects the rows of one INSERT.
type table struct {
	name string
	cols []string
	rows [][]any
}

func newTable(name string, cols ...string) *table { return &table{name: name, cols: cols} }

func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("demo: %s: %d values for %d columns", t.name, len(vals), len(t.cols)))
	}
	t.rows = append(t.rows, vals)
}

// flush writes the collected rows and empties the table. Each statement carries its
// rows as one JSON parameter, unpacked by json_each: a single bound value whatever the
// batch size (the driver binds parameters in quadratic time), a short SQL text, and no
// value ever spliced into SQL.
func (t *table) flush(db dbx.Builder) error {
	var sql strings.Builder
	sql.WriteString("INSERT OR FAIL INTO `" + t.name + "` (`" + strings.Join(t.cols, "`,`") + "`) SELECT ")
	for i := range t.cols {
		if i > 0 {
			sql.WriteByte(',')
		}
		sql.WriteString("value->>" + strconv.Itoa(i))
	}
	sql.WriteString(" FROM json_each({:rows})")
	for start := 0; start < len(t.rows); start += rowsPerInsert {
		rows, err := json.Marshal(t.rows[start:min(start+rowsPerInsert, len(t.rows))])
		if err != nil {
			return fmt.Errorf("demo: %s: %w", t.name, err)
		}
		if _, err := db.NewQuery(sql.String()).Bind(dbx.Params{"rows": string(rows)}).Execute(); err != nil {
			return fmt.Errorf("demo: insert into %s: %w", t.name, err)
		}
	}
	t.rows = t.rows[:0]
	return nil
}

// date formats t as PocketBase stores dates; the zero time is the empty date.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(types.DefaultDateLayout)
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain slices and maps of strings and ints are encoded here
	}
	return string(b)
}

// secrets hands out crypto-random bytes from a buffer refilled in large reads, so that
// 100 000 token keys do not cost 5 million calls into crypto/rand.
type secrets struct{ buf []byte }

func (s *secrets) bytes(n int) []byte {
	if len(s.buf) < n {
		s.buf = make([]byte, max(64<<10, n))
		if _, err := rand.Read(s.buf); err != nil {
			panic(err) // crypto/rand.Read never fails on supported platforms
		}
	}
	out := s.buf[:n]
	s.buf = s.buf[n:]
	return out
}

const alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// tokenKey is what PocketBase generates for an auth record's tokenKey: 50 characters of
// [a-zA-Z0-9], crypto-random (rejection sampling keeps them uniform).
func (s *secrets) tokenKey() string {
	return s.text(50, alphanumeric)
}

func (s *secrets) text(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	for len(out) < n {
		for _, b := range s.bytes(n - len(out)) {
			if int(b) < limit {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// tokenHash is the hex SHA-256 of a fresh 32-byte token that nobody keeps: the demo
// invitation can be listed, resent (which rotates it) or revoked, never accepted as is.
func (s *secrets) tokenHash() string {
	h := sha256.Sum256(s.bytes(32))
	return hex.EncodeToString(h[:])
}
