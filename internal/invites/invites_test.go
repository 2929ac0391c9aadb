package invites_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/invites"
	"roster/internal/mail"
	"roster/internal/members"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func TestTheOperatorInvitesWithoutThePolicyAndIsAuditedAsSuperuser(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	res, err := invites.InviteAsOperator(app, org.ID, invites.Request{Rows: []invites.Row{{Email: "Zoe@Example.org"}}, Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Results[0].Invitation
	if inv == nil || inv.Email != "zoe@example.org" || inv.Role != access.RoleAdmin || inv.UserType != access.Creator ||
		!strings.Contains(inv.Link, "/join/") || inv.InvitedBy.ID != audit.ActorSuperuser {
		t.Fatalf("invitation %+v", inv)
	}
	var row struct {
		Actor   string `db:"actor"`
		Details string `db:"details"`
	}
	if err := app.DB().NewQuery("SELECT actor, details FROM auditLog WHERE action = 'members.invite' AND targetId = {:id}").
		Bind(dbx.Params{"id": inv.ID}).One(&row); err != nil {
		t.Fatal(err)
	}
	if row.Actor != audit.ActorSuperuser || strings.Contains(row.Details, inv.Link[strings.LastIndex(inv.Link, "/")+1:]) {
		t.Fatalf("audit row %+v", row)
	}
	// The same checks as everyone else's.
	_, err = invites.InviteAsOperator(app, org.ID, invites.Request{Rows: []invites.Row{{Email: org.Owner.Email}}})
	if !fail.Is(err, "already_member") {
		t.Fatalf("inviting the owner: %v", err)
	}
}

func TestTheHourlyJobExpiresOverdueInvitations(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	var ids []string
	for _, e := range []string{"late@example.org", "fresh@example.org"} {
		res, err := invites.InviteAsOperator(app, org.ID, invites.Request{Rows: []invites.Row{{Email: e}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Results[0].Invitation.ID)
	}
	past := types.NowDateTime().Add(-time.Minute).String()
	if _, err := app.DB().Update("invitations", dbx.Params{"expires": past}, dbx.HashExp{"id": ids[0]}).Execute(); err != nil {
		t.Fatal(err)
	}
	var job func()
	for _, j := range app.Cron().Jobs() {
		if j.Id() == "rosterExpireInvitations" {
			if e := j.Expression(); e != "@hourly" && e != "0 * * * *" {
				t.Errorf("the job runs at %q", j.Expression())
			}
			job = j.Run
		}
	}
	if job == nil {
		t.Fatal("no expiry job is registered")
	}
	job()
	for i, want := range []string{invites.Expired, invites.Pending} {
		r, err := app.FindRecordById("invitations", ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.GetString("status") != want {
			t.Errorf("invitation %d is %s, want %s", i, r.GetString("status"), want)
		}
	}
	n, err := app.CountRecords("auditLog", dbx.HashExp{"action": "invitations.expire", "targetId": ids[0], "actor": audit.ActorSystem})
	if err != nil || n != 1 {
		t.Fatalf("%d expiry audit rows (%v), want 1", n, err)
	}
	if again, err := invites.Expire(app); err != nil || again != 0 {
		t.Fatalf("a second run expired %d (%v)", again, err)
	}
}

// The invitation mail carries the link in its body (never its subject), in the
// organisation's language, with the inviter, the role, the message and the expiry.
func TestTheInvitationMailInBothLanguages(t *testing.T) {
	app := testapp.New(t)
	app.Settings().Meta.AppURL = "https://roster.example.org"
	app.Settings().SMTP.Enabled = true
	for _, lang := range mail.Languages {
		t.Run(lang, func(t *testing.T) {
			org := testapp.CreateOrg(t, app, "Équipe <Nord>", "")
			o, err := app.FindRecordById("organizations", org.ID)
			if err != nil {
				t.Fatal(err)
			}
			o.Set("defaultLanguage", lang)
			if err := app.Save(o); err != nil {
				t.Fatal(err)
			}
			ownerSession, err := members.SessionOf(app, org.Owner.User)
			if err != nil {
				t.Fatal(err)
			}
			owner := ownerSession.Actor
			before := app.TestMailer.TotalSend()
			res, err := invites.Invite(app, owner, invites.Request{
				Rows: []invites.Row{{Email: "zoe@example.org", GivenName: "Zoë"}}, Role: "admin", Message: "À bientôt <3",
			})
			if err != nil {
				t.Fatal(err)
			}
			link := res.Results[0].Invitation.Link
			if !strings.HasPrefix(link, "https://roster.example.org/join/") {
				t.Fatalf("link %s", link)
			}
			deadline := time.Now().Add(2 * time.Second)
			for app.TestMailer.TotalSend() == before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			msg := app.TestMailer.LastMessage()
			want := map[string][]string{
				"en": {"Hello Zoë", "Olivia Owner", "as an administrator", "À bientôt &lt;3", "expires on", "Équipe &lt;Nord&gt;"},
				"fr": {"Bonjour Zoë", "Olivia Owner", "en tant qu’administrateur", "À bientôt &lt;3", "expire le", "Équipe &lt;Nord&gt;"},
			}[lang]
			for _, w := range append(want, link) {
				if !strings.Contains(msg.HTML, w) {
					t.Errorf("the HTML lacks %q:\n%s", w, msg.HTML)
				}
			}
			if !strings.Contains(msg.Text, link) || !strings.Contains(msg.Text, "À bientôt <3") {
				t.Errorf("the text lacks the link or the message:\n%s", msg.Text)
			}
			token := link[strings.LastIndex(link, "/")+1:]
			if strings.Contains(msg.Subject, token) {
				t.Error("the subject holds the token")
			}
			var subject, language string
			if err := app.DB().NewQuery(`SELECT subject, language FROM mailOutbox WHERE "to" = 'zoe@example.org' AND org = {:org}`).
				Bind(dbx.Params{"org": org.ID}).Row(&subject, &language); err != nil {
				t.Fatal(err)
			}
			if subject != msg.Subject || language != lang {
				t.Errorf("outbox %q %q", subject, language)
			}
		})
	}
}
