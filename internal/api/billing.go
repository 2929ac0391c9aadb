package api

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/paging"
)

// billingRoutes: the owner's subscription, invoices and payment methods, and credits.
// The services ask the policy (billing.manage: the owner alone; credits.consume: any
// active member); the routes only decode and encode.
func billingRoutes(org *router.RouterGroup[*core.RequestEvent]) {
	org.GET("/subscription", handle(getSubscription))
	org.POST("/subscription/plan", handle(changePlan))
	org.GET("/invoices", handle(listInvoices))
	org.GET("/invoices/{id}", handle(getInvoice)) // also {id}.html: a pattern wildcard is a whole segment
	org.POST("/invoices/{id}/pay", handle(payInvoice))
	org.GET("/payment-methods", handle(listPaymentMethods))
	org.POST("/payment-methods", handle(addPaymentMethod))
	org.PATCH("/payment-methods/{id}", handle(updatePaymentMethod))
	org.DELETE("/payment-methods/{id}", handle(removePaymentMethod))
	org.GET("/credits", handle(getCredits))
	org.POST("/credits/consume", handle(consumeCredits))
}

func getSubscription(e *core.RequestEvent) error {
	s, err := billing.GetSubscription(e.App, actor(e))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, s)
}

func changePlan(e *core.RequestEvent) error {
	var in struct {
		Plan string `json:"plan"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	s, err := billing.ChangePlan(e.App, actor(e), strings.TrimSpace(in.Plan))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, s)
}

func listInvoices(e *core.RequestEvent) error {
	r, err := paging.Parse(e.Request.URL.Query(), clamped)
	if err != nil {
		return err
	}
	p, err := billing.ListInvoices(e.App, actor(e), r)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}

func getInvoice(e *core.RequestEvent) error {
	id, html := strings.CutSuffix(e.Request.PathValue("id"), ".html")
	if !html {
		inv, err := billing.GetInvoice(e.App, actor(e), id)
		if err != nil {
			return err
		}
		return e.JSON(http.StatusOK, inv)
	}
	page, err := billing.InvoiceHTML(e.App, actor(e), id)
	if err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "text/html; charset=utf-8", page)
}

func payInvoice(e *core.RequestEvent) error {
	var in struct {
		PaymentMethod string `json:"paymentMethod"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	inv, err := billing.PayInvoice(e.App, actor(e), e.Request.PathValue("id"), in.PaymentMethod)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, inv)
}

func listPaymentMethods(e *core.RequestEvent) error {
	ms, err := billing.ListPaymentMethods(e.App, actor(e))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": ms})
}

// maxMethodBody bounds a payment method's JSON: a few short fields.
const maxMethodBody = 16 << 10

// methodBody reads the raw body: the service scans every field of it for card data
// before decoding, unknown fields included.
func methodBody(e *core.RequestEvent) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(e.Request.Body, maxMethodBody+1))
	if err != nil {
		return nil, fail.Invalid("body", "unreadable", "The request body could not be read.")
	}
	if len(body) > maxMethodBody {
		return nil, fail.Invalid("body", "too_large", "The request body is too large.")
	}
	return body, nil
}

func addPaymentMethod(e *core.RequestEvent) error {
	body, err := methodBody(e)
	if err != nil {
		return err
	}
	m, err := billing.AddPaymentMethod(e.App, actor(e), body)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, m)
}

func updatePaymentMethod(e *core.RequestEvent) error {
	body, err := methodBody(e)
	if err != nil {
		return err
	}
	m, err := billing.UpdatePaymentMethod(e.App, actor(e), e.Request.PathValue("id"), body)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, m)
}

func removePaymentMethod(e *core.RequestEvent) error {
	if err := billing.RemovePaymentMethod(e.App, actor(e), e.Request.PathValue("id")); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

func getCredits(e *core.RequestEvent) error {
	limit, err := clamped.Size(e.Request.URL.Query(), "limit")
	if err != nil {
		return err
	}
	c, err := billing.GetCredits(e.App, actor(e), limit)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, c)
}

func consumeCredits(e *core.RequestEvent) error {
	var in struct {
		Amount json.Number `json:"amount"`
		Note   string      `json:"note"`
	}
	if err := decodeJSON(e, &in); err != nil {
		return err
	}
	amount, err := in.Amount.Float64()
	if err != nil || math.IsInf(amount, 0) {
		return fail.Invalid("amount", "invalid_number", "amount is a number of credits greater than 0.")
	}
	c, err := billing.Consume(e.App, actor(e), amount, in.Note)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, c)
}

// clamped are the sizes of the invoice list and the credit history: a size above 200
// has always answered 200 rather than a 400.
var clamped = paging.Limits{Default: paging.DefaultPerPage, Max: paging.MaxPerPage, Clamp: true}
