// Package spreadsheet writes Roster's CSV exports as spreadsheets open them: UTF-8 with a
// byte-order mark, so that the accents survive, and every cell a spreadsheet would run
// as a formula defused with a leading quote.
package spreadsheet

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Writer writes the rows of one export.
type Writer struct{ out *csv.Writer }

// New writes the byte-order mark and the header row to w.
func New(w io.Writer, header []string) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	sw := &Writer{out: csv.NewWriter(w)}
	return sw, sw.Row(header...)
}

// Row writes one row, each cell defused.
func (w *Writer) Row(cells ...string) error {
	for i, c := range cells {
		cells[i] = Defuse(c)
	}
	return w.out.Write(cells)
}

// Flush sends the rows written so far (an export flushes after each page it reads).
func (w *Writer) Flush() error {
	w.out.Flush()
	return w.out.Error()
}

// Defuse keeps a spreadsheet from running cell as a formula.
func Defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// Number writes n as a spreadsheet reads it back: whole numbers as integers
// (10000000, never fmt's 1e+07), others in their shortest exact decimal form.
func Number(n float64) string {
	return strconv.FormatFloat(n, 'f', -1, 64)
}
