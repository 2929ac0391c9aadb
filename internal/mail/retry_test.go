package mail_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/mail"
	"roster/internal/testapp"
)

// crashed inserts an outbox row as Queue leaves it when the process dies between the
// change's commit and the delivery: queued, never attempted, queued at at. body false
// is a mail whose body is not kept (a secret template).
func crashed(t *testing.T, app core.App, to, template string, at time.Time, body bool) string {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("mailOutbox")
	if err != nil {
		t.Fatal(err)
	}
	when, _ := types.ParseDateTime(at)
	row := core.NewRecord(col)
	row.Load(map[string]any{"org": "o1", "to": to, "template": template, "language": "en", "subject": "Subject for " + to,
		"status": mail.Queued, "at": when, "attempts": 0, "nextAttempt": when})
	if body {
		row.Set("html", "<p>Body for "+to+"</p>")
		row.Set("text", "Body for "+to)
	}
	if err := app.Save(row); err != nil {
		t.Fatal(err)
	}
	return row.Id
}

type outboxRow struct {
	Status      string `db:"status"`
	Error       string `db:"error"`
	HTML        string `db:"html"`
	Attempts    int    `db:"attempts"`
	NextAttempt string `db:"nextAttempt"`
}

func rowOf(t *testing.T, app core.App, id string) outboxRow {
	t.Helper()
	var r outboxRow
	if err := app.DB().NewQuery("SELECT status, error, html, attempts, nextAttempt FROM mailOutbox WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).One(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func withMailServer(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	app.Settings().SMTP.Enabled = true
	return app
}

// TestStartupSendsTheMailsACrashLeftQueued: a mail whose change committed just before a
// crash is sent once when the server starts (in the background: the test waits for
// it); one whose body held a secret, and so was not kept, is marked failed instead.
func TestStartupSendsTheMailsACrashLeftQueued(t *testing.T) {
	app := withMailServer(t)
	before := time.Now().Add(-time.Minute)
	kept := crashed(t, app, "kept@example.com", "profile_changed", before, true)
	secret := crashed(t, app, "secret@example.com", "invitation", before, false)

	testapp.Serve(t, app) // the server starts: OnServe
	deadline := time.Now().Add(10 * time.Second)
	for rowOf(t, app, kept).Status != mail.Sent && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	r := rowOf(t, app, kept)
	if r.Status != mail.Sent || r.Attempts != 1 || r.HTML != "" || app.TestMailer.TotalSend() != 1 {
		t.Fatalf("the kept mail: %+v, %d sent", r, app.TestMailer.TotalSend())
	}
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != "kept@example.com" || m.Subject != "Subject for kept@example.com" || m.HTML != "<p>Body for kept@example.com</p>" {
		t.Fatalf("sent %+v", m)
	}
	if r := rowOf(t, app, secret); r.Status != mail.Failed || !strings.Contains(r.Error, "secret") {
		t.Fatalf("the mail whose secret was not kept: %+v", r)
	}

	// Started again: nothing is sent again.
	if n, err := mail.DeliverQueued(app); err != nil || n != 0 || app.TestMailer.TotalSend() != 1 {
		t.Fatalf("second start: %d sent, %v; %d in all", n, err, app.TestMailer.TotalSend())
	}
}

// TestConcurrentDeliveriesSendOnce: two starts (or a start and the cron, or two
// processes) deliver at the same time; each mail goes out once.
func TestConcurrentDeliveriesSendOnce(t *testing.T) {
	app := withMailServer(t)
	const mails, starts = 20, 4
	for i := range mails {
		crashed(t, app, "m"+string(rune('a'+i))+"@example.com", "welcome", time.Now().Add(-time.Minute), true)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := mail.DeliverQueued(app)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	to := map[string]int{}
	for _, m := range app.TestMailer.Messages() {
		to[m.To[0].Address]++
	}
	if total != mails || app.TestMailer.TotalSend() != mails || len(to) != mails {
		t.Fatalf("%d mails, %d deliveries said sent, %d sent, %d recipients", mails, total, app.TestMailer.TotalSend(), len(to))
	}
	var left int
	_ = app.DB().NewQuery("SELECT count(*) FROM mailOutbox WHERE status != 'sent'").Row(&left)
	if left != 0 {
		t.Fatalf("%d mails not marked sent", left)
	}
}

// TestAFailedMailIsRetriedWithBackoffThenGivenUp: a failed attempt leaves the mail
// queued with the error, the attempt counted and the next one later; it is not sent
// before then; the last of MaxAttempts marks it failed and nothing tries it again.
func TestAFailedMailIsRetriedWithBackoffThenGivenUp(t *testing.T) {
	app := withMailServer(t)
	var down atomic.Bool
	down.Store(true)
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if down.Load() {
			return errors.New("connection refused")
		}
		return e.Next()
	})
	due := func(id string) { // the wait is over
		t.Helper()
		past := types.NowDateTime().Add(-time.Second).String()
		if _, err := app.NonconcurrentDB().Update("mailOutbox", dbx.Params{"nextAttempt": past}, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	id := crashed(t, app, "later@example.com", "welcome", time.Now().Add(-time.Minute), true)
	if n, err := mail.DeliverQueued(app); err != nil || n != 0 {
		t.Fatalf("%d, %v", n, err)
	}
	r := rowOf(t, app, id)
	next, _ := types.ParseDateTime(r.NextAttempt)
	if r.Status != mail.Queued || r.Attempts != 1 || !strings.Contains(r.Error, "connection refused") || r.HTML == "" ||
		next.Time().Before(time.Now().Add(4*time.Minute)) {
		t.Fatalf("after a failed attempt: %+v", r)
	}
	down.Store(false)
	if n, _ := mail.DeliverQueued(app); n != 0 || app.TestMailer.TotalSend() != 0 {
		t.Fatal("retried before its next attempt was due")
	}
	due(id)
	if n, _ := mail.DeliverQueued(app); n != 1 || app.TestMailer.TotalSend() != 1 {
		t.Fatalf("the retry: %d", n)
	}
	if r := rowOf(t, app, id); r.Status != mail.Sent || r.Attempts != 2 || r.Error != "" {
		t.Fatalf("after the retry: %+v", r)
	}

	down.Store(true)
	id = crashed(t, app, "never@example.com", "welcome", time.Now().Add(-time.Minute), true)
	for range mail.MaxAttempts {
		due(id)
		if _, err := mail.DeliverQueued(app); err != nil {
			t.Fatal(err)
		}
	}
	r = rowOf(t, app, id)
	if r.Status != mail.Failed || r.Attempts != mail.MaxAttempts || r.HTML != "" || r.Error == "" {
		t.Fatalf("after %d failed attempts: %+v", mail.MaxAttempts, r)
	}
	down.Store(false)
	due(id)
	if n, _ := mail.DeliverQueued(app); n != 0 || rowOf(t, app, id).Attempts != mail.MaxAttempts {
		t.Fatal("a failed mail was tried again")
	}
}

// TestSecretMailsKeepNoBody: a template whose data names a secret (a link with a token,
// a temporary password) is in SecretTemplates, so its body never reaches the outbox;
// any other mail keeps its body until it is sent.
func TestSecretMailsKeepNoBody(t *testing.T) {
	files, err := filepath.Glob("templates/*.tmpl")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		name, _, _ := strings.Cut(filepath.Base(f), ".")
		secret := strings.Contains(string(src), "ResetURL") || strings.Contains(string(src), "TemporaryPassword") ||
			strings.Contains(string(src), ".Link")
		if secret != mail.SecretTemplates[name] {
			t.Errorf("%s: names a secret %v, in SecretTemplates %v", f, secret, mail.SecretTemplates[name])
		}
	}

	app := withMailServer(t)
	app.OnMailerSend().BindFunc(func(*core.MailerEvent) error { return errors.New("connection refused") })
	queue := func(template string, data map[string]any) {
		t.Helper()
		d := map[string]any{"Name": "Zoë", "OrgName": "Acme", "ActorName": "Hélène", "Fields": "name"}
		for k, v := range data {
			d[k] = v
		}
		if err := mail.Queue(app, mail.Mail{To: template + "@example.com", Template: template, Language: "en", Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	queue("password_reset_by_admin", map[string]any{"TemporaryPassword": "Tmp-Secret-42", "Expires": "tomorrow", "SignInURL": "http://x"})
	queue("profile_changed", nil)
	var rows []struct {
		Template string `db:"template"`
		Status   string `db:"status"`
		HTML     string `db:"html"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows = nil
		_ = app.DB().NewQuery("SELECT template, status, html FROM mailOutbox WHERE attempts > 0 AND (status = 'failed' OR error != '') ORDER BY template").All(&rows)
		if len(rows) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(rows) != 2 {
		t.Fatalf("the first attempts did not end: %+v", rows)
	}
	// The secret mail failed for good with no body; the other waits for its retry.
	if rows[0].Template != "password_reset_by_admin" || rows[0].Status != mail.Failed || rows[0].HTML != "" {
		t.Fatalf("secret mail: %+v", rows[0])
	}
	if rows[1].Template != "profile_changed" || rows[1].Status != mail.Queued || !strings.Contains(rows[1].HTML, "Zoë") {
		t.Fatalf("other mail: %+v", rows[1])
	}
	var raw string
	_ = app.DB().NewQuery("SELECT group_concat(html || text || subject || error, '') FROM mailOutbox").Row(&raw)
	if strings.Contains(raw, "Tmp-Secret-42") {
		t.Fatal("the temporary password is in the outbox")
	}
}
