// Package mail owns the mails Roster sends: templates in French and English (HTML and
// text), the outbox that records each one (never its secrets), and delivery after the
// change that caused it has committed, retried with back-off when it fails or when the
// process died first. Without a mail server (ROSTER_SMTP_URL), mails are recorded as
// "logged" and not sent.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Languages every template exists in.
var Languages = []string{"fr", "en"}

// Language is the language Roster speaks to someone: theirs (user), else their
// organisation's default (org), else English. It is always one of Languages.
func Language(user, org string) string {
	for _, l := range []string{user, org} {
		if l == "fr" || l == "en" {
			return l
		}
	}
	return "en"
}

// LanguageOf is the language of mails to account u of organisation org (nil when it has
// none): Language of theirs and the organisation's default.
func LanguageOf(u, org *core.Record) string {
	if org == nil {
		return Language(u.GetString("language"), "")
	}
	return Language(u.GetString("language"), org.GetString("defaultLanguage"))
}

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
	txt, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return Rendered{}, err
	}
	html, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
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
// that transaction commits (never inside it). A failed delivery is recorded in the
// outbox and retried (DeliverQueued); it does not undo the change. Data must hold no
// secret unless the template needs it to reach the recipient, and such a template is
// in secretTemplates: the outbox then stores only recipient, template and subject.
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
	now := types.NowDateTime()
	row := core.NewRecord(col)
	row.Load(map[string]any{"org": m.Org, "to": m.To, "template": m.Template, "language": m.Language,
		"subject": r.Subject, "status": status, "at": now, "attempts": 0, "nextAttempt": now})
	kept := status == Queued && !secretTemplates[m.Template]
	if kept { // the body, kept until sent so that a retry can send it
		row.Set("html", r.HTML)
		row.Set("text", r.Text)
	}
	if err := app.Save(row); err != nil {
		return err
	}
	if status != Queued {
		return nil
	}
	root := rootApp(app)
	o := outbox{ID: row.Id, To: m.To, Subject: r.Subject, HTML: r.HTML, Text: r.Text, kept: kept}
	send := func() { deliver(root, o) }
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

// secretTemplates carry a secret in their body (a join link, a reset link, a temporary
// password). The outbox never keeps their body: they are sent from memory right after
// the commit, in one attempt; one the process did not live to send is marked failed at
// the next start, and the change is made again (resend the invitation, reset again).
var secretTemplates = map[string]bool{"invitation": true, "password_reset": true, "password_reset_by_admin": true}

// MaxAttempts bounds the attempts at sending one mail; after the last one fails, the
// mail is marked failed.
const MaxAttempts = 5

// backoff[n-1] is the wait after the n-th attempt before the next one. It is also how
// long an attempt may take before the mail is deemed abandoned (the process died while
// sending) and tried again.
var backoff = [MaxAttempts]time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour, 12 * time.Hour}

// RetryJob is the cron job that sends the queued mails that are due.
const RetryJob = "rosterMailRetry"

// outbox is a queued mail as delivery needs it.
type outbox struct {
	ID       string `db:"id"`
	To       string `db:"to"`
	Subject  string `db:"subject"`
	HTML     string `db:"html"`
	Text     string `db:"text"`
	Attempts int    `db:"attempts"`
	kept     bool   // its body is in the outbox: a failed attempt can be retried
}

// DeliverQueued sends the queued mails that are due (at startup, then every few
// minutes), and returns how many it sent. Mails of an earlier run without a kept body
// (secretTemplates, or queued before bodies were kept) are marked failed: they cannot
// be sent again. Each mail is claimed before it is sent, so concurrent deliveries (the
// sender after a commit, this sweep, another process) send it once.
func DeliverQueued(app core.App) (int, error) {
	if !Enabled(app) {
		return 0, nil // mail falls back to sendmail otherwise: queued mails wait for a server
	}
	db := app.NonconcurrentDB()
	now := types.NowDateTime().String()
	started, _ := app.Store().Get(startedKey).(types.DateTime)
	_, err := db.NewQuery(`UPDATE mailOutbox SET status = 'failed', error = {:why}
		WHERE status = 'queued' AND html = '' AND at < {:started}`).
		Bind(dbx.Params{"why": "not sent before the server stopped; its body held a secret (a link or a password) and was not kept: resend the invitation or reset the password again", "started": started.String()}).Execute()
	if err != nil {
		return 0, err
	}
	_, err = db.NewQuery(`UPDATE mailOutbox SET status = 'failed', html = '', text = '',
		error = CASE WHEN error = '' THEN 'no attempt left' ELSE error END
		WHERE status = 'queued' AND attempts >= {:max} AND nextAttempt <= {:now}`).
		Bind(dbx.Params{"max": MaxAttempts, "now": now}).Execute()
	if err != nil {
		return 0, err
	}
	var due []outbox
	err = db.NewQuery(`SELECT id, "to", subject, html, text, attempts FROM mailOutbox
		WHERE status = 'queued' AND html != '' AND attempts < {:max} AND nextAttempt <= {:now}
		ORDER BY nextAttempt LIMIT 500`).
		Bind(dbx.Params{"max": MaxAttempts, "now": now}).All(&due)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, o := range due {
		o.kept = true
		if deliver(app, o) {
			sent++
		}
	}
	return sent, nil
}

