package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The details of issue 16: the header stays put from page to page (it followed the page's
// width and moved about 60 px between Members and Settings), a dialog starts on its first
// field (not on its close button), « Inviter des membres » is the Members page's primary
// button, and French elides "de" before a vowel in a sentence built around a name
// (« Gérer le type d’utilisateur d’Éric … »). Screenshots of these pages at 1280 × 800
// and 375 × 812, in English and French.
func TestDetailsUI(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "dt", "--members", "40", "--seed", "3", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	const ownerEmail = "owner@dt.example"
	pages := []string{"/members", "/invitations", "/settings", "/account", "/content", "/reports"}

	for _, size := range [][2]int{{1280, 800}, {375, 812}} {
		t.Run(strconv.Itoa(size[0])+"px", func(t *testing.T) {
			ctx := newBrowser(t, size[0], size[1])
			signIn(t, ctx, s, ownerEmail, "#members-table")
			for _, lang := range []string{"en", "fr"} {
				do(t, ctx, chromedp.Click(chromedp.CSS("#lang-"+lang)))
				waitJS(t, ctx, `document.documentElement.lang === `+jsString(lang), "the language switched")
				var first, firstPage string
				for _, path := range pages {
					openPage(t, ctx, s, path)
					got := headerBox(t, ctx)
					if first == "" {
						first, firstPage = got, path
					} else if got != first {
						t.Errorf("%s, %s: the header is at %s on %s but at %s on %s", lang, strconv.Itoa(size[0])+"px", first, firstPage, got, path)
					}
					if path != "/content" && path != "/reports" {
						screenshot(t, ctx, "details-"+strings.TrimPrefix(path, "/")+"-"+lang+"-"+strconv.Itoa(size[0]))
					}
				}
			}
		})
	}

	// The profile's language is saved after it is shown. An answer of /api/me that arrives in
	// between (here Settings reloads it after a save) must not put the former language back.
	t.Run("a language just chosen stays while it is being saved", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, ownerEmail, "#members-table")
		owner := apiSignIn(t, s, ownerEmail)
		stored := func() string {
			var me struct{ User struct{ Language string } }
			owner.get(t, "/api/me", &me)
			return me.User.Language
		}
		waitStored := func(lang string) {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); stored() != lang; {
				if time.Now().After(deadline) {
					t.Fatalf("the profile's language is %q, not %q", stored(), lang)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")), chromedp.Click(chromedp.CSS("#lang-en")))
		waitStored("en")
		openPage(t, ctx, s, "/settings")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#settings-name")))
		// Hold the profile's save until released.
		evalJS[bool](t, ctx, `(() => {
			window.held = [];
			const fetch = window.fetch;
			window.fetch = (input, init) => String(input).includes("/api/account/profile") && init?.method === "PATCH"
				? new Promise((resolve) => window.held.push(() => resolve(fetch(input, init))))
				: fetch(input, init);
			return true;
		})()`)
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitJS(t, ctx, `window.held.length === 1`, "the language's save held")
		do(t, ctx, setField("#settings-name", "Détails SA"), chromedp.Click(chromedp.CSS("#settings-org-save")))
		waitText(t, ctx, "header .org", "Détails SA") // /api/me reloaded, with the former language
		if lang := evalJS[string](t, ctx, `document.documentElement.lang`); lang != "fr" {
			t.Errorf("the reloaded /api/me put the page back in %q", lang)
		}
		waitText(t, ctx, "h1", "Paramètres")
		evalJS[bool](t, ctx, `(window.held.forEach((release) => release()), true)`)
		waitStored("fr")
	})

	t.Run("dialogs start on their first field", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, ownerEmail, "#members-table")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Membres")

		// « Inviter des membres » is the page's primary action; its dialog opens on the addresses.
		if class := evalJS[string](t, ctx, `document.querySelector("#invite-open").className`); !strings.Contains(" "+class+" ", " primary ") {
			t.Errorf("the invite button's class is %q, not primary", class)
		}
		if class := evalJS[string](t, ctx, `document.querySelector("#export-csv").className`); strings.Contains(class, "primary") {
			t.Errorf("the export button is primary too: %q", class)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#invite-open")), chromedp.WaitVisible(chromedp.CSS("#invite-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "invite-emails"`, "focus on the addresses field")
		lcShot(t, ctx, "details-invite-dialog-fr")
		checkAccessibility(t, ctx, "invite dialog")
		do(t, ctx, chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, `document.activeElement?.id === "invite-open"`, "focus back on the invite button")

		// A member whose name starts with a vowel: the dialog's title elides, its select has focus.
		owner := client{s: s, token: evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth")).token`)}
		members := lcMembers(t, owner, "/api/orgs/"+orgOf(t, owner))
		var vowel lcMember
		for _, m := range members {
			if m.Role == "member" && m.Status == "active" && strings.ContainsRune("AEIOUYÉÈ", []rune(m.Name + " ")[0]) && lcUniqueName(members, m.Name) {
				vowel = m
				break
			}
		}
		if vowel.ID == "" {
			t.Fatal("the demo has no active member whose name starts with a vowel")
		}
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#member-search"), vowel.Name))
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#more-"+vowel.ID)))
		lcMenu(t, ctx, vowel.ID, "Gérer le type d’utilisateur")
		waitText(t, ctx, "#action-dialog", "Gérer le type d’utilisateur d’"+vowel.Name)
		waitJS(t, ctx, `document.activeElement?.id === "user-type-select"`, "focus on the user type")
		lcShot(t, ctx, "details-user-type-dialog-fr")
	})
}

// openPage loads path and waits until its heading is shown.
func openPage(t *testing.T, ctx context.Context, s *server, path string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	waitJS(t, ctx, `document.fonts.status === "loaded" && !!document.querySelector("#main-nav [aria-current=page]")`, path+" shown")
}

// headerBox is where the header, its brand and its navigation are: "left,top,width,height"
// of each, rounded to the pixel.
func headerBox(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evalJS[string](t, ctx, `["header.top", "header.top .brand", "header.top #signout", "#main-nav ul"].map(sel => {
		const r = document.querySelector(sel).getBoundingClientRect()
		return sel + " " + [r.left, r.top, r.width, r.height].map(Math.round).join(",")
	}).join("; ")`)
}
