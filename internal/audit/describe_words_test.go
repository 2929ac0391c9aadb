package audit_test

import (
	"strings"
	"testing"

	"roster/internal/audit"
)

// A role change reads as words in both languages, never as the codes ("from member to admin").
func TestRoleChangeSentenceNamesRolesInWords(t *testing.T) {
	r := audit.Row{Actor: "m1", ActorLabel: "Hélène Dupré <helene@example.com>", Action: "members.changeRole",
		TargetID: "m2", TargetLabel: "Luc Garçon <luc@example.com>",
		Details: `{"before":{"role":"member"},"after":{"role":"admin"}}`}
	if got, want := audit.Describe(r, "en"), "Hélène Dupré changed Luc Garçon’s role from member to administrator."; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if got := audit.Describe(r, "fr"); got == "" || !containsAll(got, "membre", "administrateur") {
		t.Errorf("French: %q", got)
	}
}

func containsAll(s string, words ...string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
