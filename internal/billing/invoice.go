package billing

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Invoice statuses.
const (
	Draft = "draft"
	Open  = "open"
	Paid  = "paid"
	Void  = "void"
)

// Invoice is one period's bill.
type Invoice struct {
	ID            string `json:"id" db:"id"`
	Number        string `json:"number" db:"number"`
	PeriodStart   string `json:"periodStart" db:"periodStart"`
	PeriodEnd     string `json:"periodEnd" db:"periodEnd"`
	Days          int    `json:"days" db:"-"` // billed days in the period (its UTC midnights)
	Lines         []Line `json:"lines,omitempty" db:"-"`
	LineCount     int    `json:"lineCount" db:"lineCount"`
	Total         int    `json:"total" db:"total"` // cents
	Currency      string `json:"currency" db:"currency"`
	Status        string `json:"status" db:"status"`
	IssuedAt      string `json:"issuedAt" db:"issuedAt"`
	PaidAt        string `json:"paidAt" db:"paidAt"`
	PaymentMethod string `json:"paymentMethod" db:"paymentMethod"` // id of the method it was paid with
	PaymentLabel  string `json:"paymentLabel" db:"paymentLabel"`   // that method as it was then
	PaymentRef    string `json:"paymentRef" db:"paymentRef"`       // the provider's reference of the payment
}

func invoiceOf(r *core.Record, withLines bool) (*Invoice, error) {
	inv := &Invoice{ID: r.Id, Number: r.GetString("number"), PeriodStart: r.GetString("periodStart"),
		PeriodEnd: r.GetString("periodEnd"), Total: r.GetInt("total"), Currency: r.GetString("currency"),
		Status: r.GetString("status"), IssuedAt: r.GetString("issuedAt"), PaidAt: r.GetString("paidAt"),
		PaymentMethod: r.GetString("paymentMethod"), PaymentLabel: r.GetString("paymentLabel"),
		PaymentRef: r.GetString("paymentRef")}
	inv.Days = Days(r.GetDateTime("periodStart").Time(), r.GetDateTime("periodEnd").Time())
	var lines []Line
	if err := r.UnmarshalJSONField("lines", &lines); err != nil {
		return nil, fmt.Errorf("billing: lines of invoice %s: %w", r.Id, err)
	}
	inv.LineCount = len(lines)
	if withLines {
		inv.Lines = lines
		if inv.Lines == nil {
			inv.Lines = []Line{}
		}
	}
	return inv, nil
}

