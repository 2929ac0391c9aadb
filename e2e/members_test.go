package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const demoPassword = "demo password 1"

// The members tab as an owner meets it on a seeded organisation of 400: search, filters,
// sort, a selection kept across pages, a bulk disable with its per-member outcome, a
// profile edit; then the directory as a plain member sees it.
func TestBrowserMembers(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "demo", "--members", "400", "--seed", "7", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	owner := apiSignIn(t, s, "owner@demo.example")
	org := orgOf(t, owner)
	total := owner.count(t, org, "")
	if total != 401 {
		t.Fatalf("the demo organisation has %d members, want 401", total)
	}

	t.Run("search, filter and sort", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@demo.example", "#members-table")
		waitText(t, ctx, "#member-count", "401 membres") // the owner's language is French

		// Accent- and case-blind search, kept in the address.
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#member-search"), "helene"))
		want := owner.count(t, org, "search=helene")
		waitJS(t, ctx, `location.search.includes("search=helene")`, "the search in the address")
		waitText(t, ctx, "#member-count", fmt.Sprintf("%d membre", want))
		names := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#members-table tbody tr")].map(r => r.innerText)`)
		if len(names) != want || want == 0 {
			t.Fatalf("search helene shows %d rows, want %d (API)", len(names), want)
		}
		for _, row := range names {
			if !strings.Contains(fold(row), "helene") {
				t.Errorf("search helene shows a row without Hélène: %q", row)
			}
		}
		// Reload keeps it; Back leaves it.
		do(t, ctx, chromedp.Reload())
		waitText(t, ctx, "#member-count", fmt.Sprintf("%d membre", want))
		if v := evalJS[string](t, ctx, `document.querySelector("#member-search").value`); v != "helene" {
			t.Errorf("after reload the search box holds %q", v)
		}
		do(t, ctx, chromedp.NavigateBack())
		waitText(t, ctx, "#member-count", "401 membres")

		// A filter narrows the list and the count.
		viewers := owner.count(t, org, "userType=viewer")
		do(t, ctx,
			chromedp.Click(chromedp.CSS("#filters-button")),
			chromedp.WaitVisible(chromedp.CSS(`input[name="filter-userType"][value="viewer"]`)),
			chromedp.Click(chromedp.CSS(`input[name="filter-userType"][value="viewer"]`)),
		)
		waitText(t, ctx, "#member-count", fmt.Sprintf("%d membres", viewers))
		waitText(t, ctx, "#filters-button", "1")
		screenshot(t, ctx, "members-filters-fr")
		do(t, ctx, chromedp.KeyEvent(kb.Escape))
		types := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#members-table tbody tr td[data-col=userType]")].map(c => c.innerText.trim())`)
		for _, ty := range types {
			if ty != "Lecteur" {
				t.Fatalf("the viewer filter shows a %q", ty)
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#clear-filters")))
		waitText(t, ctx, "#member-count", "401 membres")

		// Sort by last sign-in: newest first, then oldest first with "never" on top.
		do(t, ctx, chromedp.Click(chromedp.CSS("#sort-lastLogin")))
		waitJS(t, ctx, `document.querySelector("#sort-lastLogin").closest("th").getAttribute("aria-sort") === "descending"`, "aria-sort descending")
		waitJS(t, ctx, `location.search.includes("sort=-lastLogin")`, "the sort in the address")
		waitJS(t, ctx, `!document.querySelector(".table-wrap[aria-busy=true]")`, "the sorted page")
		dates := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#members-table tbody tr td[data-col=lastLogin]")].map(c => c.querySelector("time")?.getAttribute("datetime") ?? "")`)
		for i := 1; i < len(dates); i++ {
			if dates[i] != "" && dates[i] > dates[i-1] {
				t.Fatalf("last sign-in not descending at row %d: %s after %s", i, dates[i], dates[i-1])
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#sort-lastLogin")))
		waitJS(t, ctx, `document.querySelector("#sort-lastLogin").closest("th").getAttribute("aria-sort") === "ascending"`, "aria-sort ascending")
		waitText(t, ctx, "#members-table tbody tr:first-child td[data-col=lastLogin]", "Jamais")

		// The keyboard alone: a sort header, then a row's menu, opened and closed.
		do(t, ctx, chromedp.Focus(chromedp.CSS("#sort-name")), chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, `document.querySelector("#sort-name").closest("th").getAttribute("aria-sort") === "ascending" && location.search === "" && !document.querySelector(".table-wrap[aria-busy=true]")`, "sorted by name from the keyboard")
		// (ArrowDown, not Enter: chromedp's Enter also sends a keypress, a second click that
		// closes the menu again, which a real keyboard does not.)
		do(t, ctx,
			chromedp.Focus(chromedp.CSS("#members-table tbody tr:first-child [id^=more-]")),
			chromedp.KeyEvent(kb.ArrowDown),
			chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)),
		)
		waitJS(t, ctx, `document.activeElement?.getAttribute("role") === "menuitem" || document.activeElement?.getAttribute("role") === "menu"`, "focus in the menu")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS(`[role="menu"]`)))
		waitJS(t, ctx, `document.activeElement?.id?.startsWith("more-")`, "focus back on the menu button")
	})

	t.Run("selection across pages and bulk disable", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@demo.example", "#members-table")
		disabledBefore := owner.count(t, org, "status=disabled")

		// Active members who have signed in, from the end of the alphabet, 50 a page. First
		// the owner, found by a search: the selection outlives searching and paging.
		do(t, ctx, chromedp.Navigate(s.URL+"/members?status=active&lastLoginAfter=2000-01-01&sort=-name"))
		waitText(t, ctx, "#member-count", "membres")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#member-search"), "owner@demo.example"))
		waitText(t, ctx, "#member-count", "1 membre")
		do(t, ctx, chromedp.Click(chromedp.CSS("#members-table tbody .row-pick")))
		waitText(t, ctx, "#selection-button", "1 membre sélectionné")
		do(t, ctx, setField("#member-search", ""))
		waitJS(t, ctx, `!location.search.includes("search=") && !document.querySelector(".table-wrap[aria-busy=true]")`, "the list without the search")
		for page := 1; page <= 3; page++ {
			if page > 1 {
				do(t, ctx, chromedp.Click(chromedp.CSS("#page-next")))
				waitJS(t, ctx, fmt.Sprintf(`location.search.includes("page=%d") && !document.querySelector(".table-wrap[aria-busy=true]")`, page), "the next page")
			}
			do(t, ctx, chromedp.Click(chromedp.CSS("#select-page")))
			waitText(t, ctx, "#selection-button", fmt.Sprintf("%d membres sélectionnés", 50*page+1))
		}
		// The bulk action refuses more than 100, and says so.
		waitText(t, ctx, "#bulk-limit", "désélectionnez-en 51")
		if !evalJS[bool](t, ctx, `document.querySelector("#bulk-disable").disabled`) {
			t.Error("Désactiver is enabled with 151 members selected")
		}
		screenshot(t, ctx, "members-selection-fr")

		// Review the selection and remove the last 51 there.
		do(t, ctx, chromedp.Click(chromedp.CSS("#selection-button")), chromedp.WaitVisible(chromedp.CSS("#selection-list")))
		if n := evalJS[int](t, ctx, `document.querySelectorAll("#selection-list li").length`); n != 151 {
			t.Fatalf("the selection review lists %d members, want 151", n)
		}
		waitText(t, ctx, "#selection-list li:first-child", "owner@demo.example")
		screenshot(t, ctx, "members-selection-review-fr")
		checkAccessibility(t, ctx, "selection review")
		for i := 0; i < 3; i++ {
			do(t, ctx, chromedp.Click(chromedp.CSS("#selection-list li:last-child button")))
		}
		// Focus stays in the list, on the next member to review.
		waitJS(t, ctx, `document.activeElement?.closest("#selection-list li") === document.querySelector("#selection-list li:last-child")`, "focus on the next remove button")
		// The other 48 the same way, quicker: one click per rendered list.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`(async () => {
			for (let i = 0; i < 48; i++) {
				document.querySelector("#selection-list li:last-child button").click();
				await new Promise((r) => requestAnimationFrame(r));
			}
		})()`, func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) })); err != nil {
			t.Fatal(err)
		}
		waitText(t, ctx, "#selection-button", "100 membres sélectionnés")
		do(t, ctx, chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, `!document.querySelector("#bulk-limit") && !document.querySelector("#bulk-disable").disabled`, "the bulk bar enabled at 100")

		// Disable: confirm; the owner cannot be disabled, so nothing changes and the dialog
		// says why; apply to the 99 others; then the outcome member by member.
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-disable")), chromedp.WaitVisible(chromedp.CSS("#bulk-confirm")))
		waitText(t, ctx, "#bulk-dialog", "Les 100 membres sélectionnés")
		checkAccessibility(t, ctx, "bulk confirmation")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-confirm")), chromedp.WaitVisible(chromedp.CSS("#bulk-apply-eligible")))
		waitText(t, ctx, "#bulk-results", "Agnès Brunet")
		waitText(t, ctx, "#bulk-results", "votre propre compte")
		waitText(t, ctx, "#bulk-apply-eligible", "Appliquer aux 99 membres éligibles")
		if got := owner.count(t, org, "status=disabled"); got != disabledBefore {
			t.Errorf("an ineligible bulk changed %d members", got-disabledBefore)
		}
		screenshot(t, ctx, "members-bulk-ineligible-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-apply-eligible")), chromedp.WaitVisible(chromedp.CSS("#bulk-summary")))
		waitText(t, ctx, "#bulk-summary", "99 membres modifiés. 1 membre non modifié.")
		if ok, rows := evalJS[int](t, ctx, `document.querySelectorAll("#bulk-results li.ok").length`), evalJS[int](t, ctx, `document.querySelectorAll("#bulk-results li").length`); ok != 99 || rows != 100 {
			t.Fatalf("the outcome lists %d members, %d disabled; want 100 and 99", rows, ok)
		}
		screenshot(t, ctx, "members-bulk-results-fr")
		checkAccessibility(t, ctx, "bulk results")
		do(t, ctx, chromedp.Click(chromedp.CSS("#bulk-close")))

		// The server agrees; the members that changed left the selection, the owner stays.
		if got := owner.count(t, org, "status=disabled"); got != disabledBefore+99 {
			t.Errorf("disabled members: %d before, %d after, want +99", disabledBefore, got)
		}
		waitText(t, ctx, "#selection-button", "1 membre sélectionné")

		// The same through the UI's own filter, with the owner's token from the browser.
		token := evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth")).token`)
		browserClient := client{s: s, token: token}
		do(t, ctx, chromedp.Navigate(s.URL+"/members?status=disabled"))
		waitText(t, ctx, "#member-count", fmt.Sprintf("%d membres", browserClient.count(t, org, "status=disabled")))
	})

	t.Run("profile", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@demo.example", "#members-table")

		// Plus d'options → Afficher le profil, on an active member who signed in.
		do(t, ctx, chromedp.Navigate(s.URL+"/members?status=active&role=member&lastLoginAfter=2000-01-01&sort=-name"))
		waitText(t, ctx, "#member-count", "membres")
		name := text(t, ctx, "#members-table tbody tr:first-child th a")
		label := evalJS[string](t, ctx, `document.querySelector("#members-table tbody tr:first-child [id^=more-]").getAttribute("aria-label")`)
		if label != "Plus d’options pour "+name {
			t.Errorf("the row menu is named %q", label)
		}
		do(t, ctx,
			chromedp.Click(chromedp.CSS("#members-table tbody tr:first-child [id^=more-]")),
			chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)),
		)
		items := evalJS[[]string](t, ctx, `[...document.querySelectorAll('[role="menuitem"]')].map(i => i.innerText.trim())`)
		for _, want := range []string{"Afficher le profil", "Mettre à jour le profil", "Gérer le type d’utilisateur", "Désactiver le membre"} {
			if !contains(items, want) {
				t.Errorf("the row menu lacks %q: %q", want, items)
			}
		}
		if contains(items, "Activer le membre") {
			t.Errorf("an active member's menu offers Activer le membre: %q", items)
		}
		screenshot(t, ctx, "members-row-menu-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS(`[role="menuitem"]:first-child`)))
		waitText(t, ctx, "h1", name)
		id := strings.TrimPrefix(evalJS[string](t, ctx, `location.pathname`), "/members/")
		screenshot(t, ctx, "member-profile-fr")
		checkAccessibility(t, ctx, "profile")

		// Every action of the menu, each through its dialog.
		menu := func(item string) {
			t.Helper()
			do(t, ctx, chromedp.Click(chromedp.CSS("#more-"+id)), chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)))
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="menuitem"]')].find(i => i.innerText.trim() === `+jsString(item)+`).click()`),
				chromedp.WaitVisible(chromedp.CSS("#action-dialog")))
		}
		confirm := func() {
			t.Helper()
			do(t, ctx, chromedp.Click(chromedp.CSS("#action-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#action-dialog")))
			waitJS(t, ctx, `document.activeElement?.id === "more-`+id+`"`, "focus back on Plus d’options")
		}
		menu("Gérer le type d’utilisateur")
		do(t, ctx, setField("#user-type-select", "professional"))
		confirm()
		waitText(t, ctx, ".head .sub", "Professionnel")

		menu("Gérer les crédits")
		// The dialog says how much of the pool is taken; an allocation past what is left is
		// refused there, with the numbers, and the dialog stays open.
		var pool struct{ Pool, PoolAllocated, PoolLeft float64 }
		owner.get(t, "/api/orgs/"+org+"/credits?limit=1", &pool)
		fr := func(v float64) string { return groupThousands(int(v), "\u202f") }
		waitText(t, ctx, "#credits-pool", fr(pool.PoolAllocated)+" crédits alloués sur "+fr(pool.Pool)+" (reste "+fr(pool.PoolLeft)+")")
		tooMuch := pool.Pool + 1
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="credits-kind"][value="false"]`)), chromedp.WaitVisible(chromedp.CSS("#credits-amount")),
			setField("#credits-amount", fmt.Sprint(int(tooMuch))), chromedp.Click(chromedp.CSS("#action-confirm")))
		waitText(t, ctx, "#action-error", "La réserve ne suffit pas\u00a0: "+fr(pool.PoolAllocated)+" de ses "+fr(pool.Pool)+" crédits sont déjà alloués")
		waitText(t, ctx, "#action-error", "("+fr(tooMuch)+" demandés)")
		screenshot(t, ctx, "member-credits-pool-refused-fr")
		do(t, ctx, setField("#credits-amount", "300"))
		confirm()
		waitText(t, ctx, "#credits-value", "sur 300")

		menu("Activer l’accès partenaire")
		waitText(t, ctx, "#action-dialog", "communiqués au fournisseur")
		confirm()
		waitText(t, ctx, "#partner-access-value", "Activé")
		menu("Désactiver le membre")
		waitText(t, ctx, "#action-dialog", "ne pourra plus se connecter")
		screenshot(t, ctx, "member-disable-confirm-fr")
		checkAccessibility(t, ctx, "disable confirmation")
		confirm()
		waitText(t, ctx, ".head .sub", "Désactivé")
		menu("Activer le membre")
		confirm()
		waitText(t, ctx, ".head .sub", "Actif")

		// A downgrade the server refuses: the dialog stays open and says why, in French.
		var list struct {
			Items []struct {
				ID, Status, UserType string
				ItemsOwned           int
			}
		}
		owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&perPage=200", &list)
		refused := false
		for _, m := range list.Items {
			if m.ItemsOwned > 0 && (m.UserType == "creator" || m.UserType == "professional") {
				refused = true
				do(t, ctx, chromedp.Navigate(s.URL+"/members/"+m.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+m.ID)))
				do(t, ctx, chromedp.Click(chromedp.CSS("#more-"+m.ID)), chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)),
					chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="menuitem"]')].find(i => i.innerText.includes("type d’utilisateur")).click()`),
					chromedp.WaitVisible(chromedp.CSS("#user-type-select")),
					setField("#user-type-select", "viewer"),
				)
				waitText(t, ctx, "#action-dialog", "moins de fonctionnalités")
				do(t, ctx, chromedp.Click(chromedp.CSS("#action-confirm")))
				waitText(t, ctx, `#action-dialog [role="alert"]`, "possède 1 élément")
				screenshot(t, ctx, "member-downgrade-refused-fr")
				do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#action-dialog")))
				break
			}
		}
		if !refused {
			t.Error("the demo has no active member owning items, to try a refused downgrade")
		}
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+id), chromedp.WaitVisible(chromedp.CSS("#edit-profile")))

		// Mettre à jour le profil: description, units, email; saved and shown.
		do(t, ctx, chromedp.Click(chromedp.CSS("#edit-profile")), chromedp.WaitVisible(chromedp.CSS("#profile-form")))
		screenshot(t, ctx, "member-edit-fr")
		checkAccessibility(t, ctx, "profile form")
		newEmail := "renamed." + id + "@demo.example"
		do(t, ctx,
			chromedp.SetUploadFiles(chromedp.CSS("#profile-avatar"), []string{writePNG(t)}),
			chromedp.WaitVisible(chromedp.CSS(`#profile-form img[src^="blob:"]`)), // the preview
			setField("#profile-description", ""),
			chromedp.SendKeys(chromedp.CSS("#profile-description"), "Cartographe, équipe Nord"),
			setField("#profile-units", "imperial"),
			setField("#profile-email", newEmail),
			chromedp.Click(chromedp.CSS("#profile-save")),
		)
		waitText(t, ctx, "main", "Profil mis à jour.")
		waitText(t, ctx, "main", "Cartographe, équipe Nord")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`.head img[src*="/api/files/"]`)))
		var m struct {
			Description, Units, Email, UserType, Avatar string
		}
		owner.get(t, "/api/orgs/"+org+"/members/"+id, &m)
		if m.Description != "Cartographe, équipe Nord" || m.Units != "imperial" || m.Email != newEmail || m.UserType != "professional" || m.Avatar == "" {
			t.Errorf("after the edit the server has %+v", m)
		}

		// A bad email comes back as a field error.
		do(t, ctx,
			chromedp.Click(chromedp.CSS("#edit-profile")),
			chromedp.WaitVisible(chromedp.CSS("#profile-email")),
			setField("#profile-email", "owner@demo.example"),
			chromedp.Click(chromedp.CSS("#profile-save")),
		)
		waitJS(t, ctx, `document.querySelector("#profile-email")?.getAttribute("aria-invalid") === "true"`, "the email field marked invalid")
		waitText(t, ctx, "#profile-form", "déjà utilisée")
		screenshot(t, ctx, "member-edit-error-fr")
	})

	t.Run("screenshots", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, "owner@demo.example", "#members-table")
		waitText(t, ctx, "#member-count", "membres")
		screenshot(t, ctx, "members-fr")
		checkAccessibility(t, ctx, "members")
		noSideScroll(t, ctx, "members at 1280 px")

		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Members")
		waitText(t, ctx, "#member-count", "401 members")
		screenshot(t, ctx, "members-en")
		checkAccessibility(t, ctx, "members (en)")

		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "members at 375 px")
		screenshot(t, ctx, "members-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Membres")
		screenshot(t, ctx, "members-fr-phone")

		do(t, ctx, chromedp.Click(chromedp.CSS("#members-table tbody tr:nth-child(2) th a")))
		waitText(t, ctx, "main", "Dernière connexion")
		noSideScroll(t, ctx, "profile at 375 px")
		screenshot(t, ctx, "member-profile-fr-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "main", "Last sign-in")
		screenshot(t, ctx, "member-profile-en-phone")
		do(t, ctx, chromedp.EmulateViewport(1280, 800))
		screenshot(t, ctx, "member-profile-en")
		checkAccessibility(t, ctx, "profile (en)")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr"))) // leave the owner in French
		waitText(t, ctx, "main", "Dernière connexion")
	})

	t.Run("directory for a member", func(t *testing.T) {
		var page struct {
			Items []struct{ Email, Name string }
		}
		owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&lastLoginAfter=2000-01-01&sort=-name&perPage=1", &page)
		if len(page.Items) == 0 {
			t.Fatal("no active member to sign in as")
		}
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, page.Items[0].Email, "#directory")
		body := evalJS[string](t, ctx, `document.querySelector("main").innerText`)
		for _, secret := range []string{"@demo.example", "Dernière connexion", "Crédits", "Statut", "Last sign-in"} {
			if strings.Contains(body, secret) {
				t.Errorf("the directory shows %q:\n%s", secret, body)
			}
		}
		if evalJS[bool](t, ctx, `!!document.querySelector("#members-table, #filters-button, #select-page")`) {
			t.Error("a member sees the administrators' table")
		}
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#member-search"), "helene"))
		waitJS(t, ctx, `location.search.includes("search=helene")`, "the directory search in the address")
		waitJS(t, ctx, `[...document.querySelectorAll("#directory li")].length > 0 && [...document.querySelectorAll("#directory li")].every(li => li.innerText.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().includes("helene"))`, "only Hélène in the directory")
		screenshot(t, ctx, "directory-fr")
		checkAccessibility(t, ctx, "directory")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "directory at 375 px")
		screenshot(t, ctx, "directory-fr-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#directory li:first-child a")))
		waitJS(t, ctx, `location.pathname.startsWith("/members/") && !!document.querySelector("main h1")`, "a directory profile")
		body = evalJS[string](t, ctx, `document.querySelector("main").innerText`)
		if strings.Contains(body, "@demo.example") || strings.Contains(body, "Dernière connexion") {
			t.Errorf("a directory profile shows private fields:\n%s", body)
		}
	})
}

