package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The Billing page as the owner of a demo organisation of 200 members with one closed
// period meets it: the plan, the seats per user type and the monthly amount, the seat-usage
// chart drawn, a card added, a full card number refused, a transfer made default and
// removed, the invoice and its printable page, the invoice marked paid, a plan too small
// for the seats refused with the numbers; a small organisation's plan change that goes
// through; the page in English and on a phone; and no Billing for an administrator.
func TestBillingUI(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "carto", "--members", "200", "--seed", "3", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	if out, code := roster(t, dir, "billing", "close-period", "--org", "carto", "--force"); code != 0 {
		t.Fatalf("roster billing close-period exited %d:\n%s", code, out)
	}
	// A small organisation beside it, on the Starter plan, for a plan change that goes through.
	if out, code := roster(t, dir, "org", "create", "--name", "Acme", "--owner-email", "boss@acme.example", "--owner-password", demoPassword, "--plan", "starter"); code != 0 {
		t.Fatalf("roster org create exited %d:\n%s", code, out)
	}
	s := startServer(t, dir)
	owner := apiSignIn(t, s, "owner@carto.example")
	org := orgOf(t, owner)
	var sub struct {
		Plan struct {
			Name     string
			MaxSeats int
		}
		Seats []struct {
			UserType             string
			Count, Price, Amount int
		}
		BilledSeats, ActiveMembers, DisabledMembers int
		PendingInvitations, MonthlyAmount           int
		Currency                                    string
		Plans                                       []struct {
			Code, Name string
			MaxSeats   int
		}
	}
	owner.get(t, "/api/orgs/"+org+"/subscription", &sub)
	var invoices struct {
		Items []struct{ ID, Number, Status, PeriodStart, PeriodEnd string }
	}
	owner.get(t, "/api/orgs/"+org+"/invoices", &invoices)
	if len(invoices.Items) != 1 || sub.BilledSeats != 201 || sub.Currency != "EUR" {
		t.Fatalf("the seeded organisation: %d invoices, %d billed seats, currency %q", len(invoices.Items), sub.BilledSeats, sub.Currency)
	}
	inv := invoices.Items[0]
	methods := func() []billingMethod {
		var list struct{ Items []billingMethod }
		owner.get(t, "/api/orgs/"+org+"/payment-methods", &list)
		return list.Items
	}

	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, "owner@carto.example", "#members-table")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#main-nav a[href="/billing"]`)))
	waitText(t, ctx, "h1", "Facturation")

	t.Run("plan, seats, amount and chart", func(t *testing.T) {
		waitText(t, ctx, "#plan-name", "Offre "+sub.Plan.Name)
		waitText(t, ctx, "#plan-seats", "201 places · illimité")
		waitText(t, ctx, "#plan-currency", "EUR (euro)")
		waitText(t, ctx, "#plan-credits", "10\u202f000")
		waitText(t, ctx, "#monthly-amount", frMoney(sub.MonthlyAmount))
		rows := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#seats-table tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
		if len(rows) != len(sub.Seats) {
			t.Fatalf("the seats table has %d rows, want %d: %q", len(rows), len(sub.Seats), rows)
		}
		names := map[string]string{"viewer": "Lecteur", "contributor": "Contributeur", "creator": "Créateur", "professional": "Professionnel"}
		for i, seat := range sub.Seats {
			price := "Gratuit"
			if seat.Price > 0 {
				price = frMoney(seat.Price)
			}
			want := strings.Join([]string{names[seat.UserType], strconv.Itoa(seat.Count), price, frMoney(seat.Amount)}, " ")
			if normalSpaces(rows[i]) != normalSpaces(want) {
				t.Errorf("seats row %d is %q, want %q", i, rows[i], want)
			}
		}
		waitText(t, ctx, "#billed-rule", fmt.Sprintf("201 places facturées\u00a0: %d membres actifs et %d membre", sub.ActiveMembers, sub.DisabledMembers))
		waitText(t, ctx, "#reserved-seats", fmt.Sprintf("%d invitations en attente", sub.PendingInvitations))

		// The chart is drawn: a uPlot canvas with a size, and its summary in words beside it.
		waitJS(t, ctx, `!!document.querySelector("#usage-chart .uplot canvas")`, "the uPlot canvas")
		w, h := canvasSize(t, ctx)
		if w < 400 || h < 150 {
			t.Errorf("the chart's canvas is %v×%v at 1280 px", w, h)
		}
		if evalJS[string](t, ctx, `document.querySelector("#usage-chart").getAttribute("aria-hidden")`) != "true" {
			t.Error("the canvas is not hidden from screen readers")
		}
		waitText(t, ctx, "#usage-now", "201 places, "+frMoney(sub.MonthlyAmount)+" par mois")
		screenshot(t, ctx, "billing-fr")
		checkAccessibility(t, ctx, "billing")
		noSideScroll(t, ctx, "billing at 1280 px")
	})

	t.Run("add a card", func(t *testing.T) {
		waitText(t, ctx, "#methods-empty", "Aucun moyen de paiement")
		do(t, ctx, chromedp.Click(chromedp.CSS("#add-method")), chromedp.WaitVisible(chromedp.CSS("#method-brand")))
		waitJS(t, ctx, `document.activeElement?.closest("#method-dialog") !== null`, "focus in the dialog")
		if evalJS[bool](t, ctx, `[...document.querySelectorAll("#method-dialog input")].some(i => /num(ber|éro)|pan|cvc|cvv|crypto/i.test(i.id + i.name + i.autocomplete) && i.id !== "method-last4")`) {
			t.Error("the card form has a card number or security code field")
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#method-brand"), "Visa"),
			chromedp.SendKeys(chromedp.CSS("#method-last4"), "4242"),
			setField("#method-exp-month", "8"),
			setField("#method-exp-year", strconv.Itoa(time.Now().Year()+2)),
			chromedp.SendKeys(chromedp.CSS("#method-holder"), "Camille Martin"),
		)
		viewShot(t, ctx, "billing-add-card-fr")
		checkAccessibility(t, ctx, "add a payment method")
		do(t, ctx, chromedp.Click(chromedp.CSS("#method-submit")), chromedp.WaitNotPresent(chromedp.CSS("#method-dialog")))
		waitText(t, ctx, "#methods-list", "Visa •••• 4242")
		waitText(t, ctx, "#methods-list", "Par défaut")
		waitText(t, ctx, "#billing-flash", "«\u202fVisa •••• 4242\u202f» a été ajouté")
		waitJS(t, ctx, `document.activeElement?.id === "add-method"`, "focus back on the add button")
		if ms := methods(); len(ms) != 1 || ms[0].Kind != "card" || ms[0].Last4 != "4242" || !ms[0].IsDefault {
			t.Fatalf("after adding a card the server has %+v", ms)
		}
	})

	t.Run("a full card number is refused", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS("#add-method")), chromedp.WaitVisible(chromedp.CSS("#method-brand")))
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#method-brand"), "Visa"),
			chromedp.SendKeys(chromedp.CSS("#method-last4"), "1111"),
			setField("#method-exp-month", "12"),
			setField("#method-exp-year", strconv.Itoa(time.Now().Year()+3)),
			pasteInto("#method-holder", "4111 1111 1111 1111"),
			chromedp.Click(chromedp.CSS("#method-submit")),
		)
		waitJS(t, ctx, `document.querySelector("#method-holder")?.getAttribute("aria-invalid") === "true"`, "the holder field marked invalid")
		waitText(t, ctx, "#method-holder-error", "ressemble à un numéro de carte complet")
		waitJS(t, ctx, `document.activeElement?.id === "method-holder"`, "focus on the refused field")
		viewShot(t, ctx, "billing-card-number-refused-fr")
		checkAccessibility(t, ctx, "card number refused")

		// The same in the label of a bank transfer, typed with dashes.
		do(t, ctx, chromedp.Click(chromedp.CSS("#method-kind-transfer")), chromedp.WaitNotPresent(chromedp.CSS("#method-holder")))
		do(t, ctx, pasteInto("#method-label", "Virement 4111-1111-1111-1111"), chromedp.Click(chromedp.CSS("#method-submit")))
		waitText(t, ctx, "#method-label-error", "ressemble à un numéro de carte complet")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#method-dialog")))
		if ms := methods(); len(ms) != 1 {
			t.Fatalf("a refused card number was stored: %+v", ms)
		}
	})

	t.Run("a bank transfer, the default, and removal", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS("#add-method")), chromedp.WaitVisible(chromedp.CSS("#method-kind-transfer")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#method-kind-transfer")), chromedp.WaitVisible(chromedp.CSS("#method-label")))
		do(t, ctx, chromedp.Click(chromedp.CSS("#method-submit")))
		waitText(t, ctx, "#method-label-error", "Décrivez le virement")
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#method-label"), "Virement BNP réf. CARTO-2026"),
			chromedp.Click(chromedp.CSS("#method-default")),
			chromedp.Click(chromedp.CSS("#method-submit")),
			chromedp.WaitNotPresent(chromedp.CSS("#method-dialog")),
		)
		waitText(t, ctx, "#methods-list li:first-child", "Virement BNP réf. CARTO-2026")
		waitText(t, ctx, "#methods-list li:first-child", "Par défaut")
		card := ""
		for _, m := range methods() {
			if m.Kind == "card" {
				card = m.ID
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#default-"+card)))
		waitText(t, ctx, "#billing-flash", "«\u202fVisa •••• 4242\u202f» est désormais le moyen de paiement par défaut")
		waitText(t, ctx, "#methods-list li:first-child", "Visa •••• 4242")
		transfer := evalJS[string](t, ctx, `document.querySelector('#methods-list li[data-kind="transfer"]').dataset.id`)
		do(t, ctx, chromedp.Click(chromedp.CSS("#remove-"+transfer)), chromedp.WaitVisible(chromedp.CSS("#remove-method-dialog-confirm")))
		waitText(t, ctx, "#remove-method-dialog", "Supprimer «\u202fVirement BNP réf. CARTO-2026\u202f»\u202f?")
		checkAccessibility(t, ctx, "remove a payment method")
		do(t, ctx, chromedp.Click(chromedp.CSS("#remove-method-dialog-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#remove-method-dialog")))
		waitJS(t, ctx, `!document.querySelector('#methods-list li[data-kind="transfer"]')`, "the transfer gone")
		if ms := methods(); len(ms) != 1 || !ms[0].IsDefault {
			t.Fatalf("after removing the transfer the server has %+v", ms)
		}
	})

	t.Run("invoice, printable view, paid", func(t *testing.T) {
		row := fmt.Sprintf(`#invoices-table tr[data-id="%s"]`, inv.ID)
		waitText(t, ctx, row, inv.Number)
		waitText(t, ctx, row, "À payer")
		waitText(t, ctx, row, frMoney(sub.MonthlyAmount))
		// The billed days are the UTC midnights in [periodStart, periodEnd): 28 to 31
		// depending on the day the test runs, so count them from the invoice's own dates.
		waitText(t, ctx, row, fmt.Sprintf("%d jours", midnightsBetween(t, inv.PeriodStart, inv.PeriodEnd)))

		// The printable page, fetched with the session and shown in a frame.
		do(t, ctx, chromedp.Click(chromedp.CSS("#view-"+inv.ID)), chromedp.WaitVisible(chromedp.CSS("#invoice-frame")))
		waitJS(t, ctx, `document.querySelector("#invoice-frame").contentDocument?.body?.innerText.includes("Facture `+inv.Number+`")`, "the invoice in the frame")
		framed := evalJS[string](t, ctx, `document.querySelector("#invoice-frame").contentDocument.body.textContent`)
		for _, want := range []string{"Facturée à", "Total", frMoney(sub.MonthlyAmount), "Créateur"} {
			if !strings.Contains(framed, want) {
				t.Errorf("the printable invoice lacks %q", want)
			}
		}
		viewShot(t, ctx, "billing-invoice-fr")
		checkAccessibility(t, ctx, "invoice view")

		// « Ouvrir dans un nouvel onglet »: a Blob URL in a new tab, with the same page.
		opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return strings.HasPrefix(info.URL, "blob:") })
		do(t, ctx, chromedp.Click(chromedp.CSS("#invoice-open")))
		select {
		case id, ok := <-opened:
			if !ok {
				t.Fatal("no new tab")
			}
			tab, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
			body, err := chromedp.Run(tab, chromedp.Poll[string](`document.body && document.body.innerText.includes("Total") ? document.body.innerText : ""`, chromedp.WithPollingTimeout(10*time.Second)))
			if err != nil || !strings.Contains(body, inv.Number) {
				t.Errorf("the new tab shows %q (%v)", body, err)
			}
			cancel() // closes the tab; the page's own tab comes back to the front (a hidden tab draws nothing)
			if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the printable invoice did not open in a new tab")
		}
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#invoice-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "view-`+inv.ID+`"`, "focus back on Voir")

		// Marquer comme payée, with the default card.
		do(t, ctx, chromedp.Click(chromedp.CSS("#pay-"+inv.ID)), chromedp.WaitVisible(chromedp.CSS("#pay-confirm")))
		waitText(t, ctx, "#pay-dialog", frMoney(sub.MonthlyAmount))
		if !evalJS[bool](t, ctx, `document.querySelector('input[name="pay-method"]:checked')?.closest("label").innerText.includes("Visa •••• 4242")`) {
			t.Error("the default card is not chosen first")
		}
		viewShot(t, ctx, "billing-pay-fr")
		checkAccessibility(t, ctx, "mark as paid")
		do(t, ctx, chromedp.Click(chromedp.CSS("#pay-confirm")), chromedp.WaitNotPresent(chromedp.CSS("#pay-dialog")))
		waitText(t, ctx, row, "Payée")
		waitText(t, ctx, row, "par Visa •••• 4242")
		waitText(t, ctx, "#billing-flash", "La facture "+inv.Number+" est marquée comme payée.")
		var after struct{ Status, PaymentLabel string }
		owner.get(t, "/api/orgs/"+org+"/invoices/"+inv.ID, &after)
		if after.Status != "paid" || after.PaymentLabel != "Visa •••• 4242" {
			t.Errorf("after Marquer comme payée the invoice is %+v", after)
		}
	})

	t.Run("a plan too small is refused with the numbers", func(t *testing.T) {
		small := sub.Plans[0]
		if small.MaxSeats == 0 || small.MaxSeats >= sub.BilledSeats {
			t.Fatalf("no plan smaller than %d seats: %+v", sub.BilledSeats, sub.Plans)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("#change-plan")), chromedp.WaitVisible(chromedp.CSS("#plan-"+small.Code)))
		waitText(t, ctx, "#plan-dialog", "Offre actuelle")
		do(t, ctx, chromedp.Click(chromedp.CSS("#plan-"+small.Code)))
		waitText(t, ctx, "#plan-submit", "Passer à l’offre "+small.Name)
		do(t, ctx, chromedp.Click(chromedp.CSS("#plan-submit")))
		taken := sub.BilledSeats + sub.PendingInvitations
		waitText(t, ctx, "#plan-error", fmt.Sprintf("L’offre %s compte %d places\u00a0: %d places facturées et %d invitations en attente en occupent %d. Libérez %d places",
			small.Name, small.MaxSeats, sub.BilledSeats, sub.PendingInvitations, taken, taken-small.MaxSeats))
		viewShot(t, ctx, "billing-plan-refused-fr")
		checkAccessibility(t, ctx, "change plan refused")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#plan-dialog")))
		waitJS(t, ctx, `document.activeElement?.id === "change-plan"`, "focus back on Changer d’offre")
		var now struct{ Plan struct{ Name string } }
		owner.get(t, "/api/orgs/"+org+"/subscription", &now)
		if now.Plan.Name != sub.Plan.Name {
			t.Errorf("a refused plan change moved the plan to %q", now.Plan.Name)
		}
	})

	t.Run("a plan with room goes through", func(t *testing.T) {
		bctx := newBrowser(t, 1280, 800)
		signIn(t, bctx, s, "boss@acme.example", "#main-nav")
		do(t, bctx, chromedp.Click(chromedp.CSS("#lang-fr")), chromedp.Click(chromedp.CSS(`#main-nav a[href="/billing"]`)))
		waitText(t, bctx, "#plan-seats", "1 place sur 5")
		waitJS(t, bctx, `!!document.querySelector("#usage-chart .uplot canvas")`, "a chart of one day")
		do(t, bctx, chromedp.Click(chromedp.CSS("#change-plan")), chromedp.WaitVisible(chromedp.CSS("#plan-team")))
		if !evalJS[bool](t, bctx, `document.querySelector("#plan-submit").disabled`) {
			t.Error("the current plan can be submitted as a change")
		}
		do(t, bctx, chromedp.Click(chromedp.CSS("#plan-team")))
		waitText(t, bctx, "#plan-new-amount", "Montant mensuel avec l’offre Team\u00a0: 35,00\u00a0€ (aujourd’hui\u00a0: 35,00\u00a0€).")
		do(t, bctx, chromedp.Click(chromedp.CSS("#plan-submit")), chromedp.WaitNotPresent(chromedp.CSS("#plan-dialog")))
		waitText(t, bctx, "#billing-flash", "L’organisation est passée à l’offre Team.")
		waitText(t, bctx, "#plan-name", "Offre Team")
		waitText(t, bctx, "#plan-seats", "1 place sur 50")
		waitText(t, bctx, "#plan-credits", "1\u202f000")
		screenshot(t, bctx, "billing-plan-changed-fr")
	})

	t.Run("English, and a phone", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-en")))
		waitText(t, ctx, "h1", "Billing")
		waitText(t, ctx, "#monthly-amount", enMoney(sub.MonthlyAmount))
		waitText(t, ctx, "#plan-seats", "201 seats · unlimited")
		waitText(t, ctx, "#billing-flash", "Invoice "+inv.Number+" is marked as paid.")
		waitText(t, ctx, "#usage-now", "201 seats, "+enMoney(sub.MonthlyAmount)+" per month")
		waitJS(t, ctx, `!!document.querySelector("#usage-chart .uplot canvas")`, "the chart redrawn in English")
		screenshot(t, ctx, "billing-en")
		checkAccessibility(t, ctx, "billing (en)")
		wide, _ := canvasSize(t, ctx)

		do(t, ctx, chromedp.EmulateViewport(375, 800))
		waitJS(t, ctx, `(() => { const c = document.querySelector("#usage-chart canvas"); return !!c && c.getBoundingClientRect().width <= 375 && c.getBoundingClientRect().width > 200 })()`, "the chart at the phone's width")
		w, h := canvasSize(t, ctx)
		if w >= wide || h == 0 {
			t.Errorf("the chart did not shrink: %v×%v at 375 px (%v at 1280 px)", w, h, wide)
		}
		noSideScroll(t, ctx, "billing at 375 px")
		screenshot(t, ctx, "billing-en-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#add-method")), chromedp.WaitVisible(chromedp.CSS("#method-brand")))
		viewShot(t, ctx, "billing-add-card-en-phone")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#method-dialog")))

		do(t, ctx, chromedp.Click(chromedp.CSS("#lang-fr")))
		waitText(t, ctx, "h1", "Facturation")
		waitText(t, ctx, "#monthly-amount", frMoney(sub.MonthlyAmount))
		noSideScroll(t, ctx, "billing at 375 px (fr)")
		if evalJS[bool](t, ctx, `(() => { const w = document.querySelector("#seats-table").parentElement; return w.scrollWidth > w.clientWidth })()`) {
			t.Error("the seats table does not fit at 375 px: it scrolls sideways")
		}
		screenshot(t, ctx, "billing-fr-phone")
		do(t, ctx, chromedp.Click(chromedp.CSS("#change-plan")), chromedp.WaitVisible(chromedp.CSS("#plan-dialog")))
		viewShot(t, ctx, "billing-plan-fr-phone")
		checkAccessibility(t, ctx, "change plan (phone)")
		do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS("#plan-dialog")))
		do(t, ctx, chromedp.EmulateViewport(1280, 800))
	})

	t.Run("not for administrators", func(t *testing.T) {
		var admins struct {
			Items []struct{ Email string }
		}
		owner.get(t, "/api/orgs/"+org+"/members?role=admin&status=active&lastLoginAfter=2000-01-01&perPage=1", &admins)
		if len(admins.Items) == 0 {
			t.Skip("the demo has no active administrator who signed in")
		}
		actx := newBrowser(t, 1280, 800)
		signIn(t, actx, s, admins.Items[0].Email, "#members-table")
		if evalJS[bool](t, actx, `!!document.querySelector('#main-nav a[href="/billing"]')`) {
			t.Error("an administrator sees Facturation in the navigation")
		}
		do(t, actx, chromedp.Navigate(s.URL+"/billing"))
		waitJS(t, actx, `!!document.querySelector("main h1") && !document.querySelector("#plan-card")`, "the no-access page")
	})
}

