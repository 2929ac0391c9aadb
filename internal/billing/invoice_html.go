package billing

import (
	"bytes"
	"embed"
	"html/template"
	"strconv"
	"strings"
	"time"

	"roster/internal/access"
	"roster/internal/mail"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

//go:embed templates/invoice.*.html
var invoiceTemplates embed.FS

// Money formats cents in a currency the way lang (fr or en) writes amounts:
// fr "1 234,56 €" (narrow no-break space between thousands, no-break space before the
// symbol), en "€1,234.56". A currency without a symbol here is written by its code.
func Money(cents int, currency, lang string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units, rest := strconv.Itoa(cents/100), cents%100
	group, decimal := ",", "."
	if lang == "fr" {
		group, decimal = "\u202f", ","
	}
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	number := b.String() + decimal + strconv.Itoa(rest/10) + strconv.Itoa(rest%10)
	symbol, before := currencySymbol(currency, lang)
	sign := ""
	if neg {
		sign = "-"
	}
	if lang == "fr" {
		return sign + number + "\u00a0" + symbol
	}
	if before {
		return sign + symbol + number
	}
	return sign + symbol + "\u00a0" + number
}

// currencySymbol is the symbol of a currency, and whether English writes it glued
// before the number.
func currencySymbol(code, lang string) (string, bool) {
	switch code {
	case "EUR":
		return "€", true
	case "GBP":
		return "£", true
	case "USD":
		if lang == "fr" {
			return "$\u00a0US", true
		}
		return "US$", true
	case "JPY":
		return "¥", true
	}
	return code, false
}

var months = map[string][]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// LongDate writes a date as lang does: fr "1er mars 2026", "14 mars 2026"; en "14 March 2026".
func LongDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if lang != "fr" {
		lang = "en"
	}
	d := strconv.Itoa(t.Day())
	if lang == "fr" && t.Day() == 1 {
		d = "1er"
	}
	return d + " " + months[lang][t.Month()-1] + " " + strconv.Itoa(t.Year())
}

var userTypeNames = map[string]map[string]string{
	"fr": {"viewer": "Lecteur", "contributor": "Contributeur", "creator": "Créateur", "professional": "Professionnel"},
	"en": {"viewer": "Viewer", "contributor": "Contributor", "creator": "Creator", "professional": "Professional"},
}

var statusNames = map[string]map[string]string{
	"fr": {Draft: "Brouillon", Open: "À payer", Paid: "Payée", Void: "Annulée"},
	"en": {Draft: "Draft", Open: "Due", Paid: "Paid", Void: "Void"},
}

// invoicePage is what an invoice template shows.
type invoicePage struct {
	Lang     string
	Invoice  *Invoice
	OrgName  string
	OrgSlug  string
	Owner    string // the owner's name and address
	Currency string
}

// InvoiceHTML renders an invoice as a printable HTML page, in the owner's language
// (fr or en; else the organisation's default), with the organisation's name and the
// amounts in the invoice's currency. Access: billing.manage. Errors: 403, 404.
func InvoiceHTML(app core.App, a access.Actor, id string) ([]byte, error) {
	inv, err := GetInvoice(app, a, id)
	if err != nil {
		return nil, err
	}
	org, err := app.FindRecordById("organizations", a.Org)
	if err != nil {
		return nil, err
	}
	var owner struct {
		Given    string `db:"givenName"`
		Family   string `db:"familyName"`
		Email    string `db:"email"`
		Language string `db:"language"`
	}
	err = app.DB().NewQuery(`SELECT u.givenName, u.familyName, u.email, u.language FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.org = {:org} AND m.role = 'owner' LIMIT 1`).Bind(dbx.Params{"org": a.Org}).One(&owner)
	if err != nil {
		return nil, err
	}
	return renderInvoice(invoicePage{Lang: mail.Language(owner.Language, org.GetString("defaultLanguage")), Invoice: inv, OrgName: org.GetString("name"), OrgSlug: org.GetString("slug"),
		Owner: strings.TrimSpace(strings.TrimSpace(owner.Given+" "+owner.Family) + " <" + owner.Email + ">"), Currency: inv.Currency})
}

func dayStart(i int64) time.Time { return time.Unix(i*86400, 0).UTC() }

func renderInvoice(p invoicePage) ([]byte, error) {
	funcs := template.FuncMap{
		"money": func(cents int) string { return Money(cents, p.Currency, p.Lang) },
		"date":  func(s string) string { return LongDate(dateTime(s).Time(), p.Lang) },
		"day": func(s string) string {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return s
			}
			return LongDate(t, p.Lang)
		},
		// The first and last billed days of a period: its first and last UTC midnights.
		"firstDay": func(s string) string { return LongDate(dayStart(midnightIndex(dateTime(s).Time())), p.Lang) },
		"lastDay":  func(s string) string { return LongDate(dayStart(midnightIndex(dateTime(s).Time())-1), p.Lang) },
		"userType": func(t string) string { return userTypeNames[p.Lang][t] },
		"status":   func(s string) string { return statusNames[p.Lang][s] },
	}
	name := "invoice." + p.Lang + ".html"
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").ParseFS(invoiceTemplates, "templates/"+name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
