package billing

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
)

// Provider takes payments. Roster keeps only what identifies a payment method to the
// owner (kind, brand, last 4 digits, expiry, holder) and the provider's reference.
type Provider interface {
	// Name is the provider's name, the prefix of its references ("manual").
	Name() string
	// Register records a new payment method and returns its reference at the provider.
	Register(m PaymentMethod) (string, error)
	// Collect takes an invoice's total with a payment method.
	Collect(inv Invoice, m PaymentMethod) (Payment, error)
	// Forget removes a payment method from the provider.
	Forget(m PaymentMethod) error
}

// Payment is a payment a provider took.
type Payment struct {
	Ref string    // the provider's reference of the payment
	At  time.Time // when it was received
}

// Manual is the built-in provider: it takes no money itself. Collect records that the
// owner received the payment (by card terminal, SEPA debit or transfer) now.
type Manual struct{}

func (Manual) Name() string { return "manual" }

func (Manual) Register(PaymentMethod) (string, error) { return "manual:" + randomRef(), nil }

func (Manual) Collect(Invoice, PaymentMethod) (Payment, error) {
	return Payment{Ref: "manual:" + randomRef(), At: now()}, nil
}

func (Manual) Forget(PaymentMethod) error { return nil }

// randomRef is a provider reference of 16 random letters: no digits, so the card guard
// (bindCardDataGuard scans every text field) can never take it for a card number, as
// hexadecimal sometimes was (16 digits passing Luhn, about once in 20 000).
func randomRef() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	for i, c := range b {
		b[i] = 'a' + c%26
	}
	return string(b)
}

// providers are the known providers by name; new methods go to the first.
var providers = []Provider{Manual{}}

func providerOf(name string) (Provider, error) {
	for _, p := range providers {
		if p.Name() == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("billing: unknown payment provider %q", name)
}

// Kinds of payment methods.
const (
	Card     = "card"
	SEPA     = "sepa"
	Transfer = "transfer"
)

// PaymentMethod is one of the organisation's ways to pay.
type PaymentMethod struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Label     string `json:"label"`
	Brand     string `json:"brand"`
	Last4     string `json:"last4"`
	ExpMonth  int    `json:"expMonth"`
	ExpYear   int    `json:"expYear"`
	Holder    string `json:"holder"`
	IsDefault bool   `json:"isDefault"`
	Provider  string `json:"provider"`
	Created   string `json:"created"`
	ref       string
}

func methodOf(r *core.Record) PaymentMethod {
	ref := r.GetString("providerRef")
	provider, _, _ := strings.Cut(ref, ":")
	return PaymentMethod{ID: r.Id, Kind: r.GetString("kind"), Label: r.GetString("label"), Brand: r.GetString("brand"),
		Last4: r.GetString("last4"), ExpMonth: r.GetInt("expMonth"), ExpYear: r.GetInt("expYear"),
		Holder: r.GetString("holder"), IsDefault: r.GetBool("isDefault"), Provider: provider,
		Created: r.GetString("created"), ref: ref}
}

// view is what the audit log keeps of a method (docs/reliability.md §9): kind,
// brand, last 4 and expiry. Never its label or holder, free text that the append-only
// log and its CSV would keep for good whatever it holds, nor the provider's reference.
func (m PaymentMethod) view() map[string]any {
	return map[string]any{"kind": m.Kind, "brand": m.Brand, "last4": m.Last4, "expMonth": m.ExpMonth, "expYear": m.ExpYear}
}

// auditLabel names the method in the audit log from what view keeps: "Visa •••• 4242",
// "SEPA •••• 1234", or its kind.
func (m PaymentMethod) auditLabel() string {
	if l := m.defaultLabel(); l != "" {
		return l
	}
	return m.Kind
}

// methodInput is a payment method as sent: only the fields present change.
type methodInput struct {
	Kind      *string `json:"kind"`
	Label     *string `json:"label"`
	Brand     *string `json:"brand"`
	Last4     *string `json:"last4"`
	ExpMonth  *int    `json:"expMonth"`
	ExpYear   *int    `json:"expYear"`
	Holder    *string `json:"holder"`
	IsDefault *bool   `json:"isDefault"`
}

// parseMethod refuses card data (CheckCardData) before it reads anything, then decodes.
func parseMethod(body []byte) (methodInput, error) {
	var in methodInput
	if err := CheckCardData(body); err != nil {
		return in, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return in, nil
	}
	err := json.Unmarshal(body, &in)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return in, nil
	case errors.As(err, &te) && te.Field != "":
		return in, fail.Invalid(te.Field, "invalid_type", "This value has the wrong type.")
	default:
		return in, fail.Invalid("body", "invalid_json", "The request body is not valid JSON.")
	}
}

