package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A new user's first ten minutes: start the binary, open the printed setup link,
// create the organisation, land in the app, switch to French, sign out and back in.
func TestBrowserFirstRun(t *testing.T) {
	ctx := newBrowser(t, 1280, 800)
	s := startServer(t, t.TempDir())
	if s.Setup() == "" {
		t.Fatalf("serve printed no setup link:\n%s", s.Output())
	}

	do(t, ctx, chromedp.Navigate(s.Setup()), chromedp.WaitVisible(chromedp.CSS("#orgName")))
	screenshot(t, ctx, "setup-en")
	checkAccessibility(t, ctx, "setup")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#orgName"), "Équipe Nord"),
		chromedp.SendKeys(chromedp.CSS("#givenName"), "Hélène"),
		chromedp.SendKeys(chromedp.CSS("#familyName"), "Dupré"),
		chromedp.SendKeys(chromedp.CSS("#username"), "helene"),
		chromedp.SendKeys(chromedp.CSS("#email"), "helene@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), "un mot de passe sûr"),
		chromedp.Click(chromedp.CSS("#setup-submit")),
		chromedp.WaitVisible(chromedp.CSS("nav#main-nav")),
	)
	waitText(t, ctx, "h1", "Members")
	for _, link := range []string{"/members", "/invitations", "/reports", "/audit", "/billing", "/settings", "/account"} {
		if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav#main-nav a[href="`+link+`"]`))); err != nil {
			t.Errorf("the owner's navigation lacks %s: %v", link, err)
		}
	}
	if got := text(t, ctx, "header"); !strings.Contains(got, "Équipe Nord") {
		t.Errorf("header shows %q, want the organisation name", got)
	}
	screenshot(t, ctx, "members-owner-en")
	checkAccessibility(t, ctx, "members")

	// The language switch changes every string and is remembered on the account.
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
	waitText(t, ctx, "h1", "Membres")
	waitText(t, ctx, "nav#main-nav", "Facturation")
	lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if lang != "fr" {
		t.Errorf("<html lang> is %q after switching to French", lang)
	}
	screenshot(t, ctx, "members-owner-fr")

	do(t, ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-email")))
	screenshot(t, ctx, "signin")
	checkAccessibility(t, ctx, "sign-in")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#signin-email"), "helene@example.com"),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), "wrong password"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	if got := text(t, ctx, `[role="alert"]`); !strings.Contains(got, "incorrect") {
		t.Errorf("a wrong password shows %q, want the generic French message", got)
	}
	do(t, ctx,
		chromedp.Navigate(s.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), "helene@example.com"),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), "un mot de passe sûr"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("nav#main-nav")),
	)
	// The account's language was saved: the app comes back in French.
	waitText(t, ctx, "h1", "Membres")

	// A phone-width look at the same page.
	do(t, ctx, chromedp.EmulateViewport(375, 800))
	screenshot(t, ctx, "members-owner-fr-phone")
	overflow, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if overflow {
		t.Error("the members page scrolls sideways at 375 px")
	}
}
