// Package mail owns the mails Roster sends: templates in French and English (HTML and
// text), the outbox that records each one (never its secrets), and delivery after the
// change that caused it has committed. Without a mail server (ROSTER_SMTP_URL), mails
// are recorded as "logged" and not sent.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Languages every template exists in.
var Languages = []string{"fr", "en"}

// Outbox statuses.
const (
	Queued = "queued" // recorded, to be sent once the change commits
	Sent   = "sent"
	Failed = "failed"
	Logged = "logged" // no mail server: recorded only
)

// Mail is one message to one recipient.
type Mail struct {
	Org      string
	To       string
	Template string // e.g. "profile_changed": templates/<name>.<lang>.tmpl
	Language string // fr or en; anything else is en
	Data     map[string]any
}

// Rendered is a mail ready to send.
type Rendered struct {
	Subject, HTML, Text string
}

// Render fills a template in the mail's language. Data always has AppName and AppURL.
func Render(app core.App, m Mail) (Rendered, error) {
	lang := m.Language
	if lang != "fr" {
		lang = "en"
	}
	name := fmt.Sprintf("templates/%s.%s.tmpl", m.Template, lang)
	data := map[string]any{"AppName": app.Settings().Meta.AppName, "AppURL": app.Settings().Meta.AppURL}
	for k, v := range m.Data {
		data[k] = v
	}
	src, err := templates.ReadFile(name)
	if err != nil {
		return Rendered{}, fmt.Errorf("mail: no template %s", name)
	}
	txt, err := texttemplate.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return Rendered{}, err
	}
	html, err := htmltemplate.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return Rendered{}, err
	}
	var subject, text, body bytes.Buffer
	if err := txt.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Rendered{}, err
	}
	if err := txt.ExecuteTemplate(&text, "text", data); err != nil {
		return Rendered{}, err
	}
	if err := html.ExecuteTemplate(&body, "html", data); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: strings.TrimSpace(subject.String()), HTML: body.String(), Text: strings.TrimSpace(text.String())}, nil
}

// Enabled reports whether a mail server is configured.
func Enabled(app core.App) bool { return app.Settings().SMTP.Enabled }

// Queue renders m, records it in the outbox in app's transaction, and sends it once
// that transaction commits (never inside it). A failed delivery is marked in the outbox;
// it does not undo the change. Data must hold no secret unless the template needs it
// to reach the recipient (the outbox stores only recipient, template and subject).
func Queue(app core.App, m Mail) error {
	r, err := Render(app, m)
	if err != nil {
		return err
	}
	col, err := app.FindCachedCollectionByNameOrId("mailOutbox")
	if err != nil {
		return err
	}
	status := Logged
	if Enabled(app) {
		status = Queued
	}
	row := core.NewRecord(col)
	row.Load(map[string]any{"org": m.Org, "to": m.To, "template": m.Template, "language": m.Language,
		"subject": r.Subject, "status": status, "at": types.NowDateTime()})
	if err := app.Save(row); err != nil {
		return err
	}
	if status != Queued {
		return nil
	}
	root := rootApp(app)
	send := func() { deliver(root, row.Id, m.To, r) }
	if tx := app.TxInfo(); tx != nil {
		tx.OnComplete(func(txErr error) error {
			if txErr == nil {
				go send()
			}
			return nil
		})
		return nil
	}
	go send()
	return nil
}

func deliver(app core.App, outboxID, to string, r Rendered) {
	s := app.Settings().Meta
	msg := &mailer.Message{
		From:    mail.Address{Name: s.SenderName, Address: s.SenderAddress},
		To:      []mail.Address{{Address: to}},
		Subject: r.Subject, HTML: r.HTML, Text: r.Text,
	}
	status, errText := Sent, ""
	if err := app.NewMailClient().Send(msg); err != nil {
		status, errText = Failed, err.Error()
		app.Logger().Warn("mail delivery failed", "outbox", outboxID, "error", err)
	}
	_, err := app.NonconcurrentDB().Update("mailOutbox", dbx.Params{"status": status, "error": errText},
		dbx.HashExp{"id": outboxID}).Execute()
	if err != nil {
		app.Logger().Error("updating the outbox", "error", err)
	}
}

const rootKey = "roster.mail.app"

// Register remembers the root app (delivery happens after a transaction, whose app is
// then unusable) and applies ROSTER_SMTP_URL once the app has bootstrapped.
func Register(app core.App) {
	app.Store().Set(rootKey, app)
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return Configure(e.App)
	})
}

func rootApp(app core.App) core.App {
	if root, ok := app.Store().Get(rootKey).(core.App); ok {
		return root
	}
	return app
}

// Configure applies ROSTER_SMTP_URL (smtp://user:pass@host:port, or smtps:// for TLS)
// to the running instance's settings, without storing it.
func Configure(app core.App) error {
	raw := os.Getenv("ROSTER_SMTP_URL")
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return fmt.Errorf("ROSTER_SMTP_URL must look like smtp://user:pass@host:port")
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 25
		if u.Scheme == "smtps" {
			port = 465
		}
	}
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = u.Hostname()
	s.SMTP.Port = port
	s.SMTP.TLS = u.Scheme == "smtps"
	s.SMTP.Username = u.User.Username()
	s.SMTP.Password, _ = u.User.Password()
	if s.Meta.SenderAddress == "" || s.Meta.SenderAddress == "noreply@example.com" {
		s.Meta.SenderAddress = "roster@" + u.Hostname()
	}
	return nil
}
