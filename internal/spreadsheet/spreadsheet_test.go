package spreadsheet_test

import (
	"strings"
	"testing"

	"roster/internal/spreadsheet"
)

func TestExportsOpenSafelyInASpreadsheet(t *testing.T) {
	var b strings.Builder
	w, err := spreadsheet.New(&b, []string{"name", "note"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]string{{"Hélène", "=HYPERLINK(\"x\")"}, {"+33 1", "-1"}, {"@SUM(A1)", "\tx"}, {"plain", ""}} {
		if err := w.Row(row...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffname,note\nHélène,\"'=HYPERLINK(\"\"x\"\")\"\n'+33 1,'-1\n'@SUM(A1),'\tx\nplain,\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

func TestNumbersAreWrittenInFull(t *testing.T) {
	for n, want := range map[float64]string{10_000_000: "10000000", 0: "0", 2.5: "2.5", 1e21: "1000000000000000000000", -3: "-3"} {
		if got := spreadsheet.Number(n); got != want {
			t.Errorf("%v: got %q, want %q", n, got, want)
		}
	}
}
