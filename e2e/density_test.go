package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"
)

// visibleRows is the number of the members table's body rows wholly inside the window.
const visibleRows = `[...document.querySelectorAll("#members-table tbody tr")].filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight }).length`

// The members table at 1280 × 800: one line per member (no cell wraps; a long value is cut
// with an ellipsis, whole in its tooltip and shown in full while its row has the focus), 15
// or more members in view in the compact density (7 before), a two-factor column and
// filter, and a column chooser whose choice outlives a reload.
func TestDensityMembers(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "dense", "--members", "120", "--seed", "3", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	owner := apiSignIn(t, s, "owner@dense.example")
	org := orgOf(t, owner)
	var page struct {
		Items []struct{ ID, Email string }
	}
	owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&sort=-name&perPage=1", &page)
	withMFA := page.Items[0]
	enrolTOTP(t, s, owner, org, withMFA.Email)

	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "owner@dense.example", "#members-table")
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
	waitText(t, ctx, "#member-count", "121 members")

	oneLine := func(lang string) {
		t.Helper()
		rows := evalJS[int](t, ctx, visibleRows)
		t.Logf("%s: %d member rows visible at 1280 × 800 (compact)", lang, rows)
		if rows < 15 {
			t.Errorf("%s: %d member rows in view at 1280 × 800, want 15 or more", lang, rows)
		}
		// Every row as high as one line of text: no cell wraps.
		if tall := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#members-table tbody tr")].filter(r => r.getBoundingClientRect().height > 33).map(r => r.innerText.replace(/\s+/g, " "))`); len(tall) > 0 {
			t.Errorf("%s: %d rows wrap, e.g. %q", lang, len(tall), tall[0])
		}
		if h := evalJS[float64](t, ctx, `document.querySelector("#members-table thead tr").getBoundingClientRect().height`); h > 48 {
			t.Errorf("%s: the header row is %.0f px high: a header takes more than two lines", lang, h)
		}
		if w := evalJS[string](t, ctx, `(() => { const w = document.querySelector("#members-table").closest(".table-wrap"); return w.scrollWidth > w.clientWidth + 1 ? w.scrollWidth + " > " + w.clientWidth : "" })()`); w != "" {
			t.Errorf("%s: the table scrolls sideways at 1280 px (%s)", lang, w)
		}
	}
	oneLine("en")

	t.Run("a long value is cut, whole in its tooltip and on focus", func(t *testing.T) {
		cut := `[...document.querySelectorAll("#members-table td[data-col=email] .clip")].find(c => c.scrollWidth > c.clientWidth + 1)`
		got := evalJS[[]string](t, ctx, `(() => { const c = `+cut+`; return c ? [c.title, c.textContent, c.closest("tr").dataset.id] : [] })()`)
		if len(got) != 3 || got[0] != got[1] || !strings.Contains(got[0], "@") {
			t.Fatalf("no cut email with its whole value as title: %q", got)
		}
		// A keyboard user's focus: focus() alone is not :focus-visible after the clicks above.
		do(t, ctx, chromedp.Focus(chromedp.CSS(`#members-table tr[data-id="`+got[2]+`"] .row-pick`)), chromedp.KeyEvent(kb.Shift))
		waitJS(t, ctx, `(() => { const c = document.querySelector('#members-table tr[data-id="`+got[2]+`"] td[data-col=email] .clip'); return c.scrollWidth <= c.clientWidth + 1 })()`, "the whole email shown while the row has the focus")
		screenshot(t, ctx, "members-density-focus-en")
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	})

	t.Run("two-factor column and filter", func(t *testing.T) {
		row := `#members-table tr[data-id="` + withMFA.ID + `"] td[data-col=mfa]`
		do(t, ctx, chromedp.Click(chromedp.CSS("#filters-button")))
		waitJS(t, ctx, `!!document.querySelector('#filter-mfa-on')`, "the two-factor filter")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#filter-mfa-on`)))
		waitText(t, ctx, "#member-count", "1 member")
		waitJS(t, ctx, `location.search.includes("mfa=on")`, "the filter in the address")
		waitText(t, ctx, row, "On")
		do(t, ctx, chromedp.Click(chromedp.CSS(`#filter-mfa-off`)))
		waitText(t, ctx, "#member-count", "120 members")
		waitJS(t, ctx, `[...document.querySelectorAll("#members-table td[data-col=mfa]")].every(c => c.innerText.trim() === "Off")`, "only members without two-factor")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.Click(chromedp.CSS("#clear-filters")))
		waitText(t, ctx, "#member-count", "121 members")
		if got := owner.count(t, org, "mfa=on"); got != 1 {
			t.Errorf("the API counts %d members with two-factor, want 1", got)
		}
	})

	t.Run("the column chooser's choice outlives a reload", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS("#columns-button")), chromedp.WaitVisible(chromedp.CSS(`input[name="column"][value="email"]`)))
		checkAccessibility(t, ctx, "column chooser")
		screenshot(t, ctx, "members-columns-en")
		do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="column"][value="email"]`)),
			chromedp.Click(chromedp.CSS(`input[name="column"][value="licenses"]`)),
			chromedp.Click(chromedp.CSS(`input[name="column"][value="groups"]`)),
			chromedp.KeyEvent(kb.Escape))
		shown := func() string {
			return evalJS[string](t, ctx, `[...document.querySelector("#members-table tbody tr").querySelectorAll("td[data-col]")].map(c => c.dataset.col).join(",")`)
		}
		const chosen = "username,role,userType,status,mfa,added,lastLogin,credits,licenses,groups"
		if got := shown(); got != chosen {
			t.Fatalf("columns shown %q, want %q", got, chosen)
		}
		do(t, ctx, chromedp.Reload())
		waitText(t, ctx, "#member-count", "121 members")
		if got := shown(); got != chosen {
			t.Fatalf("after a reload the columns shown are %q, want %q", got, chosen)
		}
		// The licences column lists what the API says.
		var licensed struct {
			Items []struct {
				ID       string
				Licenses []struct{ Name string }
			}
		}
		owner.get(t, "/api/orgs/"+org+"/members?perPage=50", &licensed)
		checked := 0
		for _, m := range licensed.Items {
			if len(m.Licenses) == 0 {
				continue
			}
			var names []string
			for _, l := range m.Licenses {
				names = append(names, l.Name)
			}
			if got := evalJS[string](t, ctx, `document.querySelector('#members-table tr[data-id="`+m.ID+`"] td[data-col=licenses] .clip').title`); got != strings.Join(names, ", ") {
				t.Errorf("member %s: licences shown %q, want %q", m.ID, got, strings.Join(names, ", "))
			}
			checked++
		}
		if checked == 0 {
			t.Error("no member of the first page holds a licence")
		}
		oneLine("en, licences and groups")

		// The comfortable density: fewer rows, still one line each.
		do(t, ctx, chromedp.Click(chromedp.CSS("#columns-button")), chromedp.WaitVisible(chromedp.CSS(`input[name="density"][value="comfortable"]`)),
			chromedp.Click(chromedp.CSS(`input[name="density"][value="comfortable"]`)), chromedp.KeyEvent(kb.Escape))
		t.Logf("comfortable: %d member rows visible at 1280 × 800", evalJS[int](t, ctx, visibleRows))
		if tall := evalJS[int](t, ctx, `[...document.querySelectorAll("#members-table tbody tr")].filter(r => r.getBoundingClientRect().height > 50).length`); tall > 0 {
			t.Errorf("comfortable: %d rows wrap", tall)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#columns-button")), chromedp.WaitVisible(chromedp.CSS("#columns-reset")),
			chromedp.Click(chromedp.CSS("#columns-reset")), chromedp.KeyEvent(kb.Escape))
		if got := shown(); !strings.HasPrefix(got, "username,email,") || strings.Contains(got, "licenses") {
			t.Errorf("after reset the columns shown are %q", got)
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		screenshot(t, ctx, "members-density-en")
		checkAccessibility(t, ctx, "members, compact")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#member-count", "121 membres")
		oneLine("fr")
		screenshot(t, ctx, "members-density-fr")
		do(t, ctx, chromedp.EmulateViewport(375, 812))
		screenshot(t, ctx, "members-density-fr-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "#member-count", "121 members")
		screenshot(t, ctx, "members-density-en-phone")
		do(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "#member-count", "121 membres")
	})
}

// enrolTOTP turns on two-factor sign-in for a member, as they would from My account.
func enrolTOTP(t *testing.T, s *server, owner client, org, email string) {
	t.Helper()
	must(t, "MFA on", owner.send(t, "PATCH", "/api/orgs/"+org+"/settings", map[string]any{"mfaEnabled": true}, nil), 200)
	member := apiSignIn(t, s, email)
	var setup struct{ Secret string }
	must(t, "TOTP setup", member.send(t, "POST", "/api/account/totp/setup", nil, &setup), 200)
	code, err := totp.GenerateCode(setup.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	must(t, "TOTP enable", member.send(t, "POST", "/api/account/totp/enable", map[string]string{"code": code}, nil), 200)
}