// deliver claims the mail (one conditional UPDATE: the attempt is counted and the next
// one scheduled; it fails if another delivery claimed it first), sends it and records
// the outcome. It reports whether it sent the mail.
func deliver(app core.App, o outbox) bool {
	db := app.NonconcurrentDB()
	now := types.NowDateTime()
	res, err := db.NewQuery(`UPDATE mailOutbox SET attempts = attempts + 1, nextAttempt = {:next}
		WHERE id = {:id} AND status = 'queued' AND attempts = {:seen} AND nextAttempt <= {:now}`).
		Bind(dbx.Params{"id": o.ID, "seen": o.Attempts, "now": now.String(), "next": now.Add(backoff[min(o.Attempts, MaxAttempts-1)]).String()}).
		Execute()
	if err != nil {
		app.Logger().Error("claiming a mail", "outbox", o.ID, "error", err)
		return false
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false // another delivery has it
	}
	msg := &mailer.Message{
		From:    Sender(app),
		To:      []mail.Address{{Address: o.To}},
		Subject: o.Subject, HTML: o.HTML, Text: o.Text,
	}
	params := dbx.Params{"status": Sent, "error": "", "html": "", "text": ""}
	sendErr := app.NewMailClient().Send(msg)
	if sendErr != nil {
		app.Logger().Warn("mail delivery failed", "outbox", o.ID, "attempt", o.Attempts+1, "error", sendErr)
		params = dbx.Params{"status": Failed, "error": sendErr.Error(), "html": "", "text": ""}
		if o.kept && o.Attempts+1 < MaxAttempts {
			params = dbx.Params{"error": sendErr.Error()} // still queued, until nextAttempt
		}
	}
	if _, err := db.Update("mailOutbox", params, dbx.HashExp{"id": o.ID}).Execute(); err != nil {
		app.Logger().Error("updating the outbox", "outbox", o.ID, "error", err)
	}
	return sendErr == nil
}

const (
	rootKey    = "roster.mail.app"
	startedKey = "roster.mail.started"
)

// Register remembers the root app (delivery happens after a transaction, whose app is
// then unusable) and when this process started, applies ROSTER_SMTP_URL once the app
// has bootstrapped, and delivers the queued mails that are due in the background once
// the server starts, then every 5 minutes.
func Register(app core.App) {
	app.Store().Set(rootKey, app)
	app.Store().Set(startedKey, types.NowDateTime())
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return Configure(e.App)
	})
	retry := func() {
		if _, err := DeliverQueued(app); err != nil {
			app.Logger().Error("delivering queued mails", "error", err)
		}
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := se.Next(); err != nil {
			return err
		}
		if Enabled(se.App) {
			go retry()
		}
		return nil
	})
	app.Cron().MustAdd(RetryJob, "*/5 * * * *", retry)
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
	return nil
}

// placeholderSenders are the sender addresses PocketBase ships with (this version and
// earlier ones): nobody owns them, so mail from them is refused or filed as spam.
var placeholderSenders = map[string]bool{"": true, "support@example.com": true, "noreply@example.com": true}

// Sender is who Roster's mails come from: the sender address the operator set (dashboard,
// Settings → Mail settings), else roster@ the public URL's host (ROSTER_APP_URL) when it
// is a domain name, else roster@ the mail server's host. Never PocketBase's placeholder.
func Sender(app core.App) mail.Address {
	s := app.Settings()
	from := mail.Address{Name: s.Meta.SenderName, Address: s.Meta.SenderAddress}
	if !placeholderSenders[strings.ToLower(from.Address)] {
		return from
	}
	host := s.SMTP.Host
	if u, err := url.Parse(s.Meta.AppURL); err == nil && isDomainName(u.Hostname()) {
		host = u.Hostname()
	}
	from.Address = "roster@" + strings.TrimPrefix(host, "www.")
	return from
}

// isDomainName tells whether host names a domain mail can come from: not an IP
// address, not localhost, and with at least one dot.
func isDomainName(host string) bool {
	return strings.Contains(host, ".") && net.ParseIP(host) == nil && !strings.HasSuffix(host, ".localhost")
}