// billingMethod is a payment method as the API answers it.
type billingMethod struct {
	ID, Kind, Label, Last4 string
	IsDefault              bool
}

// viewShot saves what the window shows (a dialog over the page) to e2e/artifacts/<name>.png.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("artifacts", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// canvasSize is the uPlot canvas's size on the page, in CSS pixels.
func canvasSize(t *testing.T, ctx context.Context) (float64, float64) {
	t.Helper()
	wh := evalJS[[]float64](t, ctx, `(() => { const r = document.querySelector("#usage-chart canvas").getBoundingClientRect(); return [r.width, r.height] })()`)
	return wh[0], wh[1]
}

// pasteInto puts text into a field as a paste would (one input event).
func pasteInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
		const e = document.querySelector(` + jsString(sel) + `);
		e.focus();
		e.value = ` + jsString(text) + `;
		e.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste", data: ` + jsString(text) + `}));
	})()`)
}

// frMoney writes cents in euros as French does: "5 170,00 €" (narrow no-break space between
// thousands, no-break space before the sign).
func frMoney(cents int) string {
	return groupThousands(cents/100, "\u202f") + "," + fmt.Sprintf("%02d", cents%100) + "\u00a0€"
}

// enMoney writes cents in euros as English does: "€5,170.00".
func enMoney(cents int) string {
	return "€" + groupThousands(cents/100, ",") + "." + fmt.Sprintf("%02d", cents%100)
}

func groupThousands(n int, sep string) string {
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

// normalSpaces turns every kind of space into a plain one.
func normalSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' || r == '\n'
	}), " ")
}

// midnightsBetween counts the UTC midnights in [start, end), PocketBase date strings: the
// days an invoice bills, counted independently of internal/billing.
func midnightsBetween(t *testing.T, start, end string) int {
	t.Helper()
	const layout = "2006-01-02 15:04:05.000Z"
	a, err1 := time.Parse(layout, start)
	b, err2 := time.Parse(layout, end)
	if err1 != nil || err2 != nil {
		t.Fatalf("invoice period %q – %q: %v %v", start, end, err1, err2)
	}
	n := 0
	for d := a.Truncate(24 * time.Hour); d.Before(b); d = d.Add(24 * time.Hour) {
		if !d.Before(a) {
			n++
		}
	}
	return n
}