// apply sets the fields present in in on m, trimmed.
func (in methodInput) apply(m *PaymentMethod) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&m.Label, in.Label)
	set(&m.Brand, in.Brand)
	set(&m.Last4, in.Last4)
	set(&m.Holder, in.Holder)
	if in.ExpMonth != nil {
		m.ExpMonth = *in.ExpMonth
	}
	if in.ExpYear != nil {
		m.ExpYear = *in.ExpYear
	}
}

var fourDigits = regexp.MustCompile(`^[0-9]{4}$`)

// validate checks m for its kind and clears the fields the kind does not have. The
// expiry is checked when checkExpiry (a new card, or a new expiry): not in the past.
func (m *PaymentMethod) validate(today time.Time, checkExpiry bool) error {
	errs := validation.Errors{}
	bad := func(field, code, msg string) { errs[field] = validation.NewError(code, msg) }
	tooLong := func(field, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			bad(field, "too_long", fmt.Sprintf("At most %d characters.", n))
		}
	}
	tooLong("label", m.Label, 100)
	tooLong("brand", m.Brand, 40)
	tooLong("holder", m.Holder, 200)
	switch m.Kind {
	case Card:
		if m.Brand == "" {
			bad("brand", "required", "Name the card's brand (Visa, Mastercard…).")
		}
		if !fourDigits.MatchString(m.Last4) {
			bad("last4", "invalid", "Enter exactly the last 4 digits of the card.")
		}
		if m.ExpMonth < 1 || m.ExpMonth > 12 {
			bad("expMonth", "out_of_range", "The expiry month is 1 to 12.")
		}
		y, mo := today.Year(), int(today.Month())
		switch {
		case m.ExpYear < 2000 || m.ExpYear > y+50:
			bad("expYear", "out_of_range", "Enter the expiry year in full (2031).")
		case checkExpiry && m.ExpYear < y:
			bad("expYear", "expired", "This card has expired.")
		case checkExpiry && m.ExpYear == y && m.ExpMonth >= 1 && m.ExpMonth < mo:
			bad("expMonth", "expired", "This card has expired.")
		}
		if m.Holder == "" {
			bad("holder", "required", "Enter the cardholder's name.")
		}
	case SEPA:
		if !fourDigits.MatchString(m.Last4) {
			bad("last4", "invalid", "Enter exactly the last 4 digits of the IBAN.")
		}
		if m.Holder == "" {
			bad("holder", "required", "Enter the account holder's name.")
		}
		m.Brand, m.ExpMonth, m.ExpYear = "", 0, 0
	case Transfer:
		if m.Label == "" {
			bad("label", "required", "Describe the transfer (bank, reference…).")
		}
		m.Brand, m.Last4, m.ExpMonth, m.ExpYear, m.Holder = "", "", 0, 0, ""
	default:
		bad("kind", "invalid_choice", "Choose card, sepa or transfer.")
	}
	if len(errs) > 0 {
		return errs
	}
	if m.Label == "" {
		m.Label = m.defaultLabel()
	}
	return nil
}

// defaultLabel names a card or SEPA mandate that was given no label.
func (m PaymentMethod) defaultLabel() string {
	switch m.Kind {
	case Card:
		return fmt.Sprintf("%s •••• %s", m.Brand, m.Last4)
	case SEPA:
		return "SEPA •••• " + m.Last4
	}
	return ""
}

func (m PaymentMethod) fields() map[string]any {
	return map[string]any{"kind": m.Kind, "label": m.Label, "brand": m.Brand, "last4": m.Last4, "expMonth": m.ExpMonth,
		"expYear": m.ExpYear, "holder": m.Holder, "isDefault": m.IsDefault, "providerRef": m.ref}
}

// ListPaymentMethods answers the organisation's payment methods, the default first.
// Access: billing.manage. Errors: 403.
func ListPaymentMethods(app core.App, a access.Actor) ([]PaymentMethod, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	recs, err := methodsOf(app, a.Org, 0)
	if err != nil {
		return nil, err
	}
	out := make([]PaymentMethod, 0, len(recs))
	for _, r := range recs {
		out = append(out, methodOf(r))
	}
	return out, nil
}

// methodsOf reads the organisation's payment methods, the default first, then the
// most recent (limit 0: all).
func methodsOf(app core.App, org string, limit int64) ([]*core.Record, error) {
	q := app.RecordQuery("paymentMethods").AndWhere(dbx.HashExp{"org": org}).
		OrderBy("isDefault DESC", "created DESC", "rowid DESC")
	if limit > 0 {
		q.Limit(limit)
	}
	var recs []*core.Record
	return recs, q.All(&recs)
}

