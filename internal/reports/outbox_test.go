package reports_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"roster/internal/mail"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// The secrets some mails carry to their recipient. The outbox stores a mail's subject,
// never its body, so a secret must never reach a subject.
const (
	joinLink  = "https://roster.example.org/join/q8Zt3cV1bN5mK0pLx2Wy7RfA4sD9gH6jE1uI3oP5aS8"
	resetLink = "https://roster.example.org/reset-password/eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln"
	tempPass  = "Kp7#vQ2m!xR9tL4w"
)

// realistic is what Roster's services pass to the templates, in French or English.
func realistic(lang string) map[string]any {
	fr := lang == "fr"
	pick := func(f, e string) string {
		if fr {
			return f
		}
		return e
	}
	return map[string]any{
		"Name": "Zoë Lefèvre", "OrgName": "Équipe <Nord> & Cie", "ActorName": "Hélène Dupré",
		"Fields":   pick("nom, langue", "name, language"),
		"OldEmail": "zoe@old.example.org", "NewEmail": "zoe@new.example.org",
		"Invitation": map[string]any{"Inviter": "Hélène Dupré", "As": pick("en tant que membre", "as a member"),
			"Link": joinLink, "Message": "Bienvenue dans l’équipe !", "Expires": pick("2 mars 2027", "March 2, 2027")},
		"TemporaryPassword": tempPass, "Expires": "2027-03-02 10:00 UTC", "SignInURL": "https://roster.example.org",
		"ResetURL": resetLink, "Role": pick("administrateur", "administrator"), "Admin": true, "Operator": false,
		"IsNewOwner": true, "NewOwner": "Luc Garçon", "FormerOwner": "Hélène Dupré",
	}
}

// Every template exists in French and English, renders with the data the services
// give it, escapes it in HTML, and keeps the secrets it carries out of its subject.
func TestEveryTemplateRendersWithRealisticDataAndNoSecretInItsSubject(t *testing.T) {
	app := testapp.New(t)
	langs := map[string]map[string]bool{}
	err := filepath.WalkDir("../mail/templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name, lang, ok := strings.Cut(strings.TrimSuffix(d.Name(), ".tmpl"), ".")
		if !ok {
			t.Errorf("%s is not <name>.<lang>.tmpl", d.Name())
			return nil
		}
		if langs[name] == nil {
			langs[name] = map[string]bool{}
		}
		langs[name][lang] = true
		return nil
	})
	if err != nil || len(langs) < 10 {
		t.Fatalf("%d templates: %v", len(langs), err)
	}
	carries := map[string]string{"invitation": joinLink, "password_reset_by_admin": tempPass, "password_reset": resetLink}
	for name, have := range langs {
		for _, lang := range mail.Languages {
			if !have[lang] {
				t.Errorf("%s has no %s version", name, lang)
				continue
			}
			r, err := mail.Render(app, mail.Mail{Template: name, Language: lang, Data: realistic(lang)})
			if err != nil {
				t.Errorf("%s.%s: %v", name, lang, err)
				continue
			}
			if r.Subject == "" || r.Text == "" || r.HTML == "" || strings.Contains(r.Subject, "\n") {
				t.Errorf("%s.%s: subject %q, %d text, %d HTML", name, lang, r.Subject, len(r.Text), len(r.HTML))
			}
			if strings.Contains(r.HTML, "<Nord>") || !strings.Contains(r.HTML, "&lt;Nord&gt;") && strings.Contains(r.Text, "<Nord>") {
				t.Errorf("%s.%s: the HTML does not escape the organisation's name", name, lang)
			}
			if secret, ok := carries[name]; ok && (!strings.Contains(r.Text, secret) || !strings.Contains(r.HTML, secret)) {
				t.Errorf("%s.%s: the mail does not carry what it is for (%s)", name, lang, secret)
			}
			for _, secret := range []string{joinLink, resetLink, tempPass, "/join/", "/reset-password/"} {
				if strings.Contains(r.Subject, secret) {
					t.Errorf("%s.%s: the subject %q holds a secret", name, lang, r.Subject)
				}
			}
			if lang == "fr" && strings.Contains(strings.ToLower(r.Text), " the ") {
				t.Errorf("%s.fr reads English: %q", name, r.Text)
			}
		}
	}
}
