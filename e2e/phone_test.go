package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The admin pages on a phone (375 × 812) and at 1280 × 800, in English and French: no page
// scrolls sideways; tables are stacked cards whose row actions (an invitation's Resend and
// Revoke) are on screen and clickable; the Members filters panel shows both its date fields;
// My account's two-factor button stays inside its card; active filters are removable chips
// with "Clear all" (Members and the audit log); the audit log's actions read as sentences and
// its actor is chosen by name; report bars carry their values as text.
func TestPhone(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "ph", "--members", "40", "--seed", "3", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	const ownerEmail = "owner@ph.example"
	owner := apiSignIn(t, s, ownerEmail)
	org := orgOf(t, owner)
	must(t, "an invitation", owner.send(t, "POST", "/api/orgs/"+org+"/invitations",
		map[string]any{"emails": []string{"zoe.phone@ph.example"}}, nil), 200)
	// Two-factor offered, so that My account shows its button.
	must(t, "turning on two-factor", owner.send(t, "PATCH", "/api/orgs/"+org+"/settings", map[string]any{"mfaEnabled": true}, nil), 200)
	// The newest audit row: a member disabled, by the owner.
	var page struct {
		Items []struct {
			ID, Name, Role, Status string
		}
	}
	owner.get(t, "/api/orgs/"+org+"/members?perPage=100&status=active&role=member", &page)
	if len(page.Items) < 2 {
		t.Fatalf("the demo has %d active members", len(page.Items))
	}
	disabled := page.Items[0]
	must(t, "disabling "+disabled.Name, owner.send(t, "POST", "/api/orgs/"+org+"/members/"+disabled.ID+"/disable", map[string]any{}, nil), 200)

	phone := func(t *testing.T) context.Context {
		ctx := newBrowser(t, 375, 812)
		signIn(t, ctx, s, ownerEmail, "#members-table")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Members")
		return ctx
	}

	t.Run("members: cards, the filters panel, chips", func(t *testing.T) {
		ctx := phone(t)
		do(t, ctx, chromedp.Navigate(s.URL+"/members?perPage=25"), chromedp.WaitVisible(chromedp.CSS("#members-table tbody tr")))
		noSideScroll(t, ctx, "members")
		// Each row is a card: labelled values, and its menu on screen.
		if got := evalJS[string](t, ctx, `document.querySelector('#members-table tbody td[data-col="email"]')?.dataset.label ?? ""`); got != "Email address" {
			t.Errorf("the email cell is labelled %q, want Email address", got)
		}
		phoneClickable(t, ctx, `#members-table tbody tr:first-child [id^="more-"]`)
		checkAccessibility(t, ctx, "members as cards")

		do(t, ctx, chromedp.Click(chromedp.CSS("#filters-button")), chromedp.WaitVisible(chromedp.CSS("#filter-before")))
		for _, sel := range []string{"#filter-after", "#filter-before"} {
			phoneInView(t, ctx, sel)
			phoneInside(t, ctx, sel, ".popover.filters")
		}
		noSideScroll(t, ctx, "members with the filters panel open")
		lcShot(t, ctx, "phone-members-filters-en")
		// Each filter changes the address and reloads the list: wait for its chip before the next.
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="filter-role"][value="member"]`)))
		waitText(t, ctx, `#member-chips [data-chip="role"]`, "Role: Member")
		waitJS(t, ctx, `location.search.includes("role=member") && !document.querySelector('[aria-busy="true"]')`, "the list filtered by role")
		evalJS[bool](t, ctx, `(document.querySelector('input[name="filter-status"][value="active"]').scrollIntoView({block: "center"}), true)`)
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="filter-status"][value="active"]`)))
		waitText(t, ctx, `#member-chips [data-chip="status"]`, "Status: Active")
		do(t, ctx, chromedp.KeyEvent("\x1b"))
		waitText(t, ctx, `#member-chips [data-chip="role"]`, "Role: Member")
		noSideScroll(t, ctx, "members with chips")
		checkAccessibility(t, ctx, "members with chips")
		lcShot(t, ctx, "phone-members-chips-en")
		// One chip removed: that filter alone goes.
		do(t, ctx, chromedp.Click(chromedp.CSS(`#member-chips [data-chip="role"] button`)))
		waitJS(t, ctx, `!document.querySelector('#member-chips [data-chip="role"]') && !location.search.includes("role=") && location.search.includes("status=active")`, "the role chip removed")
		// Clear all: none left, and the address holds no filter.
		do(t, ctx, chromedp.Navigate(s.URL+"/members?role=member&status=active&search=a"))
		waitText(t, ctx, `#member-chips [data-chip="role"]`, "Role: Member")
		waitText(t, ctx, `#member-chips [data-chip="search"]`, "Search: a")
		do(t, ctx, chromedp.Click(chromedp.CSS("#clear-filters")))
		waitJS(t, ctx, `!document.querySelector("#member-chips") && !location.search.includes("role=") && !location.search.includes("status=")`, "every chip cleared")
	})

	t.Run("invitations: the first row's actions on screen", func(t *testing.T) {
		ctx := phone(t)
		do(t, ctx, chromedp.Navigate(s.URL+"/invitations"), chromedp.WaitVisible(chromedp.CSS("#invitations-table tbody tr")))
		noSideScroll(t, ctx, "invitations")
		phoneClickable(t, ctx, `#invitations-table tbody tr:first-child [id^="resend-"]`)
		phoneClickable(t, ctx, `#invitations-table tbody tr:first-child [id^="revoke-"]`)
		checkAccessibility(t, ctx, "invitations as cards")
		// Clicking Revoke opens its confirmation, which fits too.
		do(t, ctx, chromedp.Click(chromedp.CSS(`#invitations-table tbody tr:first-child [id^="revoke-"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[role="dialog"], [role="alertdialog"]`)))
		noSideScroll(t, ctx, "the revoke confirmation")
		lcShot(t, ctx, "phone-invitations-revoke-en")
		do(t, ctx, chromedp.KeyEvent("\x1b"))
	})

	t.Run("audit: sentences, the actor by name, chips", func(t *testing.T) {
		ctx := phone(t)
		do(t, ctx, chromedp.Navigate(s.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS(`#audit-list li[data-action="members.disable"]`)))
		noSideScroll(t, ctx, "audit")
		row := `#audit-list li[data-action="members.disable"]`
		waitText(t, ctx, row+" .kind", "Disabled a member")
		if got := evalJS[string](t, ctx, `document.querySelector(`+jsString(row)+`).innerText`); strings.Contains(got, "members.disable") {
			t.Errorf("the entry shows its action's code:\n%s", got)
		}
		if got := evalJS[string](t, ctx, `document.querySelector('#audit-action option[value="members.changeRole"]')?.textContent ?? ""`); got != "Changed a member’s role" {
			t.Errorf("the action filter offers the role change as %q", got)
		}
		// The actor, chosen by name in the search-as-you-type list.
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#audit-actor"), "Owner"))
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#audit-actor-options [role="option"]`)))
		phoneInView(t, ctx, `#audit-actor-options [role="option"]`)
		checkAccessibility(t, ctx, "audit with the actor's list open")
		ownerID := evalJS[string](t, ctx, `document.querySelector('#audit-actor-options [role="option"]').dataset.id`)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#audit-actor-options [role="option"]`)),
			setField("#audit-action", "members.disable"), chromedp.Click(chromedp.CSS("#audit-apply")))
		waitText(t, ctx, `#audit-chips [data-chip="actor"]`, "Actor: ")
		waitText(t, ctx, `#audit-chips [data-chip="action"]`, "Action: Disabled a member")
		waitJS(t, ctx, `[...document.querySelectorAll("#audit-list li")].length > 0 && [...document.querySelectorAll("#audit-list li")].every(e => e.dataset.action === "members.disable")`, "only the disables listed")
		if ownerID == "" {
			t.Fatal("the picked owner has no id")
		}
		noSideScroll(t, ctx, "audit with chips")
		lcShot(t, ctx, "phone-audit-chips-en")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#audit-chips [data-chip="action"] button`)))
		waitJS(t, ctx, `!document.querySelector('#audit-chips [data-chip="action"]') && document.querySelector("#audit-action").value === ""`, "the action chip removed")
		do(t, ctx, chromedp.Click(chromedp.CSS("#audit-clear")))
		waitJS(t, ctx, `!document.querySelector("#audit-chips") && document.querySelector("#audit-actor").value === ""`, "every audit chip cleared")
		// The mails sent, on the kit's table too.
		do(t, ctx, chromedp.Click(chromedp.CSS("#audit-tab-outbox")))
		waitJS(t, ctx, `!!document.querySelector("#outbox-table tbody tr")`, "the outbox")
		noSideScroll(t, ctx, "the outbox")
		lcShot(t, ctx, "phone-audit-outbox-en")
	})

	t.Run("account: the two-factor button inside its card, the language switch not audited", func(t *testing.T) {
		ctx := phone(t)
		profileRows := func() int {
			var audit struct{ Items []struct{ Seq int } }
			owner.get(t, "/api/orgs/"+org+"/audit?action=members.updateProfile", &audit)
			return len(audit.Items)
		}
		before := profileRows()
		for _, lang := range []string{"en", "fr"} {
			do(t, ctx, chromedp.Navigate(s.URL+"/account"))
			waitJS(t, ctx, `!!document.querySelector("#totp-start")`, "the two-factor button")
			do(t, ctx, chromedp.Click(chromedp.CSS("#lang-"+lang)))
			noSideScroll(t, ctx, "account ("+lang+")")
			phoneInside(t, ctx, "#totp-start", "section")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		// The choice is saved in the background: wait until the server has it.
		saved := false
		for deadline := time.Now().Add(10 * time.Second); !saved && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			var me struct{ User struct{ Language string } }
			owner.get(t, "/api/me", &me)
			saved = me.User.Language == "en"
		}
		if !saved {
			t.Fatal("the language switch did not save the choice")
		}
		if n := profileRows() - before; n != 0 {
			t.Errorf("switching the language wrote %d audit rows", n)
		}
	})

	t.Run("reports: values next to the bars", func(t *testing.T) {
		ctx := phone(t)
		do(t, ctx, chromedp.Navigate(s.URL+"/reports"), chromedp.WaitVisible(chromedp.CSS("#chart-members-role .bar-value")))
		noSideScroll(t, ctx, "reports")
		var total struct {
			Members struct{ ByRole map[string]int } `json:"members"`
		}
		owner.get(t, "/api/orgs/"+org+"/reports", &total)
		rows := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#chart-members-role tbody tr")].map(r => r.querySelector("th").innerText + "=" + r.querySelector(".bar-value").innerText)`)
		want := fmt.Sprintf("Member=%d", total.Members.ByRole["member"])
		if !contains(rows, want) {
			t.Errorf("the role chart reads %q, want a row %q", rows, want)
		}
		// The value is beside its bar, both on screen.
		phoneInView(t, ctx, "#chart-members-role tbody tr:first-child .bar-value")
		phoneInView(t, ctx, "#chart-members-role tbody tr:first-child .fill")
		checkAccessibility(t, ctx, "reports on a phone")
	})

	// Every page touched, at both sizes and in both languages, for a person to look at.
	pages := []struct{ path, ready string }{
		{"/members?perPage=25", "#members-table tbody tr"},
		{"/invitations", "#invitations-table tbody tr"},
		{"/audit", "#audit-list li"},
		{"/account", "#totp-start"},
		{"/reports", "#chart-members-role .bar-value"},
		{"/settings", "main h1"},
		{"/content", "main h1"},
		{"/licenses", "#licenses-table tbody tr"},
		{"/billing", "main h1"},
	}
	for _, size := range [][2]int{{375, 812}, {1280, 800}} {
		for _, lang := range []string{"en", "fr"} {
			ctx := phone(t)
			do(t, ctx, chromedp.EmulateViewport(int64(size[0]), int64(size[1])))
			for _, p := range pages {
				do(t, ctx, chromedp.Navigate(s.URL+p.path))
				waitJS(t, ctx, `!!document.querySelector(`+jsString(p.ready)+`)`, p.path)
				if !evalJS[bool](t, ctx, `document.querySelector("#lang-`+lang+`").getAttribute("aria-pressed") === "true"`) {
					do(t, ctx, chromedp.Click(chromedp.CSS("#lang-"+lang)))
				}
				waitJS(t, ctx, `!document.querySelector('main [role="status"]')?.innerText.match(/Loading|Chargement/)`, p.path+" loaded")
				name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "").Replace(p.path), "-")
				noSideScroll(t, ctx, fmt.Sprintf("%s at %d px (%s)", p.path, size[0], lang))
				shot := fmt.Sprintf("phone-%s-%d-%s", name, size[0], lang)
				if size[0] > 640 {
					screenshot(t, ctx, shot) // the whole page
					continue
				}
				lcShot(t, ctx, shot) // what a phone shows, then further down
				do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, innerHeight * 0.85)`))
				lcShot(t, ctx, shot+"-down")
			}
		}
	}
}

// phoneInView fails unless the element lies inside the window's width.
func phoneInView(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	r := evalJS[[]float64](t, ctx, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect(); return [r.left, r.right, r.width] })()`)
	if w := evalJS[float64](t, ctx, `document.documentElement.clientWidth`); r[0] < 0 || r[1] > w || r[2] == 0 {
		t.Errorf("%s spans %.0f–%.0f px of a %.0f px window", sel, r[0], r[1], w)
	}
}