// AddPaymentMethod records a payment method from a JSON body: kind card (brand, last4,
// expMonth, expYear, holder), sepa (last4 of the IBAN, holder) or transfer (label);
// label optional otherwise. The first method is the default; isDefault makes a new
// one the default. One audit row. Access: billing.manage. Errors: 403; 400 per field;
// 400 card_number_refused / cvc_refused (see CheckCardData), before anything is read.
func AddPaymentMethod(app core.App, a access.Actor, body []byte) (*PaymentMethod, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	in, err := parseMethod(body)
	if err != nil {
		return nil, err
	}
	var m PaymentMethod
	if in.Kind != nil {
		m.Kind = strings.TrimSpace(*in.Kind)
	}
	in.apply(&m)
	if err := m.validate(now(), true); err != nil {
		return nil, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		n, err := tx.CountRecords("paymentMethods", dbx.HashExp{"org": a.Org})
		if err != nil {
			return err
		}
		m.IsDefault = n == 0 || in.IsDefault != nil && *in.IsDefault
		p := providers[0]
		if m.ref, err = p.Register(m); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("paymentMethods")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Load(m.fields())
		r.Set("org", a.Org)
		if err := tx.Save(r); err != nil {
			return err
		}
		if m.IsDefault {
			if err := onlyDefault(tx, a.Org, r.Id); err != nil {
				return err
			}
		}
		m = methodOf(r)
		return audit.Record(tx, a, access.BillingAddPaymentMethod, "paymentMethod", r.Id, m.auditLabel(), map[string]any{"after": m.view()})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// UpdatePaymentMethod changes the fields present in a JSON body (not the kind);
// isDefault true makes it the default (there is always exactly one; to change it,
// make another one the default). One audit row. Access: billing.manage.
// Errors: 403, 404, 400 per field, 400 card_number_refused / cvc_refused.
func UpdatePaymentMethod(app core.App, a access.Actor, id string, body []byte) (*PaymentMethod, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	in, err := parseMethod(body)
	if err != nil {
		return nil, err
	}
	var out PaymentMethod
	err = app.RunInTransaction(func(tx core.App) error {
		r, err := findMethod(tx, a.Org, id)
		if err != nil {
			return err
		}
		before := methodOf(r)
		m := before
		if in.Kind != nil && strings.TrimSpace(*in.Kind) != m.Kind {
			return fail.Invalid("kind", "immutable", "The kind of a payment method cannot change: add a new one.")
		}
		if in.IsDefault != nil && !*in.IsDefault && m.IsDefault {
			return fail.Invalid("isDefault", "default_required", "Make another payment method the default instead.")
		}
		if m.Label == m.defaultLabel() {
			m.Label = "" // a default label follows the brand and digits
		}
		in.apply(&m)
		if in.IsDefault != nil && *in.IsDefault {
			m.IsDefault = true
		}
		if err := m.validate(now(), in.ExpMonth != nil || in.ExpYear != nil); err != nil {
			return err
		}
		if m == before {
			out = before // nothing changes: no audit row
			return nil
		}
		r.Load(m.fields())
		if err := tx.Save(r); err != nil {
			return err
		}
		if m.IsDefault && !before.IsDefault {
			if err := onlyDefault(tx, a.Org, r.Id); err != nil {
				return err
			}
		}
		out = methodOf(r)
		return audit.Record(tx, a, access.BillingUpdatePaymentMethod, "paymentMethod", r.Id, out.auditLabel(),
			map[string]any{"before": before.view(), "after": out.view()})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RemovePaymentMethod deletes a payment method; when it was the default, the most
// recent other one becomes the default. One audit row. Access: billing.manage.
// Errors: 403, 404.
func RemovePaymentMethod(app core.App, a access.Actor, id string) error {
	if err := owner(a); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := findMethod(tx, a.Org, id)
		if err != nil {
			return err
		}
		m := methodOf(r)
		if p, err := providerOf(m.Provider); err == nil {
			if err := p.Forget(m); err != nil {
				return err
			}
		}
		if err := tx.Delete(r); err != nil {
			return err
		}
		if m.IsDefault {
			next, err := methodsOf(tx, a.Org, 1) // none is the default any more: the most recent
			if err != nil {
				return err
			}
			if len(next) > 0 {
				next[0].Set("isDefault", true)
				if err := tx.Save(next[0]); err != nil {
					return err
				}
			}
		}
		return audit.Record(tx, a, access.BillingRemovePaymentMethod, "paymentMethod", r.Id, m.auditLabel(), map[string]any{"before": m.view()})
	})
}

func findMethod(app core.App, org, id string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("paymentMethods", "id = {:id} && org = {:org}", dbx.Params{"id": id, "org": org})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound("Payment method not found.")
	}
	return r, err
}

// onlyDefault makes id the organisation's one default payment method.
func onlyDefault(tx core.App, org, id string) error {
	_, err := tx.DB().NewQuery("UPDATE paymentMethods SET isDefault = FALSE, updated = {:now} WHERE org = {:org} AND id != {:id} AND isDefault = TRUE").
		Bind(dbx.Params{"org": org, "id": id, "now": dateTime(now()).String()}).Execute()
	return err
}
