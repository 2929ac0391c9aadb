package e2e

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// The bulk actions beyond disable: every member matching a search selected at once (up to
// 100, and a sentence beyond), their sessions ended, then two of them removed with their
// content deleted, each step checked against the API.
func TestBrowserBulkActions(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "demo", "--members", "400", "--seed", "11", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	owner := apiSignIn(t, s, "owner@demo.example")
	org := orgOf(t, owner)

	// A query that matches more members than a page of 25 shows, and at most 100.
	query := ""
	for _, q := range []string{"userType=viewer", "userType=contributor", "role=admin", "userType=professional", "userType=creator"} {
		if n := owner.count(t, org, q+"&status=active"); n > 25 && n <= 100 {
			query = q + "&status=active"
			break
		}
	}
	if query == "" {
		t.Fatal("no query of the demo organisation matches 26 to 100 members")
	}
	matching := owner.count(t, org, query)
	values, _ := url.ParseQuery(query)
	values.Set("perPage", "25")

	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "owner@demo.example", "#members-table")

	t.Run("beyond 100 matching members, a sentence says why not", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/members?perPage=25"))
		waitJS(t, ctx, `document.querySelectorAll("#members-table tbody tr").length === 25`, "a page of 25")
		waitText(t, ctx, "#seat-usage", "401 membres") // the page says the seats it uses
		do(t, ctx, chromedp.Click(chromedp.CSS("#select-page")))
		waitText(t, ctx, "#select-all-limit", "401 membres correspondent")
		do(t, ctx, chromedp.Click(chromedp.CSS("#select-page"))) // and unselect the page
		waitJS(t, ctx, `!document.querySelector("#selection-button")`, "an empty selection")
	})

	t.Run("select every matching member, then end their sessions", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/members?"+values.Encode()))
		waitText(t, ctx, "#member-count", fmt.Sprintf("%d membres", matching))
		do(t, ctx, chromedp.Click(chromedp.CSS("#select-page")))
		waitText(t, ctx, "#select-all-matching", fmt.Sprintf("Sélectionner les %d membres correspondants", matching))
		do(t, ctx, chromedp.Click(chromedp.CSS("#select-all-matching")))
		waitText(t, ctx, "#selection-button", fmt.Sprintf("%d membres sélectionnés", matching))
		screenshot(t, ctx, "members-select-all-matching-fr")

		// A change of user types shows its cost before it is made: the seats, then the amount.
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-user-type")), chromedp.WaitVisible(chromedp.CSS("#bulk-user-type-select")),
			setField("#bulk-user-type-select", "professional"))
		waitText(t, ctx, "#cost-preview", "Places Professionnel")
		waitText(t, ctx, "#cost-preview", "Nouveau montant mensuel")
		screenshot(t, ctx, "members-bulk-user-type-cost-fr")
		checkAccessibility(t, ctx, "bulk user type with its cost")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-dialog .button.secondary")), chromedp.WaitNotPresent(chromedp.CSS("#bulk-dialog")))

		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-end-sessions")), chromedp.WaitVisible(chromedp.CSS("#bulk-confirm")))
		waitText(t, ctx, "#bulk-dialog", fmt.Sprintf("Les %d membres sélectionnés seront déconnectés partout", matching))
		checkAccessibility(t, ctx, "bulk end sessions")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-skip")), chromedp.Click(chromedp.CSS("#bulk-confirm")), chromedp.WaitVisible(chromedp.CSS("#bulk-summary")))
		var audit struct{ Items []struct{ Action string } }
		owner.get(t, "/api/orgs/"+org+"/audit?action=members.endSessions&perPage=100", &audit)
		ended := len(audit.Items)
		waitText(t, ctx, "#bulk-summary", fmt.Sprintf("%d membre", ended))
		if ended == 0 || ended > matching {
			t.Fatalf("%d sessions ended for %d members selected", ended, matching)
		}
		screenshot(t, ctx, "members-bulk-end-sessions-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-close")))
	})

	t.Run("remove two members, deleting their content", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(s.URL+"/members?"+values.Encode()))
		waitJS(t, ctx, `document.querySelectorAll("#members-table tbody .row-pick").length >= 2`, "the rows")
		if evalJS[bool](t, ctx, `!!document.querySelector("#selection-button")`) { // those the last step could not change
			do(t, ctx, chromedp.Click(chromedp.CSS("#selection-button")), chromedp.WaitVisible(chromedp.CSS("#selection-clear")),
				chromedp.Click(chromedp.CSS("#selection-clear")))
			waitJS(t, ctx, `!document.querySelector("#selection-button")`, "an empty selection")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#members-table tbody tr:nth-child(1) .row-pick")),
			chromedp.Click(chromedp.CSS("#members-table tbody tr:nth-child(2) .row-pick")))
		waitText(t, ctx, "#selection-button", "2 membres sélectionnés")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-remove")), chromedp.WaitVisible(chromedp.CSS("#bulk-content-delete")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-revoke-licenses")))
		screenshot(t, ctx, "members-bulk-remove-fr")
		checkAccessibility(t, ctx, "bulk remove")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-confirm")), chromedp.WaitVisible(chromedp.CSS("#bulk-summary")))
		waitText(t, ctx, "#bulk-summary", "2 membres modifiés")
		if n := owner.count(t, org, ""); n != 399 {
			t.Fatalf("%d members after removing two of 401", n)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-close")))
		waitText(t, ctx, "#seat-usage", "399 membres") // read again after the change
	})
}
