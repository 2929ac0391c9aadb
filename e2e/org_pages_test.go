package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The owner's Settings, Reports and Audit log pages on a demo organisation of 120 members:
// a setting changed and still there after a reload (and refused with its field's message
// when out of range), the reports' charts drawn with their numbers, the change found in the
// audit log in French and in English, the chain verified, a filter, the CSV export; each
// page in both languages at 1280×800 and 375 px, and axe-clean.
func TestOrgPages(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "atlas", "--members", "120", "--seed", "9", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "owner@atlas.example", "#members-table")
	// The demo's owner may read English or French: start in French.
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))

	t.Run("settings", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS("#settings-ttl")))
		waitText(t, ctx, "h1", "Paramètres de l’organisation")
		waitText(t, ctx, "#settings-reports", "Les données à afficher dans les rapports")
		// Out of range: the field says so.
		do(t, ctx, setField("#settings-ttl", "120"), chromedp.Click(chromedp.CSS("#settings-invites-save")))
		waitText(t, ctx, "#settings-ttl-error", "de 1 à 90 jours")
		do(t, ctx, setField("#settings-ttl", "21"), chromedp.Click(chromedp.CSS("#settings-invites-save")))
		waitText(t, ctx, "#settings-invites-flash", "Modifications enregistrées.")
		// Members see the credits section too.
		if evalJS[bool](t, ctx, `document.querySelector("#settings-report-member-credits").checked`) {
			t.Fatal("members already see the credits section")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#settings-report-member-credits")), chromedp.Click(chromedp.CSS("#settings-reports-save")))
		waitText(t, ctx, "#settings-reports-flash", "Modifications enregistrées.")
		screenshot(t, ctx, "org-settings-fr")
		checkAccessibility(t, ctx, "settings (fr)")

		do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#settings-ttl")))
		waitJS(t, ctx, `document.querySelector("#settings-ttl").value === "21"`, "the invitation lifetime after a reload")
		if !evalJS[bool](t, ctx, `document.querySelector("#settings-report-member-credits").checked`) {
			t.Error("the report section shared with members is gone after a reload")
		}

		// Requiring two-factor sign-in first lists who is not ready; cancelling changes nothing.
		do(t, ctx, chromedp.Click(chromedp.CSS("#settings-mfa-required")), chromedp.Click(chromedp.CSS("#settings-security-save")),
			chromedp.WaitVisible(chromedp.CSS("#mfa-confirm")))
		waitText(t, ctx, "#mfa-confirm-count", "membres actifs ne l’ont pas encore configurée")
		viewShot(t, ctx, "org-settings-mfa-confirm-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#mfa-confirm .dialog-actions .secondary")), chromedp.WaitNotPresent(chromedp.CSS("#mfa-confirm")))
	})

	t.Run("reports", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/reports"), chromedp.WaitVisible(chromedp.CSS("#report-members")))
		waitText(t, ctx, "h1", "Rapports")
		waitJS(t, ctx, `!!document.querySelector("#usage-chart .uplot canvas")`, "the seats chart")
		for _, sel := range []string{"#usage-chart canvas", "#chart-seats-type .track", "#chart-members-role .track", "#chart-members-type .track",
			"#chart-members-status .track", "#chart-signins .track", "#chart-credits-used .track", "#chart-invitations .track"} {
			wh := evalJS[[]float64](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return [0, 0]; const r = e.getBoundingClientRect(); return [r.width, r.height] })()`)
			if wh[0] < 50 || wh[1] < 20 {
				t.Errorf("chart %s is %v×%v", sel, wh[0], wh[1])
			}
		}
		waitText(t, ctx, "#report-members-total", "12")
		waitText(t, ctx, "#chart-members-role", "Propriétaire")
		waitText(t, ctx, "#chart-signins", "Jamais connectés")
		screenshot(t, ctx, "org-reports-fr")
		checkAccessibility(t, ctx, "reports (fr)")
	})

	t.Run("audit", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#audit-list")))
		waitText(t, ctx, "h1", "Journal d’audit")
		waitText(t, ctx, "#audit-chain", "Journal vérifié\u00a0:")
		// The invitation lifetime's change: its row is marked #ttl-row.
		const mark = `(() => { const e = [...document.querySelectorAll("#audit-list li[data-action='org.settings']")].find(e => e.textContent.includes("inviteTtlDays")); if (e) e.id = "ttl-row"; return !!e })()`
		waitJS(t, ctx, mark, "the settings change in the log")
		waitText(t, ctx, "#ttl-row .sentence", "a modifié les paramètres de l’organisation")
		fr := text(t, ctx, "#ttl-row .sentence")
		// The details: before and after.
		do(t, ctx, chromedp.Click(chromedp.CSS("#ttl-row summary")))
		waitText(t, ctx, "#ttl-row details table", "inviteTtlDays")
		waitText(t, ctx, "#ttl-row details table", "21")
		// A filter narrows the list to the organisation's changes.
		all := evalJS[int](t, ctx, `document.querySelectorAll("#audit-list li").length`)
		do(t, ctx, setField("#audit-action", "org."), chromedp.Click(chromedp.CSS("#audit-apply")))
		waitJS(t, ctx, `(() => { const l = [...document.querySelectorAll("#audit-list li")]; return l.length > 0 && l.every(e => e.dataset.action.startsWith("org.")) })()`, "only org.* entries")
		if n := evalJS[int](t, ctx, `document.querySelectorAll("#audit-list li").length`); n >= all {
			t.Errorf("the filter did not narrow the list: %d then %d", all, n)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#audit-export")))
		waitText(t, ctx, "#audit-flash", "Export CSV téléchargé.")
		screenshot(t, ctx, "org-audit-fr")
		checkAccessibility(t, ctx, "audit (fr)")

		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Audit log")
		waitText(t, ctx, "#audit-chain", "Log verified:")
		waitJS(t, ctx, mark, "the settings change in English")
		waitText(t, ctx, "#ttl-row .sentence", "changed the organisation’s settings")
		en := text(t, ctx, "#ttl-row .sentence")
		t.Logf("fr: %s\nen: %s", fr, en)
		if fr == en || strings.TrimSpace(en) == "" {
			t.Errorf("the sentence did not change language: %q / %q", fr, en)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#audit-tab-outbox")))
		waitJS(t, ctx, `!!document.querySelector("#outbox-table, #outbox-empty")`, "the outbox")
		screenshot(t, ctx, "org-outbox-en")
		checkAccessibility(t, ctx, "outbox (en)")
		do(t, ctx, chromedp.Click(chromedp.CSS("#audit-tab-log")), chromedp.WaitVisible(chromedp.CSS("#audit-list")))
		screenshot(t, ctx, "org-audit-en")
	})

	t.Run("English and a phone", func(t *testing.T) {
		for _, p := range []struct{ path, wait, h1, name string }{
			{"/settings", "#settings-ttl", "Organisation settings", "settings"},
			{"/reports", "#report-members", "Reports", "reports"},
			{"/audit", "#audit-list", "Audit log", "audit"},
		} {
			do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
			waitText(t, ctx, "h1", p.h1)
			screenshot(t, ctx, "org-"+p.name+"-en")
			checkAccessibility(t, ctx, p.name+" (en)")
			do(t, ctx, chromedp.EmulateViewport(375, 800))
			noSideScroll(t, ctx, p.name+" at 375 px (en)")
			screenshot(t, ctx, "org-"+p.name+"-en-phone")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		for _, p := range []struct{ path, wait, name string }{
			{"/settings", "#settings-ttl", "settings"}, {"/reports", "#report-members", "reports"}, {"/audit", "#audit-list", "audit"},
		} {
			do(t, ctx, chromedp.Navigate(s.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
			noSideScroll(t, ctx, p.name+" at 375 px (fr)")
			screenshot(t, ctx, "org-"+p.name+"-fr-phone")
			checkAccessibility(t, ctx, p.name+" (fr, phone)")
		}
	})

	// Each signed-in page's code is a chunk fetched when first shown. One that cannot be
	// fetched (the server was updated since the tab was opened) says so and offers a
	// reload, which shows the page once the chunk is there.
	t.Run("a page whose code cannot be fetched", func(t *testing.T) {
		block := func(patterns ...string) {
			t.Helper()
			var ps []*network.BlockPattern
			for _, p := range patterns {
				ps = append(ps, &network.BlockPattern{URLPattern: p, Block: true})
			}
			if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: ps}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		block(s.URL + "/assets/Licenses-*.js")
		do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.URL+"/licenses"))
		waitText(t, ctx, "#main [role=alert]", "Impossible de charger cette page")
		screenshot(t, ctx, "page-chunk-failed-fr")
		block()
		do(t, ctx, chromedp.Click(chromedp.CSS("#main [role=alert] button")), chromedp.WaitVisible(chromedp.CSS("#main h1")))
		waitText(t, ctx, "#main h1", "Licences")
	})
}
