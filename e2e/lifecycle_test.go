package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The rest of a member's life in the browser: the owner removes a member who owns
// content and holds a licence with the removal wizard — inventory, the content transferred to
// a colleague picked in a search, the licence revoked, the seat price saved and the new
// monthly amount shown before confirming — and the server agrees on every count; the wizard
// again in English on a phone, deleting the content; a role change, granted and refused; the
// Licences page with a refused and a granted assignment; the shared resources page; a member
// leaving; and the ownership transfer with its step-up.
func TestLifecycleUI(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "lc", "--members", "60", "--seed", "5", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	const ownerEmail = "owner@lc.example"

	// The owner's token, as the browser keeps it.
	var owner client
	var org string
	{
		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		owner = client{s: s, token: evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth")).token`)}
		org = orgOf(t, owner)
	}
	base := "/api/orgs/" + org
	members := lcMembers(t, owner, base)

	// Who leaves: active members who own items and hold licences, most items first.
	var leaving []lcMember
	for _, m := range members {
		if m.Role == "member" && m.Status == "active" && m.ItemsOwned > 0 && len(m.Licenses) > 0 {
			leaving = append(leaving, m)
		}
	}
	sort.SliceStable(leaving, func(i, j int) bool { return leaving[i].ItemsOwned > leaving[j].ItemsOwned })
	if len(leaving) < 2 {
		t.Fatalf("the demo has %d members with items and a licence, want 2", len(leaving))
	}
	x, w := leaving[0], leaving[1]
	// Who receives: an active creator or professional member with a name of their own.
	var y lcMember
	for _, m := range members {
		if m.ID != x.ID && m.ID != w.ID && m.Role == "member" && m.Status == "active" &&
			(m.UserType == "creator" || m.UserType == "professional") && lcUniqueName(members, m.Name) {
			y = m
			break
		}
	}
	if y.ID == "" {
		t.Fatal("no colleague to receive the content")
	}

	t.Run("removal wizard with a transfer", func(t *testing.T) {
		// The member also owns a group, as in the story.
		const groupTitle = "Cartographie du secteur Nord"
		if code := apiSignIn(t, s, x.Email).status(t, "POST", base+"/groups", map[string]any{"title": groupTitle}); code != 200 {
			t.Fatalf("creating %s's group: %d", x.Name, code)
		}
		var preview lcPreview
		owner.get(t, base+"/members/"+x.ID+"/removal", &preview)
		before := lcSubscription(t, owner, base)
		licensesBefore := lcLicenses(t, owner, base)
		if preview.SeatPrice != before.Plan.SeatPrices[x.UserType] || preview.SeatPrice == 0 {
			t.Fatalf("the preview's seat price %d is not the %s seat price %d", preview.SeatPrice, x.UserType, before.Plan.SeatPrices[x.UserType])
		}

		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Navigate(s.URL+"/members?search="+url.QueryEscape(x.Email)), chromedp.WaitVisible(chromedp.CSS("#more-"+x.ID)))
		lcMenu(t, ctx, x.ID, "Supprimer le membre")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#removal-dialog #inventory")))

		// 1. The inventory: every item and licence the server lists.
		waitText(t, ctx, "#removal-step", "Étape 1 sur 3")
		for _, it := range preview.Items {
			waitText(t, ctx, "#inventory-items", it.Title)
		}
		for _, l := range preview.Licenses {
			waitText(t, ctx, "#inventory-licenses", l.Title)
		}
		waitText(t, ctx, "#inventory-groups", groupTitle)
		if len(preview.Groups) != 1 || preview.Groups[0].Title != groupTitle {
			t.Fatalf("the preview lists the groups %+v", preview.Groups)
		}
		waitText(t, ctx, "#inventory-items-count", fmt.Sprintf("%d élément", len(preview.Items)))
		lcShot(t, ctx, "removal-1-inventory-fr")
		checkAccessibility(t, ctx, "removal wizard, inventory")

		// 2. The choice: nothing picked is refused in place; then the colleague, found by name.
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-next")), chromedp.WaitVisible(chromedp.CSS("#removal-picker-search")))
		waitJS(t, ctx, `document.activeElement?.id === "removal-step"`, "focus on the step's heading")
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-next")))
		waitText(t, ctx, "#removal-picker-error", "Choisissez le membre qui recevra le contenu")
		waitText(t, ctx, "#removal-revoke-error", "doivent être révoquées")
		waitJS(t, ctx, `document.activeElement?.id === "removal-picker-search"`, "focus on the picker")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#removal-picker-search"), y.Name))
		waitText(t, ctx, "#removal-picker-status", "1 membre correspond")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#removal-picker-option-"+y.ID)), chromedp.Click(chromedp.CSS("#removal-picker-option-"+y.ID)))
		if evalJS[bool](t, ctx, `!!document.querySelector("#removal-picker-option-`+x.ID+`")`) {
			t.Error("the picker offers the member being removed")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-revoke")))
		waitJS(t, ctx, `document.querySelector("#removal-picker-option-`+y.ID+`").checked && document.querySelector("#removal-revoke").checked`, "the colleague and the revocation chosen")
		lcShot(t, ctx, "removal-2-choice-fr")
		checkAccessibility(t, ctx, "removal wizard, choice")

		// 3. The confirmation: the seat price saved and the new monthly amount, before anything happens.
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-next")), chromedp.WaitVisible(chromedp.CSS("#removal-billing")))
		waitText(t, ctx, "#removal-step", "Étape 3 sur 3")
		if got, want := lcSpaces(text(t, ctx, "#removal-seat-price")), "−"+lcEuroFR(preview.SeatPrice); got != want {
			t.Errorf("the seat price shows %q, want %q", got, want)
		}
		if got, want := lcSpaces(text(t, ctx, "#removal-amount-after")), lcEuroFR(before.MonthlyAmount-preview.SeatPrice); got != want {
			t.Errorf("the new monthly amount shows %q, want %q", got, want)
		}
		waitText(t, ctx, "#removal-summary", "Contenu transféré à "+y.Name+"\u00a0: "+fmt.Sprintf("%d éléments et 1 groupe", len(preview.Items)))
		waitText(t, ctx, "#removal-dialog", "La suppression d’un membre supprimera tous ses accès ainsi que ses données.")
		waitText(t, ctx, "#removal-dialog", "réduction correspondant au coût mensuel du membre supprimé")
		if n := lcMembers(t, owner, base); len(n) != len(members) {
			t.Fatalf("the wizard removed someone before the confirmation: %d members, want %d", len(n), len(members))
		}
		lcShot(t, ctx, "removal-3-confirm-fr")
		checkAccessibility(t, ctx, "removal wizard, confirmation")

		// The result.
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-confirm")), chromedp.WaitVisible(chromedp.CSS("#removal-result")))
		waitText(t, ctx, "#removal-result", x.Name+" ne fait plus partie de l’organisation.")
		if got, want := lcSpaces(text(t, ctx, "#removal-done-amount")), "Nouveau montant mensuel : "+lcEuroFR(before.MonthlyAmount-preview.SeatPrice); !strings.HasPrefix(got, want) {
			t.Errorf("the result says %q, want %q…", got, want)
		}
		lcShot(t, ctx, "removal-4-done-fr")
		checkAccessibility(t, ctx, "removal wizard, result")
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-done")), chromedp.WaitNotPresent(chromedp.CSS("#removal-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "member-search"`, "focus back on the list")
		waitText(t, ctx, "#member-count", "0 membre")

		// The server agrees: the member is gone, their items are the colleague's, the licence
		// seat is free, and the monthly amount dropped by exactly the seat price.
		if code := owner.status(t, "GET", base+"/members/"+x.ID, nil); code != 404 {
			t.Errorf("the removed member answers %d, want 404", code)
		}
		for _, it := range preview.Items {
			var item struct {
				Owner struct{ ID string }
			}
			owner.get(t, base+"/items/"+it.ID, &item)
			if item.Owner.ID != y.ID {
				t.Errorf("item %q belongs to %s, want %s", it.Title, item.Owner.ID, y.ID)
			}
		}
		var group struct {
			Owner   struct{ ID string }
			Members []string
		}
		owner.get(t, base+"/groups/"+preview.Groups[0].ID, &group)
		if group.Owner.ID != y.ID || !contains(group.Members, y.ID) || contains(group.Members, x.ID) {
			t.Errorf("the group belongs to %s with members %v, want %s's", group.Owner.ID, group.Members, y.ID)
		}
		var after lcMember
		owner.get(t, base+"/members/"+y.ID, &after)
		if after.ItemsOwned != y.ItemsOwned+len(preview.Items) || after.GroupsOwned != y.GroupsOwned+len(preview.Groups) {
			t.Errorf("the colleague owns %d items and %d groups, want %d and %d", after.ItemsOwned, after.GroupsOwned,
				y.ItemsOwned+len(preview.Items), y.GroupsOwned+len(preview.Groups))
		}
		licensesAfter := lcLicenses(t, owner, base)
		for _, l := range preview.Licenses {
			if licensesAfter[l.ID] != licensesBefore[l.ID]-1 {
				t.Errorf("licence %s: %d assigned after, %d before, want one fewer", l.Title, licensesAfter[l.ID], licensesBefore[l.ID])
			}
		}
		sub := lcSubscription(t, owner, base)
		if sub.MonthlyAmount != before.MonthlyAmount-preview.SeatPrice {
			t.Errorf("monthly amount %d after, %d before, want −%d", sub.MonthlyAmount, before.MonthlyAmount, preview.SeatPrice)
		}
		y = after
	})

	t.Run("removal wizard in English on a phone, deleting the content", func(t *testing.T) {
		var preview lcPreview
		owner.get(t, base+"/members/"+w.ID+"/removal", &preview)
		before := lcSubscription(t, owner, base)
		ctx := newBrowser(t, 375, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Members")
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+w.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+w.ID)))
		lcMenu(t, ctx, w.ID, "Delete member")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#removal-dialog #inventory")))
		waitText(t, ctx, "#removal-step", "Step 1 of 3")
		noSideScroll(t, ctx, "removal wizard at 375 px")
		lcShot(t, ctx, "removal-1-inventory-en-phone")
		checkAccessibility(t, ctx, "removal wizard, inventory (en)")

		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-next")), chromedp.WaitVisible(chromedp.CSS("#removal-picker-search")))
		lcShot(t, ctx, "removal-2-choice-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-mode-delete")), chromedp.WaitVisible(chromedp.CSS("#removal-delete-warning")),
			chromedp.Click(chromedp.CSS("#removal-revoke")))
		waitText(t, ctx, "#removal-delete-warning", "deleted for good")
		lcShot(t, ctx, "removal-2-delete-en-phone")
		checkAccessibility(t, ctx, "removal wizard, choice (en)")

		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-next")), chromedp.WaitVisible(chromedp.CSS("#removal-billing")))
		if got, want := lcSpaces(text(t, ctx, "#removal-seat-price")), "−"+lcEuroEN(preview.SeatPrice); got != want {
			t.Errorf("the seat price shows %q, want %q", got, want)
		}
		if got, want := lcSpaces(text(t, ctx, "#removal-amount-after")), lcEuroEN(before.MonthlyAmount-preview.SeatPrice); got != want {
			t.Errorf("the new monthly amount shows %q, want %q", got, want)
		}
		waitText(t, ctx, "#removal-summary", "Content deleted for good")
		noSideScroll(t, ctx, "removal confirmation at 375 px")
		lcShot(t, ctx, "removal-3-confirm-en-phone")
		checkAccessibility(t, ctx, "removal wizard, confirmation (en)")

		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-confirm")), chromedp.WaitVisible(chromedp.CSS("#removal-result")))
		waitText(t, ctx, "#removal-result", "is no longer a member")
		lcShot(t, ctx, "removal-4-done-en-phone")
		// Closed from the (former) member's profile: back to the list.
		do(t, ctx, chromedp.Click(chromedp.CSS("#removal-done")), chromedp.WaitNotPresent(chromedp.CSS("#removal-dialog")))
		waitJS(t, ctx, `location.pathname === "/members" && !!document.querySelector("#members-table, .empty")`, "back on the list")

		for _, it := range preview.Items {
			if code := owner.status(t, "GET", base+"/items/"+it.ID, nil); code != 404 {
				t.Errorf("deleted item %q answers %d, want 404", it.Title, code)
			}
		}
		if sub := lcSubscription(t, owner, base); sub.MonthlyAmount != before.MonthlyAmount-preview.SeatPrice {
			t.Errorf("monthly amount %d after, %d before, want −%d", sub.MonthlyAmount, before.MonthlyAmount, preview.SeatPrice)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr"))) // leave the owner in French
		waitText(t, ctx, "h1", "Membres")
	})

	// y, now owning more, becomes an administrator; a viewer cannot.
	t.Run("change role", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+y.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+y.ID)))
		lcMenu(t, ctx, y.ID, "Changer le rôle")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#role-dialog")))
		waitJS(t, ctx, `document.querySelector("#role-admin").checked`, "Administrateur proposed")
		waitText(t, ctx, "#role-dialog", "prendront fin")
		lcShot(t, ctx, "change-role-fr")
		checkAccessibility(t, ctx, "change role")
		do(t, ctx, chromedp.Click(chromedp.CSS("#role-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#role-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "more-`+y.ID+`"`, "focus back on Plus d’options")
		waitText(t, ctx, ".head .sub", "Administrateur")
		var m lcMember
		owner.get(t, base+"/members/"+y.ID, &m)
		if m.Role != "admin" {
			t.Fatalf("after the change the member is %q", m.Role)
		}

		var viewer lcMember
		for _, m := range members {
			if m.UserType == "viewer" && m.Status == "active" && m.Role == "member" {
				viewer = m
				break
			}
		}
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+viewer.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+viewer.ID)))
		lcMenu(t, ctx, viewer.ID, "Changer le rôle")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#role-confirm")), chromedp.Click(chromedp.CSS("#role-confirm")))
		waitText(t, ctx, "#role-error", "Un Lecteur ne peut être que membre")
		lcShot(t, ctx, "change-role-refused-fr")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#role-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "more-`+viewer.ID+`"`, "focus back after Escape")
	})

	t.Run("licences page", func(t *testing.T) {
		var list struct {
			TotalItems int
			Items      []struct {
				ID, Code, Name  string
				CompatibleTypes []string
				Seats, Assigned int
			}
		}
		owner.get(t, base+"/licenses?perPage=200", &list)
		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#main-nav a[href="/licenses"]`)), chromedp.WaitVisible(chromedp.CSS("#licenses-table")))
		waitText(t, ctx, "h1", "Licences")
		if n := evalJS[int](t, ctx, `document.querySelectorAll("#licenses-table tbody tr").length`); n != list.TotalItems {
			t.Fatalf("the page lists %d licences, the API %d", n, list.TotalItems)
		}
		for _, l := range list.Items {
			if l.Seats > 0 {
				waitText(t, ctx, `#licenses-table tr[data-id="`+l.ID+`"]`, fmt.Sprintf("%d sur %d", l.Assigned, l.Seats))
			}
		}
		screenshot(t, ctx, "licenses-fr")
		checkAccessibility(t, ctx, "licences")
		noSideScroll(t, ctx, "licences at 1280 px")

		// A licence with one seat left: two members at once are refused, all or nothing, and
		// the dialog says who and why; one is granted.
		var one struct {
			ID, Name        string
			CompatibleTypes []string
			Seats, Assigned int
		}
		for _, l := range list.Items {
			if l.Seats > 0 && l.Seats-l.Assigned == 1 {
				one.ID, one.Name, one.CompatibleTypes, one.Seats, one.Assigned = l.ID, l.Name, l.CompatibleTypes, l.Seats, l.Assigned
				break
			}
		}
		if one.ID == "" {
			t.Fatal("no licence with one seat left in the demo")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#license-members-"+one.ID)), chromedp.WaitVisible(chromedp.CSS("#license-picker-search")))
		waitJS(t, ctx, `document.querySelectorAll("#license-picker-options input").length >= 2`, "two candidates")
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#license-picker-options input")].slice(0, 2).forEach(i => i.click())`))
		waitText(t, ctx, "#license-assign", "Attribuer à 2 membres")
		do(t, ctx, chromedp.Click(chromedp.CSS("#license-assign")))
		waitText(t, ctx, "#license-members-error", "Rien n’a été modifié")
		waitText(t, ctx, "#license-members-error", "toutes les places de cette licence sont prises")
		lcShot(t, ctx, "license-full-fr")
		checkAccessibility(t, ctx, "licence members, refused")
		if got := lcLicenses(t, owner, base)[one.ID]; got != one.Assigned {
			t.Fatalf("a refused assignment changed the licence: %d assigned, want %d", got, one.Assigned)
		}
		first := evalJS[string](t, ctx, `document.querySelector("#license-picker-options input:checked").value`)
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#license-picker-options input:checked")[1].click()`))
		waitText(t, ctx, "#license-assign", "Attribuer à 1 membre")
		do(t, ctx, chromedp.Click(chromedp.CSS("#license-assign")))
		waitText(t, ctx, "#license-members-flash", "Licence attribuée")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#license-holders li[data-id="`+first+`"]`)))
		lcShot(t, ctx, "license-members-fr")
		if got := lcLicenses(t, owner, base)[one.ID]; got != one.Seats {
			t.Errorf("after the assignment %d hold the licence, want %d", got, one.Seats)
		}
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#license-members-dialog")))
		waitText(t, ctx, `#licenses-table tr[data-id="`+one.ID+`"]`, "Complète")

		// Create one, then delete it.
		do(t, ctx, chromedp.Click(chromedp.CSS("#license-create")), chromedp.WaitVisible(chromedp.CSS("#license-code")),
			chromedp.SendKeys(chromedp.CSS("#license-code"), "field-maps"),
			chromedp.SendKeys(chromedp.CSS("#license-name"), "Field Maps"),
			setField("#license-seats", "5"))
		lcShot(t, ctx, "license-create-fr")
		checkAccessibility(t, ctx, "licence form")
		do(t, ctx, chromedp.Click(chromedp.CSS("#license-save")), chromedp.WaitNotPresent(chromedp.CSS("#license-dialog")))
		waitText(t, ctx, "#licenses-table", "field-maps")
		waitText(t, ctx, "main", "Licence créée\u00a0: Field Maps.")

		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Licences")
		waitText(t, ctx, "#licenses-table", "Compatible user types")
		screenshot(t, ctx, "licenses-en")
		checkAccessibility(t, ctx, "licences (en)")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "licences at 375 px")
		screenshot(t, ctx, "licenses-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#licenses-table", "Types d’utilisateurs compatibles")
		screenshot(t, ctx, "licenses-fr-phone")
	})

	t.Run("shared resources page", func(t *testing.T) {
		var items struct{ TotalItems int }
		owner.get(t, base+"/items?perPage=1", &items)
		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#main-nav a[href="/content"]`)), chromedp.WaitVisible(chromedp.CSS("#items-table")))
		waitText(t, ctx, "#item-count", fmt.Sprintf("%d élément", items.TotalItems))
		screenshot(t, ctx, "content-items-fr")
		checkAccessibility(t, ctx, "shared resources, items")
		noSideScroll(t, ctx, "items at 1280 px")

		// A new map shared with the organisation, then found by the search.
		do(t, ctx, chromedp.Click(chromedp.CSS("#item-create")), chromedp.WaitVisible(chromedp.CSS("#item-title")),
			chromedp.SendKeys(chromedp.CSS("#item-title"), "Carte des pistes cyclables — Lyon"))
		lcShot(t, ctx, "content-item-create-fr")
		checkAccessibility(t, ctx, "item form")
		do(t, ctx, chromedp.Click(chromedp.CSS("#item-save")), chromedp.WaitNotPresent(chromedp.CSS("#item-dialog")))
		waitText(t, ctx, "main", "Élément créé\u00a0: Carte des pistes cyclables — Lyon.")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#item-search"), "cyclables"))
		waitText(t, ctx, "#item-count", "1 élément")
		waitText(t, ctx, "#items-table", "Organisation")
		// Deleting asks first, in an alert dialog whose focus starts on « Annuler »: Escape
		// keeps the item, the confirmation deletes it.
		del := chromedp.Click(chromedp.CSS("#items-table tbody [id^=item-delete-]"))
		do(t, ctx, del, chromedp.WaitVisible(chromedp.CSS("#content-delete-dialog")))
		waitJS(t, ctx, `document.querySelector("#content-delete-dialog").getAttribute("role") === "alertdialog" &&
			document.activeElement?.textContent.trim() === "Annuler"`, "the confirmation, focus on Annuler")
		lcShot(t, ctx, "content-item-delete-fr")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#content-delete-dialog")))
		waitText(t, ctx, "#item-count", "1 élément")
		do(t, ctx, del, chromedp.WaitVisible(chromedp.CSS("#content-delete-dialog")),
			chromedp.Click(chromedp.CSS("#content-delete-dialog-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#content-delete-dialog")))
		waitText(t, ctx, "main", "Aucun élément ne correspond.")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#item-search"), strings.Repeat(kb.Backspace, len("cyclables"))),
			chromedp.WaitVisible(chromedp.CSS("#items-table")))

		do(t, ctx, chromedp.Click(chromedp.CSS("#tab-groups")), chromedp.WaitVisible(chromedp.CSS("#groups-table")))
		waitJS(t, ctx, `location.search === "?tab=groups"`, "the tab in the address")
		screenshot(t, ctx, "content-groups-fr")
		checkAccessibility(t, ctx, "shared resources, groups")
		do(t, ctx, chromedp.Click(chromedp.CSS("#groups-table tbody tr:first-child [id^=group-members-]")), chromedp.WaitVisible(chromedp.CSS("#group-people li")))
		lcShot(t, ctx, "content-group-members-fr")
		checkAccessibility(t, ctx, "group members")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#group-members-dialog")))

		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Shared resources")
		screenshot(t, ctx, "content-groups-en")
		do(t, ctx, chromedp.Click(chromedp.CSS("#tab-items")), chromedp.WaitVisible(chromedp.CSS("#items-table")))
		screenshot(t, ctx, "content-items-en")
		checkAccessibility(t, ctx, "shared resources (en)")
		do(t, ctx, chromedp.EmulateViewport(375, 800))
		noSideScroll(t, ctx, "items at 375 px")
		screenshot(t, ctx, "content-items-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Ressources partagées")
		screenshot(t, ctx, "content-items-fr-phone")
	})

	t.Run("shared resources for a viewer", func(t *testing.T) {
		var v lcMember
		for _, m := range lcMembers(t, owner, base) {
			if m.UserType == "viewer" && m.Role == "member" && m.Status == "active" && m.LastLogin != "" {
				v = m
				break
			}
		}
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, v.Email, "#directory")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		if evalJS[bool](t, ctx, `!!document.querySelector('#main-nav a[href="/licenses"]')`) {
			t.Error("a member sees the Licences page in the navigation")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#main-nav a[href="/content"]`)), chromedp.WaitVisible(chromedp.CSS("#items-table")))
		waitText(t, ctx, "main", "Votre type d’utilisateur ne permet pas de posséder des éléments")
		if evalJS[bool](t, ctx, `!!document.querySelector("#item-create, [id^=item-edit-], [id^=item-delete-]")`) {
			t.Error("a viewer is offered to create, edit or delete items")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#tab-groups")), chromedp.WaitVisible(chromedp.CSS("#groups-table")),
			chromedp.Click(chromedp.CSS("#groups-table tbody tr:first-child [id^=group-members-]")), chromedp.WaitVisible(chromedp.CSS("#group-people li")))
		if evalJS[bool](t, ctx, `!!document.querySelector("#group-add, #group-picker-search")`) {
			t.Error("a viewer is offered to add members to someone else's group")
		}
		lcShot(t, ctx, "content-group-members-viewer-fr")
		checkAccessibility(t, ctx, "group members, viewer")
	})

	t.Run("leave the organisation", func(t *testing.T) {
		// A member who holds a licence and owns nothing.
		var m lcMember
		for _, c := range lcMembers(t, owner, base) {
			if c.Role == "member" && c.Status == "active" && c.ItemsOwned == 0 && c.GroupsOwned == 0 && len(c.Licenses) > 0 && c.LastLogin != "" {
				m = c
				break
			}
		}
		if m.ID == "" {
			t.Fatal("no member with a licence and no content")
		}
		ctx := newBrowser(t, 1280, 800)
		signIn(t, ctx, s, m.Email, "#directory")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		do(t, ctx, chromedp.Click(chromedp.CSS(`#main-nav a[href="/account"]`)), chromedp.WaitVisible(chromedp.CSS("#leave-open")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#leave-open")), chromedp.WaitVisible(chromedp.CSS("#leave-dialog #inventory")))
		waitText(t, ctx, "#inventory-licenses", m.Licenses[0].Name)
		do(t, ctx, chromedp.Click(chromedp.CSS("#leave-confirm")))
		waitText(t, ctx, "#leave-revoke-error", "Vos licences doivent être révoquées")
		do(t, ctx, chromedp.Click(chromedp.CSS("#leave-revoke")))
		lcShot(t, ctx, "leave-fr")
		checkAccessibility(t, ctx, "leave")
		do(t, ctx, chromedp.Click(chromedp.CSS("#leave-confirm")), chromedp.WaitVisible(chromedp.CSS("#signin-email")))
		if code := owner.status(t, "GET", base+"/members/"+m.ID, nil); code != 404 {
			t.Errorf("the member who left answers %d, want 404", code)
		}
	})

	t.Run("transfer ownership", func(t *testing.T) {
		ctx := newBrowser(t, 1280, 800)
		lcSignIn(t, ctx, s, ownerEmail)
		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+y.ID), chromedp.WaitVisible(chromedp.CSS("#more-"+y.ID)))
		lcMenu(t, ctx, y.ID, "Transférer la propriété")
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#transfer-password")))
		waitJS(t, ctx, `document.querySelector("#transfer-picker-option-`+y.ID+`")?.checked`, "the member picked")
		waitText(t, ctx, "#transfer-consequence", y.Name+" deviendra propriétaire. Vous deviendrez administrateur")
		do(t, ctx, chromedp.SendKeys(chromedp.CSS("#transfer-password"), "not my password"), chromedp.Click(chromedp.CSS("#transfer-confirm")))
		waitText(t, ctx, "#transfer-password-error", "Mot de passe incorrect")
		waitJS(t, ctx, `document.activeElement?.id === "transfer-password"`, "focus on the password")
		lcShot(t, ctx, "transfer-ownership-fr")
		checkAccessibility(t, ctx, "transfer ownership")
		var me struct {
			Membership struct{ Role string }
		}
		owner.get(t, "/api/me", &me)
		if me.Membership.Role != "owner" {
			t.Fatal("a refused step-up changed the owner")
		}
		do(t, ctx, setField("#transfer-password", ""), chromedp.SendKeys(chromedp.CSS("#transfer-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#transfer-confirm")), chromedp.WaitVisible(chromedp.CSS("#transfer-result")))
		waitText(t, ctx, "#transfer-result", y.Name+" est désormais propriétaire")
		lcShot(t, ctx, "transfer-ownership-done-fr")
		owner.get(t, "/api/me", &me)
		if me.Membership.Role != "admin" {
			t.Errorf("the former owner is %q, want admin", me.Membership.Role)
		}
		var m lcMember
		owner.get(t, base+"/members/"+y.ID, &m)
		if m.Role != "owner" {
			t.Errorf("the new owner is %q", m.Role)
		}
		// /api/me reloaded: billing is the new owner's now.
		waitJS(t, ctx, `!document.querySelector('#main-nav a[href="/billing"]')`, "Facturation gone from the navigation")
		do(t, ctx, chromedp.Click(chromedp.CSS("#transfer-done")), chromedp.WaitNotPresent(chromedp.CSS("#transfer-dialog")))
		waitText(t, ctx, "header", "Administrateur")
	})
}

