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
// makes 100 000 members take seconds. The values must therefore already be what
// PocketBase would store: dates as "2006-01-02 15:04:05.000Z" text, JSON as text, bools
// as 0/1, relations as the related id.

// maxParams stays well under SQLite's limit of 32 766 bound parameters per statement.
const (
	maxParams     = 30000
	rowsPerInsert = 500
)

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

// flush writes the collected rows, rowsPerInsert (or fewer, for wide tables) per
// statement, and empties the table.
func (t *table) flush(db dbx.Builder) error {
	per := min(rowsPerInsert, maxParams/len(t.cols))
	for start := 0; start < len(t.rows); start += per {
		chunk := t.rows[start:min(start+per, len(t.rows))]
		var sql strings.Builder
		sql.Grow(len(chunk) * len(t.cols) * 8)
		sql.WriteString("INSERT INTO `" + t.name + "` (")
		for i, c := range t.cols {
			if i > 0 {
				sql.WriteByte(',')
			}
			sql.WriteString("`" + c + "`")
		}
		sql.WriteString(") VALUES ")
		params := make(dbx.Params, len(chunk)*len(t.cols))
		n := 0
		for r, row := range chunk {
			if r > 0 {
				sql.WriteByte(',')
			}
			sql.WriteByte('(')
			for c, v := range row {
				if c > 0 {
					sql.WriteByte(',')
				}
				name := paramName(n)
				sql.WriteString("{:" + name + "}")
				params[name] = v
				n++
			}
			sql.WriteByte(')')
		}
		if _, err := db.NewQuery(sql.String()).Bind(params).Execute(); err != nil {
			return fmt.Errorf("demo: insert into %s: %w", t.name, err)
		}
	}
	t.rows = t.rows[:0]
	return nil
}

var paramNames = func() []string {
	out := make([]string, maxParams)
	for i := range out {
		out[i] = "p" + strconv.Itoa(i)
	}
	return out
}()

func paramName(i int) string { return paramNames[i] }

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