// ClosePeriod invoices org's current period and moves its subscription to the next
// one. The invoice bills every seat for the days of the period it was held, at its
// price (daily proration: see the package doc), and is numbered INV-<year>-<NNNN>,
// the next number of the organisation in the year of issue; status open. actor is
// audit.ActorSystem (the cron job) or audit.ActorSuperuser (the CLI).
//
// The period closes when its end is at or before now; force closes it anyway, billing
// the seats held now until the period's end (the next period starts where it would
// have, at its end). Errors: 409 period_not_due {periodEnd}, 409 subscription_canceled,
// and an inconsistent ledger (not a fail.Error: nothing is invoiced).
func ClosePeriod(app core.App, org string, now time.Time, force bool, actor string) (*Invoice, error) {
	var out *Invoice
	err := app.RunInTransaction(func(tx core.App) error {
		sub, err := subscriptionOf(tx, org)
		if err != nil {
			return err
		}
		if sub.GetString("status") == "canceled" {
			return fail.Conflict("subscription_canceled", "This subscription is canceled.", nil)
		}
		start, end := sub.GetDateTime("periodStart").Time(), sub.GetDateTime("periodEnd").Time()
		if !force && end.After(now) {
			return fail.Conflict("period_not_due", "The current period has not ended yet.",
				map[string]any{"periodEnd": sub.GetString("periodEnd")})
		}
		plan, err := tx.FindRecordById("plans", sub.GetString("plan"))
		if err != nil {
			return err
		}
		rows, err := ledgerRows(tx, org, end)
		if err != nil {
			return err
		}
		intervals, err := Replay(rows)
		if err != nil {
			return err
		}
		lines, total := Prorate(intervals, start, end)
		number, err := nextNumber(tx, org, now.UTC().Year())
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("invoices")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"org": org, "number": number, "periodStart": dateTime(start), "periodEnd": dateTime(end),
			"lines": lines, "total": total, "currency": plan.GetString("currency"), "status": Open, "issuedAt": dateTime(now)})
		if err := tx.Save(r); err != nil {
			return err
		}
		sub.Set("periodStart", dateTime(end))
		sub.Set("periodEnd", dateTime(nextPeriodEnd(end, start)))
		if err := tx.Save(sub); err != nil {
			return err
		}
		if out, err = invoiceOf(r, true); err != nil {
			return err
		}
		return audit.Write(tx, audit.Entry{Org: org, Actor: actor, ActorLabel: actor, Action: access.BillingClosePeriod,
			TargetType: "invoice", TargetID: r.Id, TargetLabel: number, Details: map[string]any{
				"periodStart": out.PeriodStart, "periodEnd": out.PeriodEnd, "lines": len(lines),
				"total": total, "currency": out.Currency, "forced": force && end.After(now)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nextNumber is the organisation's next invoice number in year: INV-<year>-<NNNN>.
func nextNumber(tx core.App, org string, year int) (string, error) {
	prefix := fmt.Sprintf("INV-%d-", year)
	var last int
	err := tx.DB().NewQuery(`SELECT CAST(COALESCE(MAX(CAST(substr(number, {:from}) AS INTEGER)), 0) AS INTEGER)
		FROM invoices WHERE org = {:org} AND substr(number, 1, {:len}) = {:prefix}`).
		Bind(dbx.Params{"org": org, "prefix": prefix, "len": len(prefix), "from": len(prefix) + 1}).Row(&last)
	return fmt.Sprintf("%s%04d", prefix, last+1), err
}

// Closed is one organisation's result in CloseDue.
type Closed struct {
	Org      string
	Slug     string
	Invoices []*Invoice
	Err      error
}

// CloseDue closes every due period of every organisation (or of the one with slug, if
// given): a subscription whose period ended at or before now is invoiced, period after
// period, until its current period is not over. force closes the current period of
// the one organisation named, due or not. An organisation whose close fails keeps its
// period (its transaction rolls back) and the others go on; the error is in its result.
func CloseDue(app core.App, now time.Time, slug string, force bool, actor string) ([]Closed, error) {
	if force && slug == "" {
		return nil, fail.Invalid("org", "required", "Name the organisation whose period to close.")
	}
	var subs []struct {
		Org  string `db:"org"`
		Slug string `db:"slug"`
	}
	q := app.DB().Select("s.org AS org", "o.slug AS slug").From("subscriptions s").
		InnerJoin("organizations o", dbx.NewExp("o.id = s.org")).
		Where(dbx.NewExp("s.status != 'canceled'")).OrderBy("o.slug")
	if slug != "" {
		q.AndWhere(dbx.HashExp{"o.slug": slug})
	} else {
		q.AndWhere(dbx.NewExp("s.periodEnd <= {:now}", dbx.Params{"now": dateTime(now).String()}))
	}
	if err := q.All(&subs); err != nil {
		return nil, err
	}
	if slug != "" && len(subs) == 0 {
		return nil, fail.NotFound("No organisation (with an active subscription) has this short name.")
	}
	var out []Closed
	for _, s := range subs {
		c := Closed{Org: s.Org, Slug: s.Slug}
		for i := 0; i < 120; i++ { // ten years of missed periods at most, so a bad period cannot loop forever
			inv, err := ClosePeriod(app, s.Org, now, force && i == 0, actor)
			if fail.Is(err, "period_not_due") {
				break
			}
			if err != nil {
				c.Err = err
				break
			}
			c.Invoices = append(c.Invoices, inv)
		}
		out = append(out, c)
	}
	return out, nil
}

// ListInvoices answers one page of the organisation's invoices, newest first, without
// their lines (lineCount says how many). Access: billing.manage. Errors: 403.
func ListInvoices(app core.App, a access.Actor, r paging.Request) (*paging.Page[*Invoice], error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	total, err := app.CountRecords("invoices", dbx.HashExp{"org": a.Org})
	if err != nil {
		return nil, err
	}
	// Without the lines: an invoice of 100 000 seats has 100 000 of them.
	var rows []*Invoice
	err = app.DB().Select("id", "number", "periodStart", "periodEnd",
		"CASE WHEN json_valid(lines) THEN json_array_length(lines) ELSE 0 END AS lineCount", "total", "currency",
		"status", "issuedAt", "paidAt", "paymentMethod", "paymentLabel", "paymentRef").
		From("invoices").Where(dbx.HashExp{"org": a.Org}).OrderBy("issuedAt DESC", "number DESC").
		Limit(int64(r.Limit())).Offset(int64(r.Offset())).All(&rows)
	if err != nil {
		return nil, err
	}
	for _, inv := range rows {
		inv.Days = Days(dateTime(inv.PeriodStart).Time(), dateTime(inv.PeriodEnd).Time())
	}
	out := paging.Of(r, int(total), rows)
	return &out, nil
}

// GetInvoice answers one invoice of the organisation with its lines.
// Access: billing.manage. Errors: 403, 404.
func GetInvoice(app core.App, a access.Actor, id string) (*Invoice, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	r, err := findInvoice(app, a.Org, id)
	if err != nil {
		return nil, err
	}
	return invoiceOf(r, true)
}

func findInvoice(app core.App, org, id string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("invoices", "id = {:id} && org = {:org}", dbx.Params{"id": id, "org": org})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.NotFound("Invoice not found.")
	}
	return r, err
}

// PayInvoice marks an open invoice paid with one of the organisation's payment methods
// (methodID; empty: the default one), through that method's provider, and writes one
// audit row. Access: billing.manage. Errors: 403, 404 (invoice), 400 paymentMethod
// unknown, 409 invoice_not_open {status}, 409 no_payment_method.
func PayInvoice(app core.App, a access.Actor, id, methodID string) (*Invoice, error) {
	if err := owner(a); err != nil {
		return nil, err
	}
	var out *Invoice
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := findInvoice(tx, a.Org, id)
		if err != nil {
			return err
		}
		if r.GetString("status") != Open {
			return fail.Conflict("invoice_not_open", "Only an open invoice can be paid.", map[string]any{"status": r.GetString("status")})
		}
		m, err := methodForPayment(tx, a.Org, methodID)
		if err != nil {
			return err
		}
		method := methodOf(m)
		p, err := providerOf(method.Provider)
		if err != nil {
			return err
		}
		inv, err := invoiceOf(r, false)
		if err != nil {
			return err
		}
		payment, err := p.Collect(*inv, method)
		if err != nil {
			return err
		}
		r.Set("status", Paid)
		r.Set("paidAt", dateTime(payment.At))
		r.Set("paymentMethod", method.ID)
		r.Set("paymentLabel", method.Label)
		r.Set("paymentRef", payment.Ref)
		if err := tx.Save(r); err != nil {
			return err
		}
		if out, err = invoiceOf(r, true); err != nil {
			return err
		}
		return audit.Record(tx, a, access.BillingPayInvoice, "invoice", r.Id, out.Number, map[string]any{
			"before": map[string]any{"status": Open},
			"after":  map[string]any{"status": Paid, "paymentMethod": method.auditLabel(), "provider": p.Name(), "total": out.Total, "currency": out.Currency},
		})
	})
	return out, err
}

func methodForPayment(tx core.App, org, id string) (*core.Record, error) {
	if id != "" {
		m, err := tx.FindFirstRecordByFilter("paymentMethods", "id = {:id} && org = {:org}", dbx.Params{"id": id, "org": org})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fail.Invalid("paymentMethod", "unknown", "There is no such payment method.")
		}
		return m, err
	}
	m, err := tx.FindFirstRecordByFilter("paymentMethods", "org = {:org} && isDefault = true", dbx.Params{"org": org})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail.Conflict("no_payment_method", "Add a payment method first.", nil)
	}
	return m, err
}
