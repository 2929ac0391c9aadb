package ui

import (
	"os"
	"regexp"
	"testing"

	"roster/internal/access"
)

// The audit log shows each entry's action, and offers it as a filter, as a sentence in both
// languages (src/lib/i18n/auditActions.*.ts, whose keys TypeScript keeps equal): every
// action an audit row may carry has one, and none is left over.
func TestEveryAuditedActionHasASentenceInTheUI(t *testing.T) {
	src, err := os.ReadFile("src/lib/i18n/auditActions.en.ts")
	if err != nil {
		t.Fatal(err)
	}
	inUI := map[string]bool{}
	for _, m := range regexp.MustCompile(`'audit\.action\.([A-Za-z]+\.[A-Za-z]+)'`).FindAllStringSubmatch(string(src), -1) {
		inUI[m[1]] = true
	}
	for _, a := range access.Audited() {
		if !inUI[string(a)] {
			t.Errorf("%s has no sentence in src/lib/i18n/auditActions.en.ts and .fr.ts", a)
		}
		delete(inUI, string(a))
	}
	for a := range inUI {
		t.Errorf("src/lib/i18n/auditActions.en.ts names %s, which no audit row carries", a)
	}
}
