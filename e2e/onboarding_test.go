package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A new organisation's first run, on an instance without a mail server: setup suggests
// the username from the email and says its pattern; the Members page lists the first
// steps (invite, plan, two-factor), which tick themselves off and go once done or hidden;
// Settings shows the short name the CLI takes; the invite dialog creates rather than
// sends, and says the links are shared by hand; "Marc Membre <marc@…>" fills in the join
// form's names.
func TestBrowserFirstStepsOfANewOrganisation(t *testing.T) {
	s := startServer(t, t.TempDir())
	if s.Setup() == "" {
		t.Fatalf("serve printed no setup link:\n%s", s.Output())
	}
	ctx := newBrowser(t, 1280, 800)
	value := func(t *testing.T, ctx context.Context, sel string) string {
		t.Helper()
		return evalJS[string](t, ctx, `document.querySelector(`+jsString(sel)+`).value`)
	}

	t.Run("setup suggests the username and says its pattern", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.Setup()), chromedp.WaitVisible(chromedp.CSS("#orgName")))
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#email"), "Zoë.O'Brien+roster@Example.com"))
		waitJS(t, ctx, `document.querySelector("#username").value === "zoe.o.brien.roster"`, "the username suggested from the address")
		waitText(t, ctx, "#username-hint", "Suggested from your email address")
		waitText(t, ctx, "#username-hint", "3 to 32 characters: lower-case letters without accents, digits, dot (.), hyphen (-) or underscore (_)")
		screenshot(t, ctx, "setup-username-en")
		checkAccessibility(t, ctx, "setup (username suggested)")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#username-hint", "Proposé d’après votre adresse e-mail")
		waitText(t, ctx, "#username-hint", "3 à 32 caractères\u00a0: lettres minuscules sans accent, chiffres, point (.), tiret (-) ou tiret bas (_)")
		screenshot(t, ctx, "setup-username-fr")
		phoneScreenshot(t, ctx, "setup-username-fr-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))

		// A username typed by hand stays; emptied, it follows the address again.
		do(t, ctx, setField("#username", "zoe"), setField("#email", "zoe@example.com"))
		if got := value(t, ctx, "#username"); got != "zoe" {
			t.Errorf("the typed username became %q when the address changed", got)
		}
		do(t, ctx, setField("#username", ""), setField("#email", "Helene.Dupre@example.com"))
		if got := value(t, ctx, "#username"); got != "helene.dupre" {
			t.Errorf("the emptied username suggests %q, want helene.dupre", got)
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#orgName"), "Équipe Nord"),
			chromedp.SendKeys(chromedp.CSS("#givenName"), "Hélène"),
			chromedp.SendKeys(chromedp.CSS("#familyName"), "Dupré"),
			chromedp.SendKeys(chromedp.CSS("#password"), demoPassword),
			chromedp.Click(chromedp.CSS("#setup-submit")),
			chromedp.WaitVisible(chromedp.CSS("#members-table")),
		)
		waitText(t, ctx, "header", "Équipe Nord")
		apiSignIn(t, s, "helene.dupre") // the username suggested is the account's: it signs in
	})

	t.Run("the first steps, none done", func(t *testing.T) {
		waitText(t, ctx, "#first-steps", "First steps")
		waitText(t, ctx, "#first-steps-progress", "0 of 3 done")
		for id, href := range map[string]string{"invite": "/invitations", "plan": "/billing", "mfa": "/settings"} {
			got := evalJS[string](t, ctx, `(() => { const li = document.querySelector("#first-step-`+id+`"); return li ? li.dataset.done + " " + li.querySelector("a").getAttribute("href") : "missing" })()`)
			if got != "false "+href {
				t.Errorf("step %s: %q, want not done, linking to %s", id, got, href)
			}
		}
		// Two-factor needs the organisation's permission first: the owner is told where.
		waitText(t, ctx, "#first-step-mfa", "First allow it for the organisation in Settings")
		screenshot(t, ctx, "first-steps-en")
		checkAccessibility(t, ctx, "first steps")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#first-steps", "Premiers pas")
		waitText(t, ctx, "#first-steps-progress", "0 sur 3 faites")
		waitText(t, ctx, "#first-step-plan", "Choisissez l’offre")
		screenshot(t, ctx, "first-steps-fr")
		checkAccessibility(t, ctx, "first steps (fr)")
		phoneScreenshot(t, ctx, "first-steps-fr-phone")
	})

	// A browser's context lasts 90 s: the rest of the tour signs in again in a new one.
	ctx = newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "helene.dupre@example.com", "#first-steps")
	t.Run("Settings shows the short name the command line takes", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav#main-nav a[href="/settings"]`)), chromedp.WaitVisible(chromedp.CSS("#settings-slug")))
		if got := evalJS[string](t, ctx, `document.querySelector("#settings-slug").value + "|" + document.querySelector("#settings-slug").readOnly`); got != "equipe-nord|true" {
			t.Errorf("the short name field holds %q", got)
		}
		waitText(t, ctx, "#settings-slug-hint", "La ligne de commande désigne l’organisation par ce nom, par exemple\u00a0: roster invite --org equipe-nord")
		do(t, ctx, chromedp.Click(chromedp.CSS("#settings-slug-copy")))
		waitJS(t, ctx, `/Copié|La copie a échoué/.test(document.querySelector("#settings-org").innerText)`, "the copy button's answer")
		screenshot(t, ctx, "settings-slug-fr")
		checkAccessibility(t, ctx, "settings (short name)")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "#settings-slug-hint", "The command line names the organisation by it, for example: roster invite --org equipe-nord")
		waitText(t, ctx, "#settings-org", "Short name")
		screenshot(t, ctx, "settings-slug-en")
		phoneScreenshot(t, ctx, "settings-slug-en-phone")
	})

	var link string
	t.Run("without a mail server, invitations are created and shared by hand", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav#main-nav a[href="/members"]`)), chromedp.WaitVisible(chromedp.CSS("#members-table")))
		openInvite := func() {
			do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-emails")))
		}
		openInvite()
		waitText(t, ctx, "#invite-send", "Create invitations")
		waitText(t, ctx, "#invite-no-mail", "No mail server is configured: Roster sends no email.")
		waitText(t, ctx, "#invite-no-mail", "share it yourself")
		if evalJS[bool](t, ctx, `!!document.querySelector("#invite-message")`) {
			t.Error("the dialog offers a personal message that no email would carry")
		}
		noPromise(t, ctx, "#invite-dialog", `Send invitations|will receive|we sent|added to the invitation email`)
		screenshot(t, ctx, "invite-no-mail-en")
		checkAccessibility(t, ctx, "invite dialog without mail")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		openInvite()
		waitText(t, ctx, "#invite-send", "Créer les invitations")
		waitText(t, ctx, "#invite-no-mail", "Aucun serveur de messagerie n’est configuré\u00a0: Roster n’envoie aucun e-mail.")
		noPromise(t, ctx, "#invite-dialog", `Envoyer les invitations|recevra|a été envoyé`)
		screenshot(t, ctx, "invite-no-mail-fr")
		phoneScreenshot(t, ctx, "invite-no-mail-fr-phone")

		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#invite-emails"), "Marc Membre <marc@example.com>"),
			chromedp.Click(chromedp.CSS("#invite-send")),
			chromedp.WaitVisible(chromedp.CSS("#invite-done")),
		)
		waitText(t, ctx, "#invite-done", "1 invitation créée")
		waitText(t, ctx, "#invite-not-mailed", "aucun e-mail n’a été envoyé")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-close")), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))
		// The first step is done at once.
		waitText(t, ctx, "#first-steps-progress", "1 sur 3 faites")
		waitJS(t, ctx, `document.querySelector("#first-step-invite").dataset.done === "true"`, "the invite step done")

		// On the Invitations page, the name is shown and Resend is a new link to share.
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav#main-nav a[href="/invitations"]`)), chromedp.WaitVisible(chromedp.CSS("#invitations-table")))
		row := `#invitations-table tr[data-email="marc@example.com"]`
		waitText(t, ctx, row, "Marc Membre")
		waitText(t, ctx, row+" [id^=resend-]", "Nouveau lien")
		do(t, ctx, chromedp.Click(chromedp.CSS(row+" [id^=resend-]")), chromedp.WaitVisible(chromedp.CSS("#invitation-confirm")))
		waitText(t, ctx, "#invitation-dialog", "Créer un nouveau lien d’invitation pour marc@example.com\u202f?")
		waitText(t, ctx, "#invitation-dialog", "rien n’est envoyé par e-mail")
		waitText(t, ctx, "#invitation-confirm", "Créer un nouveau lien")
		screenshot(t, ctx, "invitation-renew-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invitation-confirm")), chromedp.WaitVisible(chromedp.CSS("#resent-link")))
		waitText(t, ctx, "#invitation-dialog", "Nouveau lien d’invitation pour marc@example.com")
		link = value(t, ctx, "#resent-link")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invitation-close")), chromedp.WaitNotPresent(chromedp.CSS("#invitation-dialog")))
		waitText(t, ctx, "#invitations-flash", "Nouveau lien créé\u00a0: marc@example.com.")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, row+" [id^=resend-]", "New link")
		screenshot(t, ctx, "invitations-no-mail-en")
	})

	t.Run("the join form starts with the names the inviter wrote", func(t *testing.T) {
		m := joinToken.FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("no join link: %q", link)
		}
		joiner := newBrowser(t, 1280, 800)
		do(t, joiner, chromedp.Navigate(s.URL+"/join/"+m[1]), chromedp.WaitVisible(chromedp.CSS("#join-form")))
		names := func(c context.Context) string {
			return evalJS[string](t, c, `document.querySelector("#join-given-name").value + "|" + document.querySelector("#join-family-name").value`)
		}
		if got := names(joiner); got != "Marc|Membre" {
			t.Errorf("the join form's names are %q, want Marc|Membre", got)
		}
		waitText(t, joiner, "#join-form", "Given name")
		screenshot(t, joiner, "join-prefilled-en")
		checkAccessibility(t, joiner, "join page (prefilled)")
		do(t, joiner, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, joiner, "#join-form", "Prénom")
		if got := names(joiner); got != "Marc|Membre" {
			t.Errorf("after switching to French the names are %q", got)
		}
		screenshot(t, joiner, "join-prefilled-fr")
		phoneScreenshot(t, joiner, "join-prefilled-fr-phone")
		// The names are a suggestion: the invitee changes the family name and joins.
		do(t, joiner,
			setField("#join-family-name", "Membré"),
			chromedp.SendKeys(chromedp.CSS("#join-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#join-submit")),
			chromedp.WaitVisible(chromedp.CSS("nav#main-nav")),
		)
		waitText(t, joiner, "header", "Marc Membré")
	})

	t.Run("hidden, the steps stay hidden in this browser", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/members"), chromedp.WaitVisible(chromedp.CSS("#first-steps")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#first-steps-hide")), chromedp.WaitNotPresent(chromedp.CSS("#first-steps")))
		waitJS(t, ctx, `document.activeElement?.id === "member-search"`, "focus on the search box")
		do(t, ctx, chromedp.Navigate(s.URL+"/members"), chromedp.WaitVisible(chromedp.CSS("#members-table")))
		waitText(t, ctx, "#member-count", "2 members")
		if evalJS[bool](t, ctx, `!!document.querySelector("#first-steps")`) {
			t.Error("the hidden steps came back after a reload")
		}
	})

	t.Run("the steps tick themselves off and go once all are done", func(t *testing.T) {
		owner := apiSignIn(t, s, "helene.dupre@example.com")
		org := orgOf(t, owner)
		fresh := newBrowser(t, 1280, 800) // another browser: nothing hidden there
		signIn(t, fresh, s, "helene.dupre@example.com", "#first-steps")
		must(t, "plan", owner.send(t, "POST", "/api/orgs/"+org+"/subscription/plan", map[string]any{"plan": "business"}, nil), 200)
		do(t, fresh, chromedp.Navigate(s.URL+"/members"), chromedp.WaitVisible(chromedp.CSS("#first-steps")))
		waitText(t, fresh, "#first-steps-progress", "2 of 3 done")
		waitJS(t, fresh, `document.querySelector("#first-step-plan").dataset.done === "true"`, "the plan step done")
		screenshot(t, fresh, "first-steps-two-done-en")
		enrolTOTP(t, s, owner, org, "helene.dupre@example.com")
		do(t, fresh, chromedp.Navigate(s.URL+"/members"), chromedp.WaitVisible(chromedp.CSS("#members-table")))
		waitText(t, fresh, "#member-count", "2 members")
		waitJS(t, fresh, `!document.querySelector("#first-steps")`, "the steps gone once all are done")
	})
}

