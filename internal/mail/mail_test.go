package mail_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/mail"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// Every template exists in every language and renders with the data it names.
func TestEveryTemplateInBothLanguages(t *testing.T) {
	app := testapp.New(t)
	names := map[string]map[string]bool{}
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		parts := strings.Split(strings.TrimSuffix(d.Name(), ".tmpl"), ".")
		if len(parts) != 2 {
			t.Errorf("template %s is not <name>.<lang>.tmpl", d.Name())
			return nil
		}
		if names[parts[0]] == nil {
			names[parts[0]] = map[string]bool{}
		}
		names[parts[0]][parts[1]] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"Name": "Zoë", "OrgName": "Équipe <Nord>", "ActorName": "Hélène", "Fields": "name",
		"OldEmail": "old@example.com", "NewEmail": "new@example.com"}
	for name, langs := range names {
		for _, lang := range mail.Languages {
			if !langs[lang] {
				t.Errorf("template %s has no %s version", name, lang)
				continue
			}
			r, err := mail.Render(app, mail.Mail{Template: name, Language: lang, Data: data})
			if err != nil {
				t.Errorf("%s.%s: %v", name, lang, err)
				continue
			}
			if r.Subject == "" || r.Text == "" || r.HTML == "" {
				t.Errorf("%s.%s: empty part", name, lang)
			}
			if strings.Contains(r.HTML, "<Nord>") || !strings.Contains(r.Text, "<Nord>") {
				t.Errorf("%s.%s: HTML must escape data, text must not", name, lang)
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no templates")
	}
}

func TestQueueSendsAfterCommitOnly(t *testing.T) {
	app := testapp.New(t)
	mail.Register(app)
	app.Settings().SMTP.Enabled = true
	m := mail.Mail{Org: "o1", To: "zoe@example.com", Template: "profile_changed", Language: "fr",
		Data: map[string]any{"Name": "Zoë", "OrgName": "Acme", "ActorName": "Hélène", "Fields": "nom"}}

	err := app.RunInTransaction(func(tx core.App) error {
		if err := mail.Queue(tx, m); err != nil {
			return err
		}
		return errors.New("the change failed")
	})
	if err == nil {
		t.Fatal("expected the error")
	}
	time.Sleep(50 * time.Millisecond)
	if app.TestMailer.TotalSend() != 0 {
		t.Fatal("a mail left for a change that rolled back")
	}
	if n, _ := app.CountRecords("mailOutbox"); n != 0 {
		t.Fatal("an outbox row survived the rollback")
	}

	if err := app.RunInTransaction(func(tx core.App) error { return mail.Queue(tx, m) }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for app.TestMailer.TotalSend() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if app.TestMailer.TotalSend() != 1 || !strings.Contains(app.TestMailer.LastMessage().Subject, "Votre profil") {
		t.Fatalf("sent %d", app.TestMailer.TotalSend())
	}
	var status string
	for time.Now().Before(deadline) {
		_ = app.DB().NewQuery("SELECT status FROM mailOutbox LIMIT 1").Row(&status)
		if status == mail.Sent {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status != mail.Sent {
		t.Fatalf("outbox status %q", status)
	}
}

func TestWithoutMailServerMailsAreLogged(t *testing.T) {
	app := testapp.New(t)
	err := mail.Queue(app, mail.Mail{To: "a@example.com", Template: "profile_changed", Language: "en",
		Data: map[string]any{"Name": "A", "OrgName": "Acme", "ActorName": "B", "Fields": "name"}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	rows, _ := app.FindAllRecords("mailOutbox")
	if len(rows) != 1 || rows[0].GetString("status") != mail.Logged || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("rows %v sent %d", rows, app.TestMailer.TotalSend())
	}
}

func TestConfigureFromURL(t *testing.T) {
	app := testapp.New(t)
	t.Setenv("ROSTER_SMTP_URL", "smtps://user:p%40ss@mail.example.org:2465")
	if err := mail.Configure(app); err != nil {
		t.Fatal(err)
	}
	s := app.Settings().SMTP
	if !s.Enabled || s.Host != "mail.example.org" || s.Port != 2465 || !s.TLS || s.Username != "user" || s.Password != "p@ss" {
		t.Fatalf("%+v", s)
	}
	t.Setenv("ROSTER_SMTP_URL", "http://nope")
	if err := mail.Configure(app); err == nil {
		t.Fatal("a bad URL was accepted")
	}
	_ = os.Unsetenv("ROSTER_SMTP_URL")
}

// PocketBase ships support@example.com as the sender: Roster's mails never come from it,
// but from the operator's address, else the public URL's domain, else the mail server's.
func TestSenderIsNeverThePlaceholder(t *testing.T) {
	app := testapp.New(t)
	mail.Register(app)
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = "mail.acme.org"
	s.Meta.AppURL = "https://members.acme.org"
	if s.Meta.SenderAddress != "support@example.com" {
		t.Fatalf("the test app's sender is %q, not PocketBase's placeholder", s.Meta.SenderAddress)
	}
	err := mail.Queue(app, mail.Mail{To: "zoe@example.com", Template: "profile_changed", Language: "en",
		Data: map[string]any{"Name": "Zoë", "OrgName": "Acme", "ActorName": "Hélène", "Fields": "name"}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for app.TestMailer.TotalSend() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatal("the mail was not sent")
	}
	if from := app.TestMailer.LastMessage().From; from.Address != "roster@members.acme.org" || from.Name != "Roster" {
		t.Errorf("sent from %v", from)
	}
	for _, c := range []struct{ appURL, sender, want string }{
		{"http://127.0.0.1:8090", "support@example.com", "roster@mail.acme.org"},
		{"http://localhost:8090", "", "roster@mail.acme.org"},
		{"https://members.acme.org", "noreply@example.com", "roster@members.acme.org"},
		{"https://members.acme.org", "membres@acme.org", "membres@acme.org"},
	} {
		s.Meta.AppURL, s.Meta.SenderAddress = c.appURL, c.sender
		if got := mail.Sender(app).Address; got != c.want {
			t.Errorf("app URL %s, sender %q: from %s, want %s", c.appURL, c.sender, got, c.want)
		}
	}
}

// French elides "de" before a vowel: "retiré d’Équipe Nord", never "retiré de Équipe Nord".
func TestFrenchMailsElideDe(t *testing.T) {
	app := testapp.New(t)
	for org, want := range map[string]string{"Équipe Nord": "Vous avez été retiré d’Équipe Nord", "Acme": "Vous avez été retiré d’Acme", "Nord": "Vous avez été retiré de Nord"} {
		r, err := mail.Render(app, mail.Mail{Template: "member_removed", Language: "fr",
			Data: map[string]any{"Name": "Zoë", "OrgName": org, "ActorName": "Hélène"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject != want || !strings.Contains(r.Text, "les administrateurs "+strings.TrimPrefix(want, "Vous avez été retiré ")) {
			t.Errorf("%s: subject %q\n%s", org, r.Subject, r.Text)
		}
	}
}
