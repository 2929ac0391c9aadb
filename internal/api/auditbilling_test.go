package api_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// Billing in the audit log (docs/reliability.md §9): rows about payment methods and invoices show
// their details (card label, brand, last 4, expiry, totals, what paid an invoice) to the
// owner only; an administrator sees who changed billing, when and how (the action),
// with the target and details left out and a sentence that says billing changed, in the
// viewer and in audit.csv, in French and in English.
func TestBillingDetailsInTheAuditLogAreTheOwnersAlone(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	r := o.c.Do("POST", o.url("/payment-methods"), tok, visa)
	if r.Status != 200 {
		t.Fatalf("add a card: %d %s", r.Status, r.Raw)
	}
	card, _ := r.JSON["id"].(string)
	if r := o.c.Do("PATCH", o.url("/payment-methods/"+card), tok, map[string]any{"expMonth": 11}); r.Status != 200 {
		t.Fatalf("update the card: %d %s", r.Status, r.Raw)
	}
	inv := closePeriod(t, o.app, o.org.ID)
	if r := o.c.Do("POST", o.url("/invoices/"+inv.ID+"/pay"), tok, map[string]any{"paymentMethod": card}); r.Status != 200 {
		t.Fatalf("pay: %d %s", r.Status, r.Raw)
	}
	billingActions := map[string]bool{"billing.addPaymentMethod": true, "billing.updatePaymentMethod": true,
		"billing.closePeriod": true, "billing.payInvoice": true}
	secrets := []string{"4242", "Visa", inv.Number, `"expMonth"`, `"total"`}

	type item struct {
		Action, ActorLabel, TargetType, TargetID, TargetLabel, Sentence string
		Before, After, Details                                          json.RawMessage
		Redacted                                                        bool
	}
	page := func(t *testing.T, token, lang string) (map[string]item, string) {
		t.Helper()
		r := o.c.Do("GET", o.url("/audit?action=billing.&lang="+lang), token, nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		var p struct{ Items []item }
		if err := json.Unmarshal([]byte(r.Raw), &p); err != nil {
			t.Fatal(err)
		}
		out := map[string]item{}
		for _, it := range p.Items {
			out[it.Action] = it
		}
		if len(out) != len(billingActions) {
			t.Fatalf("the billing rows: %v", p.Items)
		}
		return out, r.Raw
	}
	export := func(t *testing.T, token, lang string) ([][]string, string) {
		t.Helper()
		r := o.c.Do("GET", o.url("/audit.csv?action=billing.&lang="+lang), token, nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != len(billingActions)+1 {
			t.Fatalf("%v %v", recs, err)
		}
		return recs[1:], r.Raw
	}

	t.Run("the owner sees every detail", func(t *testing.T) {
		items, raw := page(t, tok, "en")
		for _, s := range secrets {
			if !strings.Contains(raw, s) {
				t.Errorf("the owner's viewer lacks %q", s)
			}
		}
		if it := items["billing.addPaymentMethod"]; it.Redacted || it.TargetID != card || it.Sentence != "Hélène Dupré added the payment method Visa •••• 4242." {
			t.Errorf("%+v", it)
		}
		if it := items["billing.payInvoice"]; it.TargetLabel != inv.Number || !strings.Contains(string(it.After), "Visa •••• 4242") {
			t.Errorf("%+v", it)
		}
		_, csvRaw := export(t, tok, "fr")
		for _, s := range append(secrets[:3], "a ajouté le moyen de paiement Visa •••• 4242.") {
			if !strings.Contains(csvRaw, s) {
				t.Errorf("the owner's audit.csv lacks %q", s)
			}
		}
	})

	for lang, sentence := range map[string]string{"fr": " a modifié la facturation.", "en": " changed billing."} {
		t.Run("an administrator sees that billing changed ("+lang+")", func(t *testing.T) {
			items, raw := page(t, o.admin.Token(t), lang)
			_, csvRaw := export(t, o.admin.Token(t), lang)
			for _, s := range secrets {
				if strings.Contains(raw, s) || strings.Contains(csvRaw, s) {
					t.Errorf("the administrator reads %q", s)
				}
			}
			for action, it := range items {
				if !it.Redacted || it.ActorLabel == "" || it.TargetID != "" || it.TargetLabel != "" || it.Sentence == "" ||
					!strings.HasSuffix(it.Sentence, sentence) || string(it.Details) != "null" || string(it.After) != "null" || string(it.Before) != "null" {
					t.Errorf("%s: %+v", action, it)
				}
			}
			if it := items["billing.addPaymentMethod"]; it.TargetType != "paymentMethod" || it.Sentence != "Hélène Dupré"+sentence {
				t.Errorf("%+v", it)
			}
			if it := items["billing.closePeriod"]; it.TargetType != "invoice" || !strings.HasSuffix(it.Sentence, sentence) {
				t.Errorf("%+v", it)
			}
			recs, _ := export(t, o.admin.Token(t), lang)
			for _, rec := range recs {
				if !billingActions[rec[4]] || !strings.HasSuffix(rec[5], sentence) || rec[7] != "" || rec[8] != "" ||
					rec[9] != "null" || rec[10] != "null" || rec[11] != "null" {
					t.Errorf("csv row %q", rec)
				}
			}
		})
	}

	t.Run("other rows keep their details for an administrator", func(t *testing.T) {
		r := o.c.Do("GET", o.url("/audit?action=org.create"), o.admin.Token(t), nil)
		if r.Status != 200 || !strings.Contains(r.Raw, `"targetLabel":"Acme"`) || strings.Contains(r.Raw, `"redacted"`) {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}