// signIn signs in through the page and waits for sel.
func signIn(t *testing.T, ctx context.Context, s *server, email, sel string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(s.URL+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	)
}

// writePNG writes a small picture to upload as an avatar.
func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for x := 0; x < 64; x++ {
		for y := 0; y < 64; y++ {
			img.Set(x, y, color.RGBA{R: uint8(40 + x), G: 91, B: uint8(211 - y), A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "avatar.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// setField sets a form control's value as typing or choosing would (input and change events).
func setField(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
		const e = document.querySelector(` + jsString(sel) + `);
		e.value = ` + jsString(value) + `;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true}));
	})()`)
}

// waitJS waits until the expression is true.
func waitJS(t *testing.T, ctx context.Context, expr, what string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		t.Fatalf("waiting for %s: %v\npage:\n%s", what, err, got)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// noSideScroll fails when the page is wider than the window once layout has
// settled: charts resize on a ResizeObserver, one frame after the viewport
// changes, so it gives the page a second before it names the widest element.
func noSideScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	const fits = `document.documentElement.scrollWidth <= window.innerWidth + 1`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fits, chromedp.WithPollingTimeout(time.Second))); err == nil {
		return
	}
	widest := evalJS[string](t, ctx, `(() => { let w = null; for (const e of document.querySelectorAll("body *")) { const r = e.getBoundingClientRect(); if (r.right > window.innerWidth + 1 && (!w || r.right > w.r)) w = { r: r.right, e } } return w ? w.e.tagName + "#" + w.e.id + "." + w.e.className + " ends at " + Math.round(w.r) + " px" : "nothing" })()`)
	t.Errorf("%s: the page scrolls sideways (%s)", what, widest)
}

// fold lower-cases and strips French accents, as the server's search does.
func fold(s string) string {
	return strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "É", "e", "È", "e").Replace(strings.ToLower(s))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// client calls the API with a user's token.
type client struct {
	s     *server
	token string
}

func apiSignIn(t *testing.T, s *server, email string) client {
	t.Helper()
	return apiSignInWith(t, s, email, demoPassword)
}

func apiSignInWith(t *testing.T, s *server, email, password string) client {
	t.Helper()
	body := strings.NewReader(fmt.Sprintf(`{"identity":%q,"password":%q}`, email, password))
	res, err := http.Post(s.URL+"/api/collections/users/auth-with-password", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var auth struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&auth); err != nil || res.StatusCode != 200 || auth.Token == "" {
		t.Fatalf("signing in %s: status %d, %v", email, res.StatusCode, err)
	}
	return client{s: s, token: auth.Token}
}

func (c client) get(t *testing.T, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.s.URL+path, nil)
	req.Header.Set("Authorization", c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// count is the number of members the list answers for the query.
func (c client) count(t *testing.T, org, query string) int {
	t.Helper()
	q, _ := url.ParseQuery(query)
	q.Set("perPage", "1")
	var page struct{ TotalItems int }
	c.get(t, "/api/orgs/"+org+"/members?"+q.Encode(), &page)
	return page.TotalItems
}
