package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/testapp"
)

func invite(t *testing.T, app core.App, org *testapp.Org, status string, expires time.Time) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("invitations")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"org": org.ID, "email": fmt.Sprintf("invitee%d@example.com", time.Now().UnixNano()), "role": "member",
		"userType": "creator", "tokenHash": fmt.Sprint(time.Now().UnixNano()), "expires": expires, "status": status})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func closePeriod(t *testing.T, app core.App, org string) *billing.Invoice {
	t.Helper()
	inv, err := billing.ClosePeriod(app, org, time.Now().UTC(), true, audit.ActorSystem)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func count(t *testing.T, app core.App, collection string, where dbx.HashExp) int {
	t.Helper()
	n, err := app.CountRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

var visa = map[string]any{"kind": "card", "brand": "Visa", "last4": "4242", "expMonth": 12, "expYear": time.Now().Year() + 2, "holder": "Olivia Owner"}

func TestEveryBillingRouteIsTheOwnersAlone(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	admin := testapp.AddMember(t, app, org, access.RoleAdmin, access.Creator)
	member := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	outsider := testapp.CreateOrg(t, app, "Other", "team").Owner
	owner := org.Owner.Token(t)
	inv := closePeriod(t, app, org.ID)
	r := c.Do("POST", "/api/orgs/"+org.ID+"/payment-methods", owner, visa)
	if r.Status != 200 {
		t.Fatalf("owner adds a card: %d %s", r.Status, r.Raw)
	}
	pm, _ := r.JSON["id"].(string)
	base := "/api/orgs/" + org.ID
	routes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/subscription", nil},
		{"POST", "/subscription/plan", map[string]any{"plan": "business"}},
		{"GET", "/invoices", nil},
		{"GET", "/invoices/" + inv.ID, nil},
		{"GET", "/invoices/" + inv.ID + ".html", nil},
		{"POST", "/invoices/" + inv.ID + "/pay", map[string]any{"paymentMethod": pm}},
		{"GET", "/payment-methods", nil},
		{"POST", "/payment-methods", visa},
		{"PATCH", "/payment-methods/" + pm, map[string]any{"label": "Company card"}},
		{"DELETE", "/payment-methods/" + pm, nil},
	}
	for _, rt := range routes {
		name := rt.method + " " + rt.path
		t.Run(name+" refuses an admin and a member with 403", func(t *testing.T) {
			for who, tok := range map[string]string{"admin": admin.Token(t), "member": member.Token(t)} {
				if r := c.Do(rt.method, base+rt.path, tok, rt.body); r.Status != 403 || r.Code() != "role" {
					t.Fatalf("%s: %d %s", who, r.Status, r.Raw)
				}
			}
		})
		t.Run(name+" is not found for another organisation's owner", func(t *testing.T) {
			if r := c.Do(rt.method, base+rt.path, outsider.Token(t), rt.body); r.Status != 404 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
		t.Run(name+" needs a sign-in", func(t *testing.T) {
			if r := c.Do(rt.method, base+rt.path, "", rt.body); r.Status != 401 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	// Nothing the refused requests carried was applied.
	if n := count(t, app, "paymentMethods", dbx.HashExp{"org": org.ID}); n != 1 {
		t.Fatalf("%d payment methods", n)
	}
	if sub := c.Do("GET", base+"/subscription", owner, nil); sub.Status != 200 || sub.JSON["plan"].(map[string]any)["code"] != "team" {
		t.Fatalf("subscription: %d %s", sub.Status, sub.Raw)
	}
	for _, rt := range routes {
		if r := c.Do(rt.method, base+rt.path, owner, rt.body); r.Status >= 300 {
			t.Errorf("owner: %s %s: %d %s", rt.method, rt.path, r.Status, r.Raw)
		}
	}

	t.Run("the credits overview is the owner's and the admins', not the members'", func(t *testing.T) {
		for who, want := range map[*testapp.Member]int{org.Owner: 200, admin: 200, member: 403, outsider: 404} {
			if r := c.Do("GET", base+"/credits", who.Token(t), nil); r.Status != want {
				t.Errorf("%s: %d %s", who.Email, r.Status, r.Raw)
			}
		}
		if r := c.Do("GET", base+"/credits", "", nil); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
	t.Run("consuming credits is any member's but not an outsider's", func(t *testing.T) {
		if r := c.Do("POST", base+"/credits/consume", outsider.Token(t), map[string]any{"amount": 1}); r.Status != 404 {
			t.Errorf("outsider: %d %s", r.Status, r.Raw)
		}
		if r := c.Do("POST", base+"/credits/consume", "", map[string]any{"amount": 1}); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
}

func TestTheSubscriptionShowsSeatsPricesMembersAndReservedSeats(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	testapp.AddMember(t, app, org, access.RoleAdmin, access.Professional)
	testapp.AddMember(t, app, org, access.RoleMember, access.Contributor)
	off := testapp.AddMember(t, app, org, access.RoleMember, access.Viewer)
	testapp.SetStatus(t, app, off, access.Disabled) // still billed
	invite(t, app, org, "pending", time.Now().Add(48*time.Hour))
	invite(t, app, org, "pending", time.Now().Add(-time.Hour)) // expired: reserves nothing
	invite(t, app, org, "revoked", time.Now().Add(48*time.Hour))

	r := c.Do("GET", "/api/orgs/"+org.ID+"/subscription", org.Owner.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	j := r.JSON
	plan := j["plan"].(map[string]any)
	if plan["code"] != "team" || plan["maxSeats"] != 50.0 || plan["currency"] != "EUR" || plan["includedCredits"] != 1000.0 {
		t.Fatalf("plan %v", plan)
	}
	want := map[string][3]float64{"viewer": {1, 0, 0}, "contributor": {1, 1500, 1500}, "creator": {1, 3500, 3500}, "professional": {1, 7500, 7500}}
	seats := j["seats"].([]any)
	if len(seats) != 4 {
		t.Fatalf("seats %v", seats)
	}
	for _, s := range seats {
		s := s.(map[string]any)
		w := want[s["userType"].(string)]
		if s["count"] != w[0] || s["price"] != w[1] || s["amount"] != w[2] {
			t.Errorf("%v, want %v", s, w)
		}
	}
	for k, v := range map[string]float64{"billedSeats": 4, "activeMembers": 3, "disabledMembers": 1, "pendingInvitations": 1, "monthlyAmount": 12500} {
		if j[k] != v {
			t.Errorf("%s = %v, want %v", k, j[k], v)
		}
	}
	if j["currency"] != "EUR" || j["status"] != "active" || j["periodStart"] == "" || j["periodEnd"] == "" {
		t.Errorf("subscription %v", j)
	}
	if plans := j["plans"].([]any); len(plans) != 3 || plans[0].(map[string]any)["code"] != "starter" {
		t.Errorf("plans %v", plans)
	}
	usage := j["usage"].(map[string]any)
	days, seatsOverTime, amounts := usage["time"].([]any), usage["seats"].([]any), usage["monthlyAmount"].([]any)
	if len(days) != 1 || seatsOverTime[0] != 4.0 || amounts[0] != 12500.0 {
		t.Errorf("usage %v", usage)
	}
}

func TestAPlanChangeBelowTheSeatsInUseIsRefusedWithTheNumbers(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "business")
	for range 3 {
		testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	}
	invite(t, app, org, "pending", time.Now().Add(48*time.Hour))
	invite(t, app, org, "pending", time.Now().Add(48*time.Hour))
	path, tok := "/api/orgs/"+org.ID+"/subscription/plan", org.Owner.Token(t)

	r := c.Do("POST", path, tok, map[string]any{"plan": "starter"})
	if r.Status != 409 || r.Code() != "seat_limit" {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	d := r.JSON["data"].(map[string]any)
	if d["billedSeats"] != 4.0 || d["pendingInvitations"] != 2.0 || d["maxSeats"] != 5.0 {
		t.Fatalf("numbers %v", d)
	}
	if r := c.Do("POST", path, tok, map[string]any{"plan": "gold"}); r.Status != 400 || r.FieldCode("plan") != "unknown" {
		t.Fatalf("unknown plan: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("POST", path, tok, map[string]any{}); r.Status != 400 || r.FieldCode("plan") != "required" {
		t.Fatalf("no plan: %d %s", r.Status, r.Raw)
	}
	if _, err := app.DB().NewQuery("UPDATE invitations SET status = 'revoked' WHERE id IN (SELECT id FROM invitations WHERE org = {:org} LIMIT 1)").
		Bind(dbx.Params{"org": org.ID}).Execute(); err != nil {
		t.Fatal(err)
	}
	r = c.Do("POST", path, tok, map[string]any{"plan": "starter"}) // 4 billed + 1 pending = 5: fits
	if r.Status != 200 || r.JSON["plan"].(map[string]any)["code"] != "starter" || r.JSON["monthlyAmount"] != 14000.0 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "billing.changePlan"}); n != 1 {
		t.Fatalf("%d audit rows", n)
	}
	if r := c.Do("POST", path, tok, map[string]any{"plan": "starter"}); r.Status != 200 {
		t.Fatalf("same plan: %d", r.Status)
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "billing.changePlan"}); n != 1 {
		t.Fatalf("the same plan wrote an audit row (%d)", n)
	}
}

// luhnComplete appends the Luhn check digit to a string of digits.
func luhnComplete(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + fmt.Sprint((10-sum%10)%10)
}

func TestCardNumbersAndSecurityCodesAreRefusedAndNeverStored(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	path, tok := "/api/orgs/"+org.ID+"/payment-methods", org.Owner.Token(t)
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range visa {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	nineteen := luhnComplete("622126000000000000") // 19 digits
	pans := []struct {
		name, field string
		body        map[string]any
	}{
		{"a Visa number in the brand", "brand", with("brand", "4111111111111111")},
		{"a spaced Visa number in the holder", "holder", with("holder", "Olivia 4111 1111 1111 1111")},
		{"a dashed Mastercard number in the label", "label", with("label", "5555-5555-5555-4444")},
		{"an Amex number in 4-6-5 groups", "label", with("label", "Amex 3782 822463 10005")},
		{"a 13-digit Visa number", "brand", with("brand", "4222222222222")},
		{"a 19-digit number", "holder", with("holder", nineteen)},
		{"a number with its expiry after it", "label", with("label", "4242 4242 4242 4242 12 29")},
		{"a number glued to letters", "label", with("label", "card4000056655665556please")},
		{"a number with no-break spaces", "label", with("label", "4111\u00a01111\u00a01111\u00a01111")},
		{"a number in a field Roster does not know", "number", with("number", "4111111111111111")},
		{"a number as a JSON number", "pan", with("pan", 4111111111111111)},
		{"a number nested in an object", "card.number", with("card", map[string]any{"number": "6011 1111 1111 1117"})},
		// Any run of non-alphanumeric characters between digits, any decimal digits.
		{"a number in slashes", "label", with("label", "4111/1111/1111/1111")},
		{"a number in underscores", "holder", with("holder", "Olivia 4111_1111_1111_1111")},
		{"a number in commas", "label", with("label", "5555,5555,5555,4444")},
		{"a number in plus signs", "brand", with("brand", "4111+1111+1111+1111")},
		{"a number with more than three separators", "label", with("label", "4111 - - 1111 -- 1111 1111")},
		{"a number in full-width digits", "holder", with("holder", "Olivia ４１１１ １１１１ １１１１ １１１１")},
		{"a number in Arabic-Indic digits", "label", with("label", "٤١١١١١١١١١١١١١١١")},
		{"a number with zero-width spaces", "label", with("label", "4111\u200b1111\u200b1111\u200b1111")},
		{"a number with ideographic spaces", "holder", with("holder", "4111\u30001111\u30001111\u30001111")},
		{"a number in mixed digits deep in the body", "card.0.pan", with("card", []any{map[string]any{"pan": "４١١1-1111\u200b1111\u3000١١١١"}})},
	}
	for _, p := range pans {
		t.Run(p.name+" is refused", func(t *testing.T) {
			r := c.Do("POST", path, tok, p.body)
			if r.Status != 400 || r.FieldCode(p.field) != "card_number_refused" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			for _, digits := range []string{"1111", "4444", "4242 4242", "10005", "5556", "1117", "2222222", "１１１１", "١١١١"} {
				if strings.Contains(r.Raw, digits) {
					t.Fatalf("the answer repeats the number: %s", r.Raw)
				}
			}
		})
	}
	cvcs := []struct{ name, field string }{{"cvc", "cvc"}, {"cvv", "cvv"}, {"securityCode", "securityCode"}, {"CVV2", "CVV2"}, {"security_code", "security_code"}, {"ｃｖｃ", "ｃｖｃ"}}
	for _, k := range cvcs {
		t.Run("a "+k.name+" field is refused", func(t *testing.T) {
			r := c.Do("POST", path, tok, with(k.name, "737"))
			if r.Status != 400 || r.FieldCode(k.field) != "cvc_refused" || strings.Contains(r.Raw, "737") {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	t.Run("a PATCH is scanned too", func(t *testing.T) {
		r := c.Do("POST", path, tok, visa)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		id := r.JSON["id"].(string)
		if r := c.Do("PATCH", path+"/"+id, tok, map[string]any{"holder": "4111-1111-1111-1111"}); r.FieldCode("holder") != "card_number_refused" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if r := c.Do("PATCH", path+"/"+id, tok, map[string]any{"cvc": "123"}); r.FieldCode("cvc") != "cvc_refused" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	if n := count(t, app, "paymentMethods", dbx.HashExp{"org": org.ID}); n != 1 {
		t.Fatalf("%d payment methods stored", n)
	}
	var leaked int
	if err := app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM paymentMethods WHERE label || brand || holder || last4 GLOB '*[0-9][0-9][0-9][0-9][0-9]*')
		+ (SELECT count(*) FROM auditLog WHERE details GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*')`).Row(&leaked); err != nil {
		t.Fatal(err)
	}
	if leaked != 0 {
		t.Fatalf("%d rows hold long digit runs", leaked)
	}
	t.Run("digits that fail the Luhn check are kept as typed", func(t *testing.T) {
		r := c.Do("POST", path, tok, with("label", "Order 4111 1111 1111 1112"))
		if r.Status != 200 || r.JSON["label"] != "Order 4111 1111 1111 1112" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestPaymentMethodsKeepOneDefaultAndValidateEachKind(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	path, tok := "/api/orgs/"+org.ID+"/payment-methods", org.Owner.Token(t)
	year := time.Now().Year()

	card := c.Do("POST", path, tok, visa)
	if card.Status != 200 || card.JSON["isDefault"] != true || card.JSON["label"] != "Visa •••• 4242" || card.JSON["provider"] != "manual" {
		t.Fatalf("first card: %d %s", card.Status, card.Raw)
	}
	sepa := c.Do("POST", path, tok, map[string]any{"kind": "sepa", "last4": "0189", "holder": "Acme SAS", "isDefault": true})
	if sepa.Status != 200 || sepa.JSON["isDefault"] != true || sepa.JSON["label"] != "SEPA •••• 0189" {
		t.Fatalf("sepa: %d %s", sepa.Status, sepa.Raw)
	}
	transfer := c.Do("POST", path, tok, map[string]any{"kind": "transfer", "label": "Virement BNP, réf. ACME"})
	if transfer.Status != 200 || transfer.JSON["isDefault"] != false {
		t.Fatalf("transfer: %d %s", transfer.Status, transfer.Raw)
	}
	list := func() []any {
		r := c.Do("GET", path, tok, nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		return r.JSON["items"].([]any)
	}
	defaults := func() []string {
		var out []string
		for _, m := range list() {
			if m.(map[string]any)["isDefault"] == true {
				out = append(out, m.(map[string]any)["id"].(string))
			}
		}
		return out
	}
	if d := defaults(); len(d) != 1 || d[0] != sepa.JSON["id"] {
		t.Fatalf("defaults %v", d)
	}
	cardID := card.JSON["id"].(string)
	if r := c.Do("PATCH", path+"/"+cardID, tok, map[string]any{"isDefault": true, "expYear": year + 5}); r.Status != 200 || r.JSON["expYear"] != float64(year+5) {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if d := defaults(); len(d) != 1 || d[0] != cardID {
		t.Fatalf("defaults after patch %v", d)
	}
	if r := c.Do("PATCH", path+"/"+cardID, tok, map[string]any{"holder": "Olivia Owner"}); r.Status != 200 {
		t.Fatalf("unchanged patch: %d %s", r.Status, r.Raw)
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "billing.updatePaymentMethod"}); n != 1 {
		t.Fatalf("%d update audit rows: an unchanged patch is no change", n)
	}
	if r := c.Do("PATCH", path+"/"+cardID, tok, map[string]any{"isDefault": false}); r.Status != 400 || r.FieldCode("isDefault") != "default_required" {
		t.Fatalf("undefault: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("PATCH", path+"/"+cardID, tok, map[string]any{"kind": "sepa"}); r.Status != 400 || r.FieldCode("kind") != "immutable" {
		t.Fatalf("kind: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("DELETE", path+"/"+cardID, tok, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if d := defaults(); len(d) != 1 || d[0] != transfer.JSON["id"] { // the most recent one left
		t.Fatalf("defaults after delete %v", d)
	}
	if r := c.Do("DELETE", path+"/"+cardID, tok, nil); r.Status != 404 {
		t.Fatalf("delete again: %d", r.Status)
	}

	invalid := []struct {
		name, field, code string
		body              map[string]any
	}{
		{"three digits", "last4", "invalid", map[string]any{"kind": "card", "brand": "Visa", "last4": "424", "expMonth": 1, "expYear": year + 1, "holder": "O"}},
		{"month 13", "expMonth", "out_of_range", map[string]any{"kind": "card", "brand": "Visa", "last4": "4242", "expMonth": 13, "expYear": year + 1, "holder": "O"}},
		{"last year", "expYear", "expired", map[string]any{"kind": "card", "brand": "Visa", "last4": "4242", "expMonth": 12, "expYear": year - 1, "holder": "O"}},
		{"no brand", "brand", "required", map[string]any{"kind": "card", "last4": "4242", "expMonth": 12, "expYear": year + 1, "holder": "O"}},
		{"no holder", "holder", "required", map[string]any{"kind": "sepa", "last4": "0189"}},
		{"a transfer without a label", "label", "required", map[string]any{"kind": "transfer"}},
		{"an unknown kind", "kind", "invalid_choice", map[string]any{"kind": "cash"}},
		{"last4 as a number", "last4", "invalid_type", map[string]any{"kind": "sepa", "last4": 189, "holder": "A"}},
	}
	for _, v := range invalid {
		t.Run(v.name+" is a 400 on "+v.field, func(t *testing.T) {
			if r := c.Do("POST", path, tok, v.body); r.Status != 400 || r.FieldCode(v.field) != v.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "billing.addPaymentMethod"}); n != 3 {
		t.Fatalf("%d add audit rows", n)
	}
}

func TestInvoicesAreListedPrintedInTheOwnersLanguageAndPaid(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Équipe Nord", "team")
	for range 400 { // 400 professional seats held all period: 3 000 000 cents (digit grouping)
		if err := billing.SeatChanged(app, billing.Seat{Org: org.ID, Membership: fmt.Sprint(time.Now().UnixNano()), Label: "Seat",
			UserType: access.Professional, Delta: 1, Reason: billing.Joined, Actor: "system"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.DB().NewQuery("UPDATE seatLedger SET at = {:at} WHERE org = {:org}").
		Bind(dbx.Params{"at": types.NowDateTime().AddDate(0, -1, 0).String(), "org": org.ID}).Execute(); err != nil {
		t.Fatal(err)
	}
	first, second := closePeriod(t, app, org.ID), closePeriod(t, app, org.ID)
	year := time.Now().UTC().Year()
	if first.Number != fmt.Sprintf("INV-%d-0001", year) || second.Number != fmt.Sprintf("INV-%d-0002", year) {
		t.Fatalf("numbers %s %s", first.Number, second.Number)
	}
	base, tok := "/api/orgs/"+org.ID+"/invoices", org.Owner.Token(t)

	r := c.Do("GET", base+"?perPage=1", tok, nil)
	if r.Status != 200 || r.JSON["totalItems"] != 2.0 || r.JSON["totalPages"] != 2.0 {
		t.Fatalf("list: %d %s", r.Status, r.Raw)
	}
	item := r.JSON["items"].([]any)[0].(map[string]any)
	if item["number"] != second.Number || item["lines"] != nil || item["lineCount"] != 401.0 {
		t.Fatalf("newest first, without lines: %v", item)
	}
	r = c.Do("GET", base+"/"+first.ID, tok, nil)
	if r.Status != 200 || len(r.JSON["lines"].([]any)) != 401 || r.JSON["total"] != float64(first.Total) || first.Total != 3500+400*7500 {
		t.Fatalf("one invoice: %d total %d", r.Status, first.Total)
	}

	html := c.Do("GET", base+"/"+first.ID+".html", tok, nil)
	if html.Status != 200 || !strings.HasPrefix(html.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("html: %d %s", html.Status, html.Header)
	}
	for _, want := range []string{`<html lang="en">`, "Invoice " + first.Number, "Équipe Nord", "€30,035.00", "€75.00", "Professional", org.Owner.Email} {
		if !strings.Contains(html.Raw, want) {
			t.Errorf("English invoice lacks %q", want)
		}
	}
	org.Owner.User.Set("language", "fr")
	if err := app.Save(org.Owner.User); err != nil {
		t.Fatal(err)
	}
	html = c.Do("GET", base+"/"+first.ID+".html", tok, nil)
	for _, want := range []string{`<html lang="fr">`, "Facture " + first.Number, "Équipe Nord", "30\u202f035,00\u00a0€", "75,00\u00a0€", "Professionnel", "À payer"} {
		if !strings.Contains(html.Raw, want) {
			t.Errorf("French invoice lacks %q", want)
		}
	}
	if r := c.Do("GET", base+"/nope.html", tok, nil); r.Status != 404 {
		t.Fatalf("unknown invoice: %d", r.Status)
	}

	if r := c.Do("POST", base+"/"+first.ID+"/pay", tok, map[string]any{}); r.Status != 409 || r.Code() != "no_payment_method" {
		t.Fatalf("pay without a method: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("POST", "/api/orgs/"+org.ID+"/payment-methods", tok, map[string]any{"kind": "transfer", "label": "Virement"}); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	r = c.Do("POST", base+"/"+first.ID+"/pay", tok, map[string]any{})
	if r.Status != 200 || r.JSON["status"] != "paid" || r.JSON["paidAt"] == "" || r.JSON["paymentLabel"] != "Virement" ||
		!strings.HasPrefix(r.JSON["paymentRef"].(string), "manual:") {
		t.Fatalf("pay: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("POST", base+"/"+first.ID+"/pay", tok, map[string]any{}); r.Status != 409 || r.Code() != "invoice_not_open" {
		t.Fatalf("pay twice: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("POST", base+"/"+second.ID+"/pay", tok, map[string]any{"paymentMethod": "nope"}); r.Status != 400 || r.FieldCode("paymentMethod") != "unknown" {
		t.Fatalf("unknown method: %d %s", r.Status, r.Raw)
	}
	if html := c.Do("GET", base+"/"+first.ID+".html", tok, nil); !strings.Contains(html.Raw, "Payée le") {
		t.Fatalf("paid invoice: %s", html.Raw)
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "billing.payInvoice"}); n != 1 {
		t.Fatalf("%d pay audit rows", n)
	}
}

func TestCreditsAreSpentWithinTheAllocationEvenConcurrently(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	free := testapp.AddMember(t, app, org, access.RoleMember, access.Creator) // no limit
	path := "/api/orgs/" + org.ID + "/credits/consume"

	if r := c.Do("POST", path, m.Token(t), map[string]any{"amount": 5}); r.Status != 409 || r.Code() != "credit_budgeting_off" {
		t.Fatalf("budgeting off: %d %s", r.Status, r.Raw)
	}
	orgRec, err := app.FindRecordById("organizations", org.ID)
	if err != nil {
		t.Fatal(err)
	}
	orgRec.Set("creditBudgeting", true)
	orgRec.Set("creditsPool", 1000)
	if err := app.Save(orgRec); err != nil {
		t.Fatal(err)
	}
	m.Membership.Set("creditsLimited", true)
	m.Membership.Set("creditsAllocated", 50)
	if err := app.Save(m.Membership); err != nil {
		t.Fatal(err)
	}
	for _, amount := range []any{0, -3, nil, "lots"} {
		if r := c.Do("POST", path, m.Token(t), map[string]any{"amount": amount}); r.Status != 400 {
			t.Fatalf("amount %v: %d %s", amount, r.Status, r.Raw)
		}
	}

	tok := m.Token(t)
	spends := concurrently(20, func(int) testapp.Response {
		return c.Do("POST", path, tok, map[string]any{"amount": 5, "note": "geocoding"})
	})
	if spends[200] != 10 || spends[409] != 10 {
		t.Fatalf("statuses %v of consumes of 5 within an allocation of 50, want 10 × 200 and 10 × 409", spends)
	}
	r := c.Do("POST", path, tok, map[string]any{"amount": 0.5})
	d, _ := r.JSON["data"].(map[string]any)
	if r.Status != 409 || r.Code() != "credits_exceeded" || d["allocated"] != 50.0 || d["used"] != 50.0 || d["remaining"] != 0.0 || d["requested"] != 0.5 {
		t.Fatalf("exceeded: %d %s", r.Status, r.Raw)
	}
	if n := count(t, app, "creditLedger", dbx.HashExp{"org": org.ID, "kind": "consume"}); n != 10 {
		t.Fatalf("%d ledger rows", n)
	}
	if n := count(t, app, "auditLog", dbx.HashExp{"org": org.ID, "action": "credits.consume"}); n != 10 {
		t.Fatalf("%d audit rows", n)
	}
	var remaining float64
	if err := app.DB().NewQuery("SELECT credits FROM memberIndex WHERE membership = {:id}").Bind(dbx.Params{"id": m.ID()}).Row(&remaining); err != nil {
		t.Fatal(err)
	}
	if remaining != 0 {
		t.Fatalf("the member list sees %v credits remaining", remaining)
	}

	// Without a limit, a member spends from what the allocations leave of the pool.
	r = c.Do("POST", path, free.Token(t), map[string]any{"amount": 1e6, "note": "big job"})
	if d, _ := r.JSON["data"].(map[string]any); r.Status != 409 || r.Code() != "pool_exceeded" || d["available"] != 950.0 {
		t.Fatalf("unlimited past the pool: %d %s", r.Status, r.Raw)
	}
	r = c.Do("POST", path, free.Token(t), map[string]any{"amount": 900, "note": "big job"})
	if r.Status != 200 || r.JSON["allocated"] != nil || r.JSON["used"] != 900.0 || r.JSON["remaining"] != nil {
		t.Fatalf("unlimited: %d %s", r.Status, r.Raw)
	}

	r = c.Do("GET", "/api/orgs/"+org.ID+"/credits", org.Owner.Token(t), nil)
	if r.Status != 200 || r.JSON["creditBudgeting"] != true || r.JSON["pool"] != 1000.0 || r.JSON["allocated"] != 50.0 ||
		r.JSON["used"] != 50+900.0 || r.JSON["poolAllocated"] != 950.0 || r.JSON["poolLeft"] != 50.0 ||
		r.JSON["includedCredits"] != 1000.0 || len(r.JSON["ledger"].([]any)) != 11 {
		t.Fatalf("overview: %d %s", r.Status, r.Raw)
	}
	last := r.JSON["ledger"].([]any)[0].(map[string]any)
	if last["kind"] != "consume" || last["amount"] != -900.0 || last["note"] != "big job" || last["membership"] != free.ID() {
		t.Fatalf("latest row %v", last)
	}
}

// TestTheAuditLogKeepsOnlyKindBrandLast4AndExpiryOfAPaymentMethod: the append-only
// audit log (and its CSV export) keeps of a payment method its kind, brand, last 4
// digits and expiry: never the label or the holder (free text, kept for good once
// written) nor the provider's reference, whether the method is added, changed, removed
// or pays an invoice.
func TestTheAuditLogKeepsOnlyKindBrandLast4AndExpiryOfAPaymentMethod(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	path, tok := "/api/orgs/"+org.ID+"/payment-methods", org.Owner.Token(t)
	holder, label := "Marie-Thérèse Labelle-Holderson de la Fontaine", "Carte pro du service comptable, bureau 12"
	card := map[string]any{"holder": holder, "label": label}
	for k, v := range visa {
		if _, ok := card[k]; !ok {
			card[k] = v
		}
	}
	r := c.Do("POST", path, tok, card)
	if r.Status != 200 {
		t.Fatalf("add: %d %s", r.Status, r.Raw)
	}
	id := r.JSON["id"].(string)
	if r := c.Do("PATCH", path+"/"+id, tok, map[string]any{"holder": holder + " II", "label": label + " (bis)", "expMonth": 11}); r.Status != 200 {
		t.Fatalf("update: %d %s", r.Status, r.Raw)
	}
	inv := closePeriod(t, app, org.ID)
	if r := c.Do("POST", "/api/orgs/"+org.ID+"/invoices/"+inv.ID+"/pay", tok, map[string]any{"paymentMethod": id}); r.Status != 200 {
		t.Fatalf("pay: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("POST", path, tok, map[string]any{"kind": "transfer", "label": label + " — virement"}); r.Status != 200 {
		t.Fatalf("add a transfer: %d %s", r.Status, r.Raw)
	}
	if r := c.Do("DELETE", path+"/"+id, tok, nil); r.Status >= 300 {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	var rows []struct {
		Action      string `db:"action"`
		TargetLabel string `db:"targetLabel"`
		Details     string `db:"details"`
	}
	if err := app.DB().NewQuery("SELECT action, targetLabel, details FROM auditLog WHERE org = {:org} AND (action LIKE '%PaymentMethod' OR action = 'billing.payInvoice') ORDER BY seq").
		Bind(dbx.Params{"org": org.ID}).All(&rows); err != nil {
		t.Fatal(err)
	}
	want := []string{"billing.addPaymentMethod", "billing.updatePaymentMethod", "billing.payInvoice", "billing.addPaymentMethod", "billing.removePaymentMethod"}
	if len(rows) != len(want) {
		t.Fatalf("%d audit rows: %+v", len(rows), rows)
	}
	leaks := []string{"Holderson", "Labelle", "comptable", "virement", "manual:", "providerRef", `"label"`, `"holder"`}
	for i, row := range rows {
		if row.Action != want[i] {
			t.Errorf("row %d is %s, want %s", i, row.Action, want[i])
		}
		for _, leak := range leaks {
			if strings.Contains(row.TargetLabel+row.Details, leak) {
				t.Errorf("%s keeps %q: %s %s", row.Action, leak, row.TargetLabel, row.Details)
			}
		}
	}
	if !strings.Contains(rows[1].Details, `"brand":"Visa"`) || !strings.Contains(rows[1].Details, `"last4":"4242"`) ||
		!strings.Contains(rows[1].Details, `"expMonth":11`) || rows[0].TargetLabel != "Visa •••• 4242" || rows[3].TargetLabel != "transfer" {
		t.Errorf("the rows lost what they keep: %+v", rows)
	}
	export := c.Do("GET", "/api/orgs/"+org.ID+"/audit.csv", tok, nil)
	if export.Status != 200 || !strings.Contains(export.Raw, "Visa •••• 4242") {
		t.Fatalf("audit.csv: %d %.300s", export.Status, export.Raw)
	}
	for _, leak := range leaks {
		if strings.Contains(export.Raw, leak) {
			t.Errorf("audit.csv keeps %q", leak)
		}
	}
}

// TestCardNumbersStayOutOfPaymentMethodsOnEveryPath: the operator's records API (under
// any spelling of the collection) and Go code, with or without validation, cannot store
// a payment method whose text holds a card number either (400 card_number_refused
// naming the field; or 403 use_roster, should the operator's writes be refused
// altogether), and the answer does not repeat it.
func TestCardNumbersStayOutOfPaymentMethodsOnEveryPath(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "team")
	col, err := app.FindCollectionByNameOrId("paymentMethods")
	if err != nil {
		t.Fatal(err)
	}
	suTok := operatorToken(t, app)
	pan := "４１１１/1111_1111\u200b١١١١"
	body := map[string]any{"org": org.ID, "kind": "card", "brand": "Visa", "last4": "1111", "expMonth": 12, "expYear": time.Now().Year() + 2, "holder": "Olivia " + pan}
	for _, name := range []string{"paymentMethods", "PAYMENTMETHODS", col.Id} {
		r := c.Do("POST", "/api/collections/"+name+"/records", suTok, body)
		if !(r.Status == 400 && r.FieldCode("holder") == "card_number_refused" || r.Status == 403 && r.Code() == "use_roster") || strings.Contains(r.Raw, "١١١١") {
			t.Errorf("the operator's records API (%s): %d %s", name, r.Status, r.Raw)
		}
	}
	for what, save := range map[string]func(core.Model) error{"Save": app.Save, "SaveNoValidate": app.SaveNoValidate} {
		r := core.NewRecord(col)
		r.Load(body)
		r.Set("label", "Carte "+pan)
		if err := save(r); err == nil || strings.Contains(err.Error(), "١١١١") {
			t.Errorf("Go code, %s: %v", what, err)
		}
	}
	if n := count(t, app, "paymentMethods", dbx.HashExp{"org": org.ID}); n != 0 {
		t.Fatalf("%d payment methods stored", n)
	}
}