type lcMember struct {
	ID, Name, Email, Role, UserType, Status, LastLogin string
	ItemsOwned, GroupsOwned                            int
	Licenses                                           []struct{ ID, Name string }
}

type lcPreview struct {
	Items, Groups, Licenses  []struct{ ID, Title string }
	SeatPrice, MonthlyAmount int
	MonthlyAmountAfter       int
}

type lcSub struct {
	MonthlyAmount int
	Plan          struct{ SeatPrices map[string]int }
}

func lcMembers(t *testing.T, c client, base string) []lcMember {
	t.Helper()
	var page struct {
		TotalItems int
		Items      []lcMember
	}
	c.get(t, base+"/members?perPage=200&sort=name", &page)
	if page.TotalItems > len(page.Items) {
		t.Fatalf("%d members, more than one page", page.TotalItems)
	}
	return page.Items
}

func lcSubscription(t *testing.T, c client, base string) lcSub {
	t.Helper()
	var s lcSub
	c.get(t, base+"/subscription", &s)
	return s
}

// lcLicenses is how many members hold each licence.
func lcLicenses(t *testing.T, c client, base string) map[string]int {
	t.Helper()
	var page struct {
		Items []struct {
			ID       string
			Assigned int
		}
	}
	c.get(t, base+"/licenses?perPage=200", &page)
	out := map[string]int{}
	for _, l := range page.Items {
		out[l.ID] = l.Assigned
	}
	return out
}

