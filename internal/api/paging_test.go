package api_test

import (
	"testing"
)

// Every list reads page and perPage alike (internal/paging): a bad value is a 400
// invalid naming it, the last page number (1<<30) and 200 a page are answered. Before,
// five parsers disagreed: the outbox, the MFA compliance list, the invitations and the
// invoices took any page up to MaxInt64, whose offset overflowed.
func TestEveryListReadsPageAndPerPageAlike(t *testing.T) {
	o := newOffice(t)
	tok := o.owner.Token(t)
	bad := map[string]string{"page=0": "page", "page=1073741825": "page", "page=9223372036854775807": "page",
		"page=x": "page", "perPage=0": "perPage", "perPage=201": "perPage", "perPage=2.5": "perPage"}
	for _, list := range []string{"/members", "/invitations", "/items", "/groups", "/licenses", "/outbox",
		"/settings/mfa-compliance", "/invoices"} {
		for q, field := range bad {
			if list == "/invoices" && q == "perPage=201" {
				continue // clamped, below
			}
			if r := o.c.Do("GET", o.url(list+"?"+q), tok, nil); r.Status != 400 || r.FieldCode(field) != "invalid" {
				t.Errorf("%s?%s: %d %s, want a 400 invalid on %s", list, q, r.Status, r.Raw, field)
			}
		}
		r := o.c.Do("GET", o.url(list+"?page=1073741824&perPage=200"), tok, nil)
		if items, _ := r.JSON["items"].([]any); r.Status != 200 || r.JSON["page"] != 1073741824.0 || r.JSON["perPage"] != 200.0 ||
			items == nil || len(items) != 0 {
			t.Errorf("%s, the last page: %d %s", list, r.Status, r.Raw)
		}
	}
	for _, q := range []string{"perPage=0", "perPage=201", "perPage=x"} {
		if r := o.c.Do("GET", o.url("/audit?"+q), tok, nil); r.Status != 400 || r.FieldCode("perPage") != "invalid" {
			t.Errorf("/audit?%s: %d %s", q, r.Status, r.Raw)
		}
	}
	// The invoice list and the credit history have always answered 200 for a larger size.
	if r := o.c.Do("GET", o.url("/invoices?perPage=500"), tok, nil); r.Status != 200 || r.JSON["perPage"] != 200.0 {
		t.Errorf("/invoices?perPage=500: %d %s", r.Status, r.Raw)
	}
	for q, status := range map[string]int{"limit=500": 200, "limit=0": 400, "limit=x": 400} {
		if r := o.c.Do("GET", o.url("/credits?"+q), tok, nil); r.Status != status || status == 400 && r.FieldCode("limit") != "invalid" {
			t.Errorf("/credits?%s: %d %s, want %d", q, r.Status, r.Raw, status)
		}
	}
}
