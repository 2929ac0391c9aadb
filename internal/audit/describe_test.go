package audit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"roster/internal/access"
	"roster/internal/audit"
)

func TestEveryAuditedActionHasItsOwnSentenceInBothLanguages(t *testing.T) {
	actions := access.Audited()
	for _, want := range []string{"members.disable", "org.create", "invitations.expire", "account.totpEnable", "billing.changePlan", "demo.seed"} {
		found := false
		for _, a := range actions {
			found = found || string(a) == want
		}
		if !found {
			t.Fatalf("access.Audited() misses %s (it lists %v)", want, actions)
		}
	}
	for _, a := range actions {
		if !audit.Described(a) {
			t.Errorf("%s has no sentence of its own: add it to describers in describe.go", a)
			continue
		}
		r := audit.Row{Seq: 1, Actor: "m1", ActorLabel: "Hélène Dupré <helene@example.com>", Action: string(a), TargetType: "membership",
			TargetID: "m2", TargetLabel: "Luc Garçon <luc@example.com>", Details: "{}"}
		fr, en := audit.Describe(r, "fr"), audit.Describe(r, "en")
		for _, s := range []string{fr, en} {
			if !strings.HasSuffix(s, ".") || strings.ContainsAny(s, "{}<>") || strings.Contains(s, string(a)) {
				t.Errorf("%s: %q", a, s)
			}
		}
		if fr == en {
			t.Errorf("%s: the same sentence in both languages: %q", a, fr)
		}
	}
	t.Logf("%d actions: %v", len(actions), actions)
}

func TestSentences(t *testing.T) {
	details := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	row := func(action, details string) audit.Row {
		return audit.Row{Actor: "m1", ActorLabel: "Hélène Dupré <helene@example.com>", Action: action,
			TargetID: "m2", TargetLabel: "Éric Ollivier <eric@example.com>", Details: details}
	}
	self := row("members.updateProfile", details(map[string]any{"before": map[string]any{"language": "en"}, "after": map[string]any{"language": "fr", "givenName": "Hélène"}}))
	self.TargetID, self.TargetLabel = "m1", self.ActorLabel
	cases := []struct {
		row    audit.Row
		fr, en string
	}{
		{row("members.disable", "{}"), "Hélène Dupré a désactivé Éric Ollivier.", "Hélène Dupré disabled Éric Ollivier."},
		{row("members.changeUserType", details(map[string]any{"before": map[string]any{"userType": "creator"}, "after": map[string]any{"userType": "viewer"}})),
			"Hélène Dupré a changé le type d’utilisateur d’Éric Ollivier\u00a0: créateur → lecteur.",
			"Hélène Dupré changed Éric Ollivier’s user type from creator to viewer."},
		{row("members.updateProfile", details(map[string]any{"after": map[string]any{"email": "x@y.z", "familyName": "O"}})),
			"Hélène Dupré a modifié le profil d’Éric Ollivier (adresse e-mail, nom de famille).",
			"Hélène Dupré updated Éric Ollivier’s profile (email address, family name)."},
		{self, "Hélène Dupré a modifié son profil (prénom, langue).", "Hélène Dupré updated their profile (given name, language)."},
		{row("members.manageCredits", details(map[string]any{"after": map[string]any{"creditsAllocated": 12.5}})),
			"Hélène Dupré a fixé les crédits d’Éric Ollivier à 12,5.", "Hélène Dupré set Éric Ollivier’s credits to 12.5."},
		{row("members.manageCredits", details(map[string]any{"after": map[string]any{"creditsAllocated": nil}})),
			"Hélène Dupré a retiré la limite de crédits d’Éric Ollivier.", "Hélène Dupré removed Éric Ollivier’s credit limit."},
		{row("members.partnerAccess", details(map[string]any{"after": map[string]any{"partnerAccess": true}})),
			"Hélène Dupré a activé l’accès partenaire d’Éric Ollivier.", "Hélène Dupré turned on partner access for Éric Ollivier."},
		{audit.Row{Actor: "m1", ActorLabel: "Hélène Dupré <h@x.org>", Action: "members.invite", TargetLabel: "luc@example.com", Details: `{"role":"admin"}`},
			"Hélène Dupré a invité luc@example.com en tant qu’administrateur.", "Hélène Dupré invited luc@example.com as an administrator."},
		{audit.Row{Actor: "system", ActorLabel: "system", Action: "invitations.expire", TargetLabel: "luc@example.com", Details: "{}"},
			"L’invitation envoyée à luc@example.com a expiré.", "The invitation to luc@example.com expired."},
		{audit.Row{Actor: "superuser", ActorLabel: "superuser", Action: "org.create", TargetLabel: "Acme", Details: "{}"},
			"L’opérateur de l’instance a créé l’organisation Acme.", "The instance operator created the organisation Acme."},
		{audit.Row{Actor: "m1", ActorLabel: "Hélène Dupré <h@x.org>", Action: "org.settings", TargetLabel: "Acme",
			Details: details(map[string]any{"after": map[string]any{"inviteTtlDays": 14, "allowedDomains": []string{"acme.org"}}})},
			"Hélène Dupré a modifié les paramètres de l’organisation (domaines autorisés, durée des invitations).",
			"Hélène Dupré changed the organisation’s settings (allowed domains, invitation lifetime)."},
		{row("members.remove", details(map[string]any{"after": map[string]any{"transferredTo": map[string]any{"id": "m3", "label": "Luc Garçon <l@x.org>"}}})),
			"Hélène Dupré a retiré Éric Ollivier de l’organisation et transféré son contenu à Luc Garçon.",
			"Hélène Dupré removed Éric Ollivier from the organisation and handed their content over to Luc Garçon."},
		{row("security.lockout", "{}"), "Hélène Dupré a effectué l’action «\u202fsecurity.lockout\u202f» sur Éric Ollivier.",
			"Hélène Dupré performed “security.lockout” on Éric Ollivier."},
		{audit.Row{Actor: "m1", Action: "mystery.thing", Details: "not json"}, "Quelqu’un a effectué l’action «\u202fmystery.thing\u202f».",
			"Someone performed “mystery.thing”."},
	}
	for _, c := range cases {
		if got := audit.Describe(c.row, "fr"); got != c.fr {
			t.Errorf("%s fr:\n got  %q\n want %q", c.row.Action, got, c.fr)
		}
		if got := audit.Describe(c.row, "en"); got != c.en {
			t.Errorf("%s en:\n got  %q\n want %q", c.row.Action, got, c.en)
		}
	}
}
