package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pquerna/otp/totp"

	_ "modernc.org/sqlite"
)

// Account security as a member and an owner meet it: a member turns on two-factor
// sign-in from My account, reading the key off the page as an authenticator app would,
// keeps the recovery codes, signs out and back in with a code (and with a recovery
// code); the owner then disables the member's MFA and resets the password, which shows
// the temporary password once (no mail server); the member signs in with it and must
// choose a new one. A second organisation that requires MFA sends its owner straight to
// enrolment.
func TestBrowserSecurity(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "demo", "--members", "20", "--seed", "11", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	if out, code := roster(t, dir, "org", "create", "--name", "Équipe Sud", "--slug", "equipe-sud", "--owner-email", "sud@example.com",
		"--owner-password", demoPassword, "--language", "fr"); code != 0 {
		t.Fatalf("roster org create exited %d:\n%s", code, out)
	}
	// There is no settings screen yet: turn MFA on (demo) and make it required
	// (equipe-sud) in the database of the stopped server.
	db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE organizations SET mfaEnabled = 1 WHERE slug = 'demo'`,
		`UPDATE organizations SET mfaEnabled = 1, mfaRequired = 1 WHERE slug = 'equipe-sud'`,
	} {
		res, err := db.Exec(q)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s: %d rows", q, n)
		}
	}
	db.Close()

	s := startServer(t, dir)
	owner := apiSignIn(t, s, "owner@demo.example")
	org := orgOf(t, owner)
	var page struct {
		Items []struct{ ID, Email, Name string }
	}
	owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&lastLoginAfter=2000-01-01&sort=name&perPage=1", &page)
	if len(page.Items) == 0 {
		t.Fatal("the demo has no active member")
	}
	member := page.Items[0]
	mfaOf := func() bool {
		var m struct{ MfaEnabled bool }
		owner.get(t, "/api/orgs/"+org+"/members/"+member.ID, &m)
		return m.MfaEnabled
	}

	var lastStep int64 // the last TOTP step the server accepted for the member
	var recovery []string
	var temporary string // the member's temporary password, from the owner's reset

	t.Run("enrol, sign out, sign in with a code", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, member.Email, "#directory")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")), chromedp.Navigate(s.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#totp-start")))
		waitText(t, ctx, "#totp-status", "Désactivée")
		waitText(t, ctx, "main", member.Email)
		do(t, ctx, chromedp.Click(chromedp.CSS("#totp-start")), chromedp.WaitVisible(chromedp.CSS("#totp-qr")))
		waitJS(t, ctx, `document.querySelector("#totp-qr").complete && document.querySelector("#totp-qr").naturalWidth > 0 && document.querySelector("#totp-qr").src.startsWith("data:image/png")`, "the QR code image")
		if alt := evalJS[string](t, ctx, `document.querySelector("#totp-qr").alt`); !strings.Contains(alt, "QR code") {
			t.Errorf("the QR code's alt text is %q", alt)
		}
		shown := text(t, ctx, "#totp-secret")
		if !regexp.MustCompile(`^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$`).MatchString(shown) {
			t.Fatalf("the key is shown as %q, want groups of four", shown)
		}
		secret := strings.ReplaceAll(shown, " ", "")
		securityScreens(t, ctx, "security-totp-setup", "Ajoutez votre compte", "Add your account")

		// A wrong code first: the field says so and the setup stays.
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#totp-enable-code"), wrongTOTP(t, secret)), chromedp.Click(chromedp.CSS("#totp-enable")))
		waitText(t, ctx, "#totp-enable-code-error", "n’est pas valide")
		code, step := freshTOTP(t, secret, 0)
		do(t, ctx, setField("#totp-enable-code", code), chromedp.Click(chromedp.CSS("#totp-enable")), chromedp.WaitVisible(chromedp.CSS("#recovery-codes")))
		lastStep = step
		recovery = evalJS[[]string](t, ctx, `[...document.querySelectorAll("#recovery-codes li code")].map(c => c.innerText.trim())`)
		if len(recovery) != 10 {
			t.Fatalf("%d recovery codes shown, want 10: %q", len(recovery), recovery)
		}
		for _, c := range recovery {
			if !regexp.MustCompile(`^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$`).MatchString(c) {
				t.Errorf("recovery code %q", c)
			}
		}
		waitText(t, ctx, "#recovery-codes", "ne seront plus affichés")
		if !mfaOf() {
			t.Fatal("the server has no TOTP for the member after enabling")
		}
		// Download (.txt) hands over a file with the codes; Print prints.
		awaitPromise := func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }
		file, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
			const blobs = [];
			const create = URL.createObjectURL;
			URL.createObjectURL = (b) => { blobs.push(b); return create(b) };
			window.print = () => { window.printed = true };
			document.querySelector("#codes-download").click();
			document.querySelector("#codes-print").click();
			URL.createObjectURL = create;
			return blobs.length ? await blobs[0].text() : "";
		})()`, awaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range recovery {
			if !strings.Contains(file, c) {
				t.Errorf("the downloaded file lacks %s:\n%s", c, file)
			}
		}
		if !evalJS[bool](t, ctx, `window.printed === true`) {
			t.Error("Imprimer did not print")
		}
		securityScreens(t, ctx, "security-recovery-codes", "Vos codes de secours", "Your recovery codes")
		do(t, ctx, chromedp.Click(chromedp.CSS("#codes-done")))
		waitText(t, ctx, "#totp-status", "Activée")
		waitJS(t, ctx, `!!document.querySelector("#totp-regenerate") && !!document.querySelector("#totp-disable")`, "Régénérer and Désactiver")

		// Sign out, then back in to /account: the code step, a wrong code, a good one.
		do(t, ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-email")))
		do(t, ctx,
			chromedp.Navigate(s.URL+"/account"),
			chromedp.WaitVisible(chromedp.CSS("#signin-email")),
			chromedp.SendKeys(chromedp.CSS("#signin-email"), member.Email),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#totp-code")),
		)
		waitJS(t, ctx, `document.activeElement?.id === "totp-code"`, "focus on the code field")
		for attr, want := range map[string]string{"inputmode": "numeric", "autocomplete": "one-time-code"} {
			if got := evalJS[string](t, ctx, `document.querySelector("#totp-code").getAttribute("`+attr+`")`); got != want {
				t.Errorf("the code field's %s is %q, want %q", attr, got, want)
			}
		}
		securityScreens(t, ctx, "security-signin-code", "Double authentification", "Two-factor authentication")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#totp-code"), wrongTOTP(t, secret)), chromedp.Click(chromedp.CSS("#totp-submit")))
		waitText(t, ctx, "#totp-code-error", "n’est pas valide")
		waitText(t, ctx, "#totp-code-error", "Encore 4 essais")
		code, step = freshTOTP(t, secret, lastStep) // the server refuses a step it has seen
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#totp-code"), code), chromedp.Click(chromedp.CSS("#totp-submit")))
		waitJS(t, ctx, `location.pathname === "/account" && !!document.querySelector("#totp-regenerate")`, "My account after the code (?next=)")
		lastStep = step

		// Régénérer and Désactiver ask for proof: a wrong one is told in the dialog.
		do(t, ctx, chromedp.Click(chromedp.CSS("#totp-regenerate")), chromedp.WaitVisible(chromedp.CSS("#totp-dialog-code")))
		waitJS(t, ctx, `!!document.activeElement?.closest("#totp-dialog")`, "focus in the dialog")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#totp-dialog-code"), wrongTOTP(t, secret)), chromedp.Click(chromedp.CSS("#totp-dialog-confirm")))
		waitText(t, ctx, "#totp-dialog-code-error", "n’est pas valide")
		checkAccessibility(t, ctx, "regenerate dialog")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#totp-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "totp-regenerate"`, "focus back on Régénérer")
		do(t, ctx, chromedp.Click(chromedp.CSS("#totp-disable")), chromedp.WaitVisible(chromedp.CSS("#totp-dialog-code")),
			chromedp.Click(chromedp.CSS(`input[name="totp-proof"][value="recovery"]`)), chromedp.WaitVisible(chromedp.CSS("#totp-dialog-recovery")),
			chromedp.SendKeys(chromedp.CSS("#totp-dialog-recovery"), "aaaa-bbbb-cccc"), chromedp.Click(chromedp.CSS("#totp-dialog-confirm")))
		waitText(t, ctx, "#totp-dialog-recovery-error", "n’est pas valide ou a déjà servi")
		screenshot(t, ctx, "security-totp-disable-refused-fr")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#totp-dialog")))
		if !mfaOf() {
			t.Fatal("a refused Désactiver turned TOTP off")
		}

		// And once more with a recovery code instead.
		do(t, ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-email")))
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#signin-email"), member.Email),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#totp-switch")),
			chromedp.Click(chromedp.CSS("#totp-switch")),
			chromedp.WaitVisible(chromedp.CSS("#totp-recovery")),
			chromedp.SendKeys(chromedp.CSS("#totp-recovery"), recovery[0]),
			chromedp.Click(chromedp.CSS("#totp-submit")),
			chromedp.WaitVisible(chromedp.CSS("#directory")),
		)
	})

	t.Run("five wrong codes end the challenge", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		do(t, ctx,
			chromedp.Navigate(s.URL+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#signin-email")),
			chromedp.Click(chromedp.CSS("#lang-fr")),
			chromedp.SendKeys(chromedp.CSS("#signin-email"), member.Email),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#totp-code")),
		)
		for i := 0; i < 5; i++ {
			do(t, ctx, setField("#totp-code", "000000"), chromedp.Click(chromedp.CSS("#totp-submit")))
			if i < 4 {
				waitJS(t, ctx, `!!document.querySelector("#totp-code-error") && document.querySelector("#totp-code").value === "" && !document.querySelector("#totp-submit").disabled`, "the wrong code told")
			}
		}
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#signin-password")))
		waitText(t, ctx, "#signin-error", "Trop de codes erronés")
		if v := evalJS[string](t, ctx, `document.querySelector("#signin-email").value`); v != member.Email {
			t.Errorf("the email is %q after the challenge ended", v)
		}
	})

	t.Run("the owner disables the member's MFA and resets the password", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@demo.example", "#members-table")
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+member.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+member.ID)))
		menu := func(item string) {
			t.Helper()
			do(t, ctx, chromedp.Click(chromedp.CSS("#more-"+member.ID)), chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)))
			items := evalJS[[]string](t, ctx, `[...document.querySelectorAll('[role="menuitem"]')].map(i => i.innerText.trim())`)
			if !contains(items, item) {
				t.Fatalf("the menu lacks %q: %q", item, items)
			}
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="menuitem"]')].find(i => i.innerText.trim() === `+jsString(item)+`).click()`),
				chromedp.WaitVisible(chromedp.CSS("#action-dialog")))
		}

		menu("Désactiver la double authentification")
		waitText(t, ctx, "#action-dialog", "perdu son téléphone")
		checkAccessibility(t, ctx, "disable MFA confirmation")
		screenshot(t, ctx, "security-disable-mfa-confirm-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#action-confirm")), chromedp.WaitVisible(chromedp.CSS("#mfa-result")))
		waitText(t, ctx, "#action-dialog", "seul mot de passe")
		screenshot(t, ctx, "security-disable-mfa-done-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#action-done")), chromedp.WaitNotPresent(chromedp.CSS("#action-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "more-`+member.ID+`"`, "focus back on Plus d’options")
		if mfaOf() {
			t.Fatal("the member still has TOTP after Désactiver la double authentification")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#more-"+member.ID)), chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)))
		if items := evalJS[[]string](t, ctx, `[...document.querySelectorAll('[role="menuitem"]')].map(i => i.innerText.trim())`); contains(items, "Désactiver la double authentification") {
			t.Errorf("the menu still offers to disable MFA: %q", items)
		}
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS(`[role="menu"]`)))

		// Reset in French, then again in English (a language switch reloads the profile
		// behind the dialog); the member gets the last temporary password.
		reset := func(item, lang, confirmText, warning string) string {
			t.Helper()
			menu(item)
			waitText(t, ctx, "#action-dialog", confirmText)
			do(t, ctx, chromedp.Click(chromedp.CSS("#action-confirm")), chromedp.WaitVisible(chromedp.CSS("#temporary-password")))
			pw := text(t, ctx, "#temporary-password")
			if len(pw) != 16 {
				t.Fatalf("the temporary password shown is %q, want 16 characters", pw)
			}
			waitText(t, ctx, "#action-dialog", warning)
			waitJS(t, ctx, `document.activeElement?.id === "temporary-copy"`, "focus on Copier")
			screenshot(t, ctx, "security-reset-dialog-"+lang)
			checkAccessibility(t, ctx, "reset result ("+lang+")")
			return pw
		}
		closeDialog := func() {
			t.Helper()
			do(t, ctx, chromedp.Click(chromedp.CSS("#action-done")), chromedp.WaitNotPresent(chromedp.CSS("#action-dialog")))
			waitJS(t, ctx, `document.activeElement?.id === "more-`+member.ID+`"`, "focus back on Plus d’options")
		}
		first := reset("Réinitialiser le mot de passe", "fr", "valable 24 heures", "ne sera plus affiché")
		closeDialog()
		if strings.Contains(evalJS[string](t, ctx, `document.body.innerText`), first) {
			t.Error("the temporary password is still on the page after closing the dialog")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "main", "Last sign-in")
		temporary = reset("Reset password", "en", "valid for 24 hours", "will not be shown again")
		if temporary == first {
			t.Error("a second reset gave the same temporary password")
		}
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "the reset dialog at 375 px")
		screenshot(t, ctx, "security-reset-dialog-en-phone")
		do(t, ctx, chromedp.EmulateViewport(1280, 800))
		closeDialog()
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr"))) // leave the owner in French
		waitText(t, ctx, "main", "Dernière connexion")
		if code := signInStatus(t, s, member.Email, first); code == 200 {
			t.Error("the first temporary password still signs in after the second reset")
		}
	})

	t.Run("the member must choose a new password", func(t *testing.T) {
		if temporary == "" {
			t.Skip("no temporary password")
		}
		ctx := newBrowser(t, 1280, 800)
		do(t, ctx,
			chromedp.Navigate(s.URL+"/members"),
			chromedp.WaitVisible(chromedp.CSS("#signin-email")),
			chromedp.Click(chromedp.CSS("#lang-fr")),
			chromedp.SendKeys(chromedp.CSS("#signin-email"), member.Email),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), temporary),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#restricted-password-form")),
		)
		waitText(t, ctx, "h1", "Choisissez un nouveau mot de passe")
		if evalJS[bool](t, ctx, `!!document.querySelector("nav#main-nav, #members-table, #directory")`) {
			t.Error("a restricted session shows the navigation or the members")
		}
		securityScreens(t, ctx, "security-restricted-password", "Choisissez un nouveau mot de passe", "Choose a new password")
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#restricted-password-old"), temporary),
			chromedp.SendKeys(chromedp.CSS("#restricted-password-new"), "un nouveau mot de passe"),
			chromedp.SendKeys(chromedp.CSS("#restricted-password-confirm"), "un autre mot de passe"),
			chromedp.Click(chromedp.CSS("#restricted-password-submit")),
		)
		waitText(t, ctx, "#restricted-password-confirm-error", "pas identiques")
		do(t, ctx, setField("#restricted-password-confirm", "un nouveau mot de passe"), chromedp.Click(chromedp.CSS("#restricted-password-submit")))
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#directory")), chromedp.WaitVisible(chromedp.CSS("nav#main-nav")))
		// The new password signs in; the temporary one no longer does.
		if code := signInStatus(t, s, member.Email, "un nouveau mot de passe"); code != 200 {
			t.Errorf("signing in with the new password: %d", code)
		}
		if code := signInStatus(t, s, member.Email, temporary); code == 200 {
			t.Error("the temporary password still signs in")
		}
	})

	t.Run("forgot password", func(t *testing.T) {
		var other struct {
			Items []struct{ ID, Email string }
		}
		owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&sort=-name&perPage=1", &other)
		email := other.Items[0].Email
		ctx := newBrowser(t, 1280, 800)
		// No mail server here: the page promises no link, and says whom to ask
		// (with one, TestBrowserInvitationsWithAMailServer sends the form).
		do(t, ctx, chromedp.Navigate(s.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#signin-email")), chromedp.Click(chromedp.CSS("#lang-fr")),
			chromedp.Click(chromedp.CSS(`a[href="/forgot-password"]`)), chromedp.WaitVisible(chromedp.CSS("#forgot-no-mail")))
		waitText(t, ctx, "#forgot-no-mail", "Ce serveur n’envoie aucun e-mail\u00a0: aucun lien ne peut vous être adressé. Demandez à un administrateur")
		if evalJS[bool](t, ctx, `!!document.querySelector("#forgot-email")`) {
			t.Error("without a mail server, Forgot password still asks for an address to mail")
		}
		checkAccessibility(t, ctx, "forgot password without mail")
		screenshot(t, ctx, "security-forgot-no-mail-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "#forgot-no-mail", "This server sends no email, so no link can be mailed to you.")
		phoneScreenshot(t, ctx, "security-forgot-no-mail-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))

		// The mail's link (the token is made as PocketBase makes it).
		link := func(valid time.Duration) string {
			t.Helper()
			db, err := sql.Open("sqlite", filepath.Join(dir, "data.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var id, tokenKey, collection, options string
			if err := db.QueryRow(`SELECT u.id, u.tokenKey, c.id FROM users u, _collections c WHERE c.name = 'users' AND u.email = ?`, email).Scan(&id, &tokenKey, &collection); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT options FROM _collections WHERE name = 'users'`).Scan(&options); err != nil {
				t.Fatal(err)
			}
			var opts struct {
				PasswordResetToken struct{ Secret string } `json:"passwordResetToken"`
			}
			if err := json.Unmarshal([]byte(options), &opts); err != nil || opts.PasswordResetToken.Secret == "" {
				t.Fatalf("the users collection's reset secret: %v", err)
			}
			token, err := security.NewJWT(map[string]any{"type": "passwordReset", "id": id, "collectionId": collection, "email": email},
				tokenKey+opts.PasswordResetToken.Secret, valid)
			if err != nil {
				t.Fatal(err)
			}
			return s.URL + "/reset-password/" + token
		}
		do(t, ctx, chromedp.Navigate(s.URL+"/reset-password/not-a-token"), chromedp.WaitVisible(chromedp.CSS("#reset-broken")))
		waitText(t, ctx, "#reset-broken", "n’est pas valide")
		do(t, ctx, chromedp.Navigate(link(-time.Minute)), chromedp.WaitVisible(chromedp.CSS("#reset-broken")))
		waitText(t, ctx, "#reset-broken", "a expiré")
		checkAccessibility(t, ctx, "expired reset link")

		good := link(30 * time.Minute)
		do(t, ctx, chromedp.Navigate(good), chromedp.WaitVisible(chromedp.CSS("#reset-password")))
		screenshot(t, ctx, "security-reset-password-fr")
		checkAccessibility(t, ctx, "reset password")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#reset-password"), "court"), chromedp.Click(chromedp.CSS("#reset-submit")))
		waitText(t, ctx, "#reset-password-error", "au moins 8 caractères")
		do(t, ctx, setField("#reset-password", "mot de passe retrouvé"), chromedp.SendKeys(chromedp.CSS("#reset-confirm"), "mot de passe retrouvé"),
			chromedp.Click(chromedp.CSS("#reset-submit")), chromedp.WaitVisible(chromedp.CSS("#reset-done")))
		if code := signInStatus(t, s, email, "mot de passe retrouvé"); code != 200 {
			t.Errorf("signing in with the new password: %d", code)
		}
		// The link works once.
		do(t, ctx, chromedp.Navigate(good), chromedp.WaitVisible(chromedp.CSS("#reset-password")),
			chromedp.SendKeys(chromedp.CSS("#reset-password"), "encore un autre"), chromedp.SendKeys(chromedp.CSS("#reset-confirm"), "encore un autre"),
			chromedp.Click(chromedp.CSS("#reset-submit")), chromedp.WaitVisible(chromedp.CSS("#reset-broken")))
	})

	t.Run("an organisation that requires MFA", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		do(t, ctx,
			chromedp.Navigate(s.URL+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#signin-email")),
			chromedp.SendKeys(chromedp.CSS("#signin-email"), "sud@example.com"),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#totp-qr")),
		)
		waitText(t, ctx, "h1", "Votre organisation exige la double authentification")
		if evalJS[bool](t, ctx, `!!document.querySelector("nav#main-nav")`) {
			t.Error("the enrolment screen shows the navigation")
		}
		screenshot(t, ctx, "security-restricted-mfa-fr")
		checkAccessibility(t, ctx, "required enrolment")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "the required enrolment at 375 px")
		screenshot(t, ctx, "security-restricted-mfa-fr-phone")
		do(t, ctx, chromedp.EmulateViewport(1280, 800))
		secret := strings.ReplaceAll(text(t, ctx, "#totp-secret"), " ", "")
		code, _ := freshTOTP(t, secret, 0)
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#totp-enable-code"), code), chromedp.Click(chromedp.CSS("#totp-enable")), chromedp.WaitVisible(chromedp.CSS("#codes-done")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#codes-done")), chromedp.WaitVisible(chromedp.CSS("nav#main-nav")))
		waitText(t, ctx, "h1", "Membres")
	})
}

// securityScreens takes the FR and EN screenshots of a page at 1280 px and the EN one at 375 px,
// checks each for accessibility and sideways scrolling, and leaves the page in French.
func securityScreens(t *testing.T, ctx context.Context, name, fr, en string) {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
	waitText(t, ctx, "main", fr)
	screenshot(t, ctx, name+"-fr")
	checkAccessibility(t, ctx, name+" (fr)")
	noSideScroll(t, ctx, name+" at 1280 px")
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
	waitText(t, ctx, "main", en)
	screenshot(t, ctx, name+"-en")
	checkAccessibility(t, ctx, name+" (en)")
	do(t, ctx, chromedp.EmulateViewport(375, 800))
	noSideScroll(t, ctx, name+" at 375 px")
	screenshot(t, ctx, name+"-en-phone")
	do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.CSS("#lang-fr")))
	waitText(t, ctx, "main", fr)
}

// freshTOTP returns the TOTP code of a step after last (the server refuses a step it has
// already accepted), waiting for the next step if need be.
func freshTOTP(t *testing.T, secret string, last int64) (string, int64) {
	t.Helper()
	for time.Now().Unix()/30 <= last {
		time.Sleep(250 * time.Millisecond)
	}
	now := time.Now()
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	return code, now.Unix() / 30
}

// wrongTOTP is a 6-digit code that is neither the current nor the previous one.
func wrongTOTP(t *testing.T, secret string) string {
	t.Helper()
	now := time.Now()
	for _, c := range []string{"000000", "111111", "222222"} {
		cur, _ := totp.GenerateCode(secret, now)
		prev, _ := totp.GenerateCode(secret, now.Add(-30*time.Second))
		next, _ := totp.GenerateCode(secret, now.Add(30*time.Second))
		if c != cur && c != prev && c != next {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// signInStatus answers the status of a password sign-in.
func signInStatus(t *testing.T, s *server, email, password string) int {
	t.Helper()
	body := strings.NewReader(`{"identity":` + jsString(email) + `,"password":` + jsString(password) + `}`)
	res, err := http.Post(s.URL+"/api/collections/users/auth-with-password", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
