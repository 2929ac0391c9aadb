package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var joinToken = regexp.MustCompile(`/join/([A-Za-z0-9_-]{43})$`)

// How people get in: on a Starter plan (5 seats) with one seat free, the owner
// invites through the dialog and cannot invite two; with no mail server the join link is
// shown once, with a copy button and a QR code; a fresh browser profile opens the link and
// joins; the new member appears in Members and the subscription's seats and amount move;
// once the plan is full a further invitation gets the seat numbers; a revoked, used or
// replaced link gives the clear invalid-link page and creates nothing.
func TestBrowserInvitations(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "org", "create", "--name", "Atelier Nord", "--slug", "atelier",
		"--owner-email", "owner@atelier.example", "--owner-password", demoPassword,
		"--owner-given-name", "Hélène", "--owner-family-name", "Dupré",
		"--plan", "starter", "--language", "fr"); code != 0 {
		t.Fatalf("roster org create exited %d:\n%s", code, out)
	}
	// Three invitations by the operator: 1 member + 3 pending = 4 of the plan's 5 seats.
	var cliTokens []string
	for _, email := range []string{"alix@atelier.example", "bruno@atelier.example", "chloe@atelier.example"} {
		out, code := roster(t, dir, "invite", "--org", "atelier", "--email", email)
		m := regexp.MustCompile(`/join/([A-Za-z0-9_-]{43})`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("roster invite %s exited %d:\n%s", email, code, out)
		}
		cliTokens = append(cliTokens, m[1])
	}
	s := startServer(t, dir) // no ROSTER_SMTP_URL: invitations are not mailed
	owner := apiSignIn(t, s, "owner@atelier.example")
	org := orgOf(t, owner)
	before := seatsAndAmount(t, owner, org)
	if before.BilledSeats != 1 || before.PendingInvitations != 3 {
		t.Fatalf("before: %d billed seats and %d pending invitations, want 1 and 3", before.BilledSeats, before.PendingInvitations)
	}

	var link string
	t.Run("invite from the Members page", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@atelier.example", "#members-table")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-emails")))
		waitText(t, ctx, "#invite-dialog", "Inviter des membres")
		waitJS(t, ctx, `document.querySelector("#invite-dialog").contains(document.activeElement)`, "focus in the dialog")
		screenshot(t, ctx, "invite-dialog-fr")
		checkAccessibility(t, ctx, "invite dialog")

		// Vérifier: each row's verdict, in French, and the seat numbers; nothing is created.
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#invite-emails"), "Zoé Martin <zoe.martin@atelier.example>, yann.leroy@atelier.example\npas-une-adresse, owner@atelier.example"),
			chromedp.Click(chromedp.CSS("#invite-check")),
			chromedp.WaitVisible(chromedp.CSS("#invite-results")),
		)
		waitText(t, ctx, "#invite-summary", "1 adresse peut être invitée. 3 adresses ne peuvent pas être invitées. Rien n’a encore été créé.")
		rows := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#invite-results li")].map(li => li.innerText.replace(/\s+/g, " ").trim())`)
		want := [][2]string{
			{"✓ zoe.martin@atelier.example", "Peut être invitée"},
			{"✕ yann.leroy@atelier.example", "Plus de place libre"},
			{"✕ pas-une-adresse", "Ce n’est pas une adresse e-mail valide."},
			{"✕ owner@atelier.example", "Cette adresse est déjà membre"},
		}
		if len(rows) != len(want) {
			t.Fatalf("the check lists %q", rows)
		}
		for i, w := range want {
			if !strings.HasPrefix(rows[i], w[0]) || !strings.Contains(rows[i], w[1]) {
				t.Errorf("row %d reads %q, want %q … %q", i, rows[i], w[0], w[1])
			}
		}
		waitText(t, ctx, "#invite-seats", "4 places occupées sur 5\u00a0: 1 membre et 3 invitations en attente. 1 place libre pour 2 adresses à inviter.")
		// What the one invitable address will cost once it joins, before anything is sent.
		waitText(t, ctx, "#cost-preview", "Nouveau montant mensuel")
		screenshot(t, ctx, "invite-check-fr")
		checkAccessibility(t, ctx, "invite check")
		if got := pendingInvitations(t, owner, org, ""); got != 3 {
			t.Fatalf("a check created invitations: %d pending", got)
		}

		// One free seat: invite the valid address only.
		waitText(t, ctx, "#invite-send", "Inviter l’adresse valide")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-send")), chromedp.WaitVisible(chromedp.CSS("#invite-done")))
		waitText(t, ctx, "#invite-done", "1 invitation créée")
		waitText(t, ctx, "#invite-not-mailed", "Aucun serveur de messagerie")
		waitText(t, ctx, "#invite-not-mailed", "qu’une fois")
		waitText(t, ctx, "#invite-skipped", "yann.leroy@atelier.example")
		link = evalJS[string](t, ctx, `document.querySelector("#invite-link-0-link").value`)
		if !joinToken.MatchString(link) {
			t.Fatalf("the page shows the link %q", link)
		}
		// The QR code is there from the start for a single invitation, and names itself.
		if label := evalJS[string](t, ctx, `document.querySelector("#invite-link-0-qr svg[role=img]")?.getAttribute("aria-label") ?? ""`); label != "QR code du lien d’invitation de zoe.martin@atelier.example" {
			t.Errorf("the QR code is labelled %q", label)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-link-0-copy")))
		waitJS(t, ctx, `/Lien copié|Copie impossible/.test(document.querySelector("#invite-created").innerText)`, "the copy button's answer")
		screenshot(t, ctx, "invite-sent-fr")
		checkAccessibility(t, ctx, "invite result")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-close")), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "invite-open"`, "focus back on the invite button")
		if got := pendingInvitations(t, owner, org, "zoe.martin"); got != 1 {
			t.Fatalf("zoe.martin has %d pending invitations, want 1", got)
		}
		if got := pendingInvitations(t, owner, org, "yann"); got != 0 {
			t.Fatalf("yann was invited beyond the plan's seats")
		}

		// The Invitations page lists it, pending, with who sent it and when it expires.
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav#main-nav a[href="/invitations"]`)), chromedp.WaitVisible(chromedp.CSS("#invitations-table")))
		waitText(t, ctx, "#invitation-count", "4 invitations")
		row := `#invitations-table tr[data-email="zoe.martin@atelier.example"]`
		waitText(t, ctx, row, "En attente")
		waitText(t, ctx, row, "dans 7 jours")
		waitText(t, ctx, row, "Hélène Dupré")
		waitText(t, ctx, row, "1 envoi")
		screenshot(t, ctx, "invitations-fr")
		checkAccessibility(t, ctx, "invitations")
		noSideScroll(t, ctx, "invitations at 1280 px")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "#invitation-count", "4 invitations")
		waitText(t, ctx, row, "Pending")
		screenshot(t, ctx, "invitations-en")
		checkAccessibility(t, ctx, "invitations (en)")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "invitations at 375 px")
		screenshot(t, ctx, "invitations-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-emails")))
		screenshot(t, ctx, "invite-dialog-en-phone")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#invitation-count", "4 invitations")
	})
	m := joinToken.FindStringSubmatch(link)
	if m == nil {
		t.Fatal("no join link to follow")
	}
	// The link is built on the instance's public address (ROSTER_APP_URL); this test's
	// server listens on another port, so the same path is opened on it.
	joinURL := s.URL + "/join/" + m[1]

	t.Run("a fresh browser joins through the link", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		do(t, ctx, chromedp.Navigate(joinURL), chromedp.WaitVisible(chromedp.CSS("#join-form")))
		// No language chosen in this browser (en-GB): the page speaks the organisation's.
		waitText(t, ctx, "h1", "Rejoindre Atelier Nord")
		waitText(t, ctx, "#join-lead", "Hélène Dupré vous invite à rejoindre Atelier Nord")
		waitText(t, ctx, "#join-role", "Membre")
		waitText(t, ctx, "#join-user-type", "Créateur")
		if v := evalJS[string](t, ctx, `document.querySelector("#join-email").value + "|" + document.querySelector("#join-email").readOnly`); v != "zoe.martin@atelier.example|true" {
			t.Errorf("the address field holds %q", v)
		}
		steps := evalJS[[]string](t, ctx, `[...document.querySelectorAll("ol.steps li")].map(li => (li.getAttribute("aria-current") ? "> " : "") + li.innerText.replace(/\s+/g, " ").trim())`)
		if len(steps) != 4 || !strings.HasPrefix(steps[0], "✓ Vérifier l’invitation") || !strings.HasPrefix(steps[1], "> 2 Créer votre compte") ||
			!strings.Contains(steps[2], "double authentification") || !strings.Contains(steps[3], "Terminé") {
			t.Errorf("the steps read %q", steps)
		}
		screenshot(t, ctx, "join-fr")
		checkAccessibility(t, ctx, "join page")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Join Atelier Nord")
		waitText(t, ctx, "ol.steps", "Create your account")
		screenshot(t, ctx, "join-en")
		checkAccessibility(t, ctx, "join page (en)")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "join page at 375 px")
		screenshot(t, ctx, "join-en-phone")
		do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Rejoindre Atelier Nord")

		// A password the server refuses: the message sits next to the field, nothing is created.
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#join-given-name"), "Zoé"),
			chromedp.SendKeys(chromedp.CSS("#join-family-name"), "Martin"),
			chromedp.SendKeys(chromedp.CSS("#join-password"), "court"),
			chromedp.Click(chromedp.CSS("#join-submit")),
		)
		waitJS(t, ctx, `document.querySelector("#join-password").getAttribute("aria-invalid") === "true"`, "the password marked invalid")
		waitText(t, ctx, "#join-password-error", "8 à 64 caractères")
		waitJS(t, ctx, `document.activeElement?.id === "join-password"`, "focus on the refused field")
		screenshot(t, ctx, "join-error-fr")
		if n := owner.count(t, org, ""); n != 1 {
			t.Fatalf("a refused enrolment made %d members", n)
		}

		// The visibility toggle, then the real password; joined and signed in.
		do(t, ctx, chromedp.Click(chromedp.CSS("#join-password-toggle")))
		waitJS(t, ctx, `document.querySelector("#join-password").type === "text" && document.querySelector("#join-password-toggle").getAttribute("aria-pressed") === "true"`, "the password shown")
		do(t, ctx,
			setField("#join-password", "un mot de passe sûr"),
			chromedp.Click(chromedp.CSS("#join-submit")),
			chromedp.WaitVisible(chromedp.CSS("nav#main-nav")),
		)
		waitText(t, ctx, "h1", "Membres")
		waitJS(t, ctx, `location.pathname === "/members"`, "the members page")
		if who := evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth")).record.email`); who != "zoe.martin@atelier.example" {
			t.Errorf("signed in as %q", who)
		}
		waitText(t, ctx, "header", "Zoé Martin")
	})

	t.Run("the owner sees the new member, the seats and the amount", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@atelier.example", "#members-table")
		waitText(t, ctx, "#member-count", "2 membres")
		waitText(t, ctx, "#members-table", "Zoé Martin")
		waitText(t, ctx, "#members-table", "zoe.martin@atelier.example")

		// The subscription, read with the owner's own token from the browser.
		token := evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth")).token`)
		after := seatsAndAmount(t, client{s: s, token: token}, org)
		if after.BilledSeats != before.BilledSeats+1 {
			t.Errorf("billed seats %d → %d, want +1", before.BilledSeats, after.BilledSeats)
		}
		if after.MonthlyAmount <= before.MonthlyAmount {
			t.Errorf("monthly amount %d → %d, want more", before.MonthlyAmount, after.MonthlyAmount)
		}
		if after.PendingInvitations != 3 {
			t.Errorf("%d pending invitations after the join, want 3", after.PendingInvitations)
		}

		// The plan is full: a further invitation, sent without a check, is refused with the numbers.
		do(t, ctx, chromedp.Navigate(s.URL+"/invitations"), chromedp.WaitVisible(chromedp.CSS("#invitations-table")))
		waitText(t, ctx, "#invitation-count", "3 invitations")
		do(t, ctx,
			chromedp.Click(chromedp.CSS("#invite-open")),
			chromedp.WaitVisible(chromedp.CSS("#invite-emails")),
			chromedp.SendKeys(chromedp.CSS("#invite-emails"), "yann.leroy@atelier.example"),
			chromedp.Click(chromedp.CSS("#invite-send")),
			chromedp.WaitVisible(chromedp.CSS("#invite-seats")),
		)
		waitText(t, ctx, "#invite-seats", "Votre abonnement n’a pas assez de places libres.")
		waitText(t, ctx, "#invite-seats", "5 places occupées sur 5\u00a0: 2 membres et 3 invitations en attente. 0 place libre pour 1 adresse à inviter.")
		waitText(t, ctx, "#invite-summary", "Aucune invitation n’a été créée")
		screenshot(t, ctx, "invite-seat-limit-fr")
		if got := pendingInvitations(t, owner, org, "yann"); got != 0 {
			t.Fatal("an invitation beyond the plan's seats was created")
		}
		// A CSV upload, checked: each row's own role and user type are judged.
		csv := filepath.Join(t.TempDir(), "invitations.csv")
		if err := os.WriteFile(csv, []byte("email;rôle;type d'utilisateur;prénom;nom\n"+
			"ines.roux@atelier.example;administrateur;lecteur;Inès;Roux\n"+
			"owner@atelier.example;;;;\n"+
			"louis.moreau@atelier.example;membre;créateur;Louis;Moreau\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		do(t, ctx,
			setField("#invite-emails", ""),
			chromedp.SetUploadFiles(chromedp.CSS("#invite-file"), []string{csv}),
			chromedp.Click(chromedp.CSS("#invite-check")),
		)
		waitText(t, ctx, "#invite-summary", "3 adresses ne peuvent pas être invitées. Rien n’a encore été créé.")
		waitText(t, ctx, "#invite-results li:nth-child(1)", "ne permet que le rôle Membre")
		waitText(t, ctx, "#invite-results li:nth-child(2)", "déjà membre")
		waitText(t, ctx, "#invite-results li:nth-child(3)", "Plus de place libre")
		screenshot(t, ctx, "invite-csv-check-fr")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invite-dialog")))

		// The accepted invitation under its filter.
		do(t, ctx, setField("#invitation-status", "accepted"))
		waitJS(t, ctx, `location.search === "?status=accepted"`, "the status in the address")
		waitText(t, ctx, `#invitations-table tr[data-email="zoe.martin@atelier.example"]`, "Acceptée")
		do(t, ctx, setField("#invitation-status", "pending"))
		waitText(t, ctx, "#invitation-count", "3 invitations")

		// Révoquer, with its confirmation: the seat is free again.
		revoke := evalJS[string](t, ctx, `document.querySelector('#invitations-table tr[data-email="alix@atelier.example"] [id^=revoke-]').id`)
		do(t, ctx, chromedp.Click(chromedp.CSS("#"+revoke)), chromedp.WaitVisible(chromedp.CSS("#invitation-confirm")))
		waitText(t, ctx, "#invitation-dialog", "Révoquer l’invitation d’alix@atelier.example\u202f?")
		screenshot(t, ctx, "invitation-revoke-fr")
		checkAccessibility(t, ctx, "revoke confirmation")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invitation-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#invitation-dialog")))
		waitText(t, ctx, "#invitations-flash", "Invitation révoquée\u00a0: alix@atelier.example.")
		waitText(t, ctx, "#invitation-count", "2 invitations")

		// « Nouveau lien » (Resend without a mail server): a new link, once, with its QR code; the old one stops working.
		resend := evalJS[string](t, ctx, `document.querySelector('#invitations-table tr[data-email="bruno@atelier.example"] [id^=resend-]').id`)
		do(t, ctx, chromedp.Click(chromedp.CSS("#"+resend)), chromedp.WaitVisible(chromedp.CSS("#invitation-confirm")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#invitation-confirm")), chromedp.WaitVisible(chromedp.CSS("#resent-link")))
		waitText(t, ctx, "#invitation-dialog", "Nouveau lien d’invitation pour bruno@atelier.example")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#resent-qr svg")))
		newLink := evalJS[string](t, ctx, `document.querySelector("#resent-link").value`)
		nm := joinToken.FindStringSubmatch(newLink)
		if nm == nil || nm[1] == cliTokens[1] {
			t.Fatalf("the resend shows %q", newLink)
		}
		screenshot(t, ctx, "invitation-resent-fr")
		checkAccessibility(t, ctx, "resent link")
		do(t, ctx, chromedp.Click(chromedp.CSS("#invitation-close")), chromedp.WaitNotPresent(chromedp.CSS("#invitation-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === `+jsString(resend), "focus back on Nouveau lien")
		waitText(t, ctx, `#invitations-table tr[data-email="bruno@atelier.example"]`, "2 envois")
		if code := joinPreviewStatus(t, s, cliTokens[1]); code != 404 {
			t.Errorf("the replaced link answers %d, want 404", code)
		}
		if code := joinPreviewStatus(t, s, nm[1]); code != 200 {
			t.Errorf("the new link answers %d, want 200", code)
		}
	})

	t.Run("revoked, used and replaced links", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		// An unusable link tells nothing about the organisation, not even its language: the
		// page speaks the browser's (en-GB here) until the visitor picks one.
		for _, tc := range []struct{ name, token string }{
			{"revoked", cliTokens[0]},
			{"used", m[1]},
			{"replaced", cliTokens[1]},
		} {
			do(t, ctx, chromedp.Navigate(s.URL+"/join/"+tc.token), chromedp.WaitVisible(chromedp.CSS("#join-invalid")))
			waitText(t, ctx, "h1", "This invitation link is no longer valid")
			waitText(t, ctx, "#join-invalid", "Ask your organisation’s administrator")
			if evalJS[bool](t, ctx, `!!document.querySelector("#join-form, input[type=password]")`) {
				t.Errorf("the %s link's page has a form", tc.name)
			}
		}
		screenshot(t, ctx, "join-invalid-en")
		checkAccessibility(t, ctx, "invalid link")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Ce lien d’invitation n’est plus valide")
		waitText(t, ctx, "#join-invalid", "Demandez à l’administrateur")
		screenshot(t, ctx, "join-invalid-fr")
		checkAccessibility(t, ctx, "invalid link (fr)")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "invalid link at 375 px")
		screenshot(t, ctx, "join-invalid-fr-phone")

		// Nothing was created, not even by a direct accept of the revoked link.
		body := strings.NewReader(`{"password":"un mot de passe sûr","givenName":"Alix"}`)
		res, err := http.Post(s.URL+"/api/invitations/"+cliTokens[0]+"/accept", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("accepting a revoked link answers %d, want 404", res.StatusCode)
		}
		if n := owner.count(t, org, ""); n != 2 {
			t.Errorf("the organisation has %d members, want 2", n)
		}
		if n := owner.count(t, org, "search=alix"); n != 0 {
			t.Errorf("a revoked invitation made a member")
		}
	})
}

type invitationSeats struct {
	BilledSeats        int `json:"billedSeats"`
	PendingInvitations int `json:"pendingInvitations"`
	MonthlyAmount      int `json:"monthlyAmount"`
}

// seatsAndAmount reads GET /api/orgs/{org}/subscription (the owner's).
func seatsAndAmount(t *testing.T, c client, org string) invitationSeats {
	t.Helper()
	var s invitationSeats
	c.get(t, "/api/orgs/"+org+"/subscription", &s)
	return s
}

// pendingInvitations is the number of pending invitations whose address contains search.
func pendingInvitations(t *testing.T, c client, org, search string) int {
	t.Helper()
	q := url.Values{"status": {"pending"}, "perPage": {"1"}}
	if search != "" {
		q.Set("search", search)
	}
	var page struct{ TotalItems int }
	c.get(t, "/api/orgs/"+org+"/invitations?"+q.Encode(), &page)
	return page.TotalItems
}

// joinPreviewStatus is the status of the public preview of a join token.
func joinPreviewStatus(t *testing.T, s *server, token string) int {
	t.Helper()
	res, err := http.Get(s.URL + "/api/invitations/" + token)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body json.RawMessage
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode
}