// noPromise fails when the element's text matches promise: a sentence that says a mail
// goes out on an instance that sends none.
func noPromise(t *testing.T, ctx context.Context, sel, promise string) {
	t.Helper()
	if got := text(t, ctx, sel); regexp.MustCompile(`(?i)` + promise).MatchString(got) {
		t.Errorf("%s promises an email: %q", sel, regexp.MustCompile(`(?i)`+promise).FindString(got))
	}
}

// With a mail server the same dialogs say that mail goes out: Send invitations, a
// personal message, Resend.
func TestBrowserInvitationsWithAMailServer(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "org", "create", "--name", "Atelier Sud", "--slug", "sud",
		"--owner-email", "owner@sud.example", "--owner-password", demoPassword, "--language", "fr"); code != 0 {
		t.Fatalf("roster org create exited %d:\n%s", code, out)
	}
	if out, code := roster(t, dir, "invite", "--org", "sud", "--email", "alix@sud.example"); code != 0 {
		t.Fatalf("roster invite exited %d:\n%s", code, out)
	}
	// A mail server nobody answers on: Roster counts on it, and retries what it cannot deliver.
	s := startServer(t, dir, "ROSTER_SMTP_URL=smtp://"+freePort(t))
	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "owner@sud.example", "#members-table")
	do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-emails")))
	waitText(t, ctx, "#invite-send", "Envoyer les invitations")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#invite-message")))
	waitText(t, ctx, "#invite-dialog", "Ajouté à l’e-mail d’invitation")
	if evalJS[bool](t, ctx, `!!document.querySelector("#invite-no-mail")`) {
		t.Error("with a mail server, the dialog says there is none")
	}
	screenshot(t, ctx, "invite-mail-fr")
	do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
	do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-emails")))
	waitText(t, ctx, "#invite-send", "Send invitations")
	screenshot(t, ctx, "invite-mail-en")
	do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))

	do(t, ctx, chromedp.Click(chromedp.CSS(`nav#main-nav a[href="/invitations"]`)), chromedp.WaitVisible(chromedp.CSS("#invitations-table")))
	row := `#invitations-table tr[data-email="alix@sud.example"]`
	waitText(t, ctx, row+" [id^=resend-]", "Resend")
	do(t, ctx, chromedp.Click(chromedp.CSS(row+" [id^=resend-]")), chromedp.WaitVisible(chromedp.CSS("#invitation-confirm")))
	waitText(t, ctx, "#invitation-dialog", "A new link is made and emailed.")
	waitText(t, ctx, "#invitation-confirm", "Resend invitation")
	screenshot(t, ctx, "invitation-resend-mail-en")

	// With a mail server, Forgot password asks for the address, and known and unknown
	// addresses get the same answer.
	anon := newBrowser(t, 1280, 800)
	do(t, anon, chromedp.Navigate(s.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#signin-email")), chromedp.Click(chromedp.CSS("#lang-fr")),
		chromedp.Click(chromedp.CSS(`a[href="/forgot-password"]`)), chromedp.WaitVisible(chromedp.CSS("#forgot-email")))
	checkAccessibility(t, anon, "forgot password")
	answers := map[string]string{}
	for _, address := range []string{"owner@sud.example", "nobody@nowhere.example"} {
		do(t, anon, chromedp.Navigate(s.URL+"/forgot-password"), chromedp.WaitVisible(chromedp.CSS("#forgot-email")),
			chromedp.SendKeys(chromedp.CSS("#forgot-email"), address), chromedp.Click(chromedp.CSS("#forgot-submit")),
			chromedp.WaitVisible(chromedp.CSS("#forgot-confirmation")))
		answers[address] = strings.ReplaceAll(text(t, anon, "main"), address, "…")
	}
	if answers["owner@sud.example"] != answers["nobody@nowhere.example"] {
		t.Errorf("the answers differ:\n%s\n---\n%s", answers["owner@sud.example"], answers["nobody@nowhere.example"])
	}
	if evalJS[bool](t, anon, `!!document.querySelector("#forgot-no-mail")`) {
		t.Error("with a mail server, Forgot password says there is none")
	}
	screenshot(t, anon, "security-forgot-sent-fr")
}