// phoneInside fails unless the element lies within the content box (inside the padding)
// of its closest ancestor matching container: a field cut by its panel, a button sticking
// out of its card.
func phoneInside(t *testing.T, ctx context.Context, sel, container string) {
	t.Helper()
	r := evalJS[[]float64](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`), c = e.closest(`+jsString(container)+`), s = getComputedStyle(c); const a = e.getBoundingClientRect(), b = c.getBoundingClientRect(); return [a.left, a.right, b.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft), b.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight)] })()`)
	if r[0] < r[2]-0.5 || r[1] > r[3]+0.5 {
		t.Errorf("%s spans %.0f–%.0f px, outside its %s (%.0f–%.0f px)", sel, r[0], r[1], container, r[2], r[3])
	}
}

// phoneClickable scrolls the page down to the element (never sideways, as a table that
// scrolls would hide its actions) and fails unless it is on screen and a click at its
// centre reaches it (nothing covers it).
func phoneClickable(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.querySelector(`+jsString(sel)+`).getBoundingClientRect().top + scrollY - innerHeight / 2)`))
	phoneInView(t, ctx, sel)
	hit := evalJS[bool](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`), r = e.getBoundingClientRect(); const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return !!at && (at === e || e.contains(at)) })()`)
	if !hit {
		t.Errorf("%s is covered: a click at its centre does not reach it", sel)
	}
}