func lcUniqueName(ms []lcMember, name string) bool {
	n := 0
	for _, m := range ms {
		if m.Name == name {
			n++
		}
	}
	return n == 1
}

// lcSignIn signs the owner in, in French (a subtest may have left them in English).
func lcSignIn(t *testing.T, ctx context.Context, s *server, email string) {
	t.Helper()
	signIn(t, ctx, s, email, "#members-table")
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
	waitText(t, ctx, "h1", "Membres")
}

// lcMenu opens a member's « Plus d'options » and chooses an item by its label.
func lcMenu(t *testing.T, ctx context.Context, id, label string) {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS("#more-"+id)), chromedp.WaitVisible(chromedp.CSS(`[role="menu"]`)))
	items := evalJS[[]string](t, ctx, `[...document.querySelectorAll('[role="menuitem"]')].map(i => i.innerText.trim())`)
	if !contains(items, label) {
		t.Fatalf("the menu of %s lacks %q: %q", id, label, items)
	}
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[role="menuitem"]')].find(i => i.innerText.trim() === `+jsString(label)+`).click()`))
}

// lcShot saves what the window shows (a dialog over the page) to e2e/artifacts/<name>.png.
func lcShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("artifacts", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("artifacts", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// status sends a request with the client's token and answers the status code.
func (c client) status(t *testing.T, method, path string, body any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.s.URL+path, r)
	req.Header.Set("Authorization", c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// lcEuroFR is cents as French Intl writes euros, with plain spaces: "1 705,00 €".
func lcEuroFR(cents int) string {
	return lcThousands(cents/100, " ") + "," + fmt.Sprintf("%02d", cents%100) + " €"
}

// lcEuroEN is cents as English Intl writes euros: "€1,705.00".
func lcEuroEN(cents int) string {
	return "€" + lcThousands(cents/100, ",") + "." + fmt.Sprintf("%02d", cents%100)
}

func lcThousands(n int, sep string) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lcSpaces turns the no-break spaces Intl writes into plain ones.
func lcSpaces(s string) string {
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s)
}
