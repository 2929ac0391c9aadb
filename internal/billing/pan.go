package billing

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/unicode/norm"

	"roster/internal/fail"
)

// Card data Roster refuses to receive: a full card number
// (PAN) anywhere in the input, or a card security code field. The errors name the
// field, never the value.

const (
	codePAN = "card_number_refused"
	codeCVC = "cvc_refused"
)

// securityCodeKeys are the names (lower-case, without separators) of card security
// code fields.
var securityCodeKeys = map[string]bool{
	"cvc": true, "cvv": true, "cvc2": true, "cvv2": true, "cid": true, "csc": true, "cav2": true,
	"securitycode": true, "cardsecuritycode": true, "cardverificationcode": true, "cardverificationvalue": true,
}

// CheckCardData refuses a JSON document (any shape, any depth) that holds a card
// security code field (400 cvc_refused on that field) or a value or key that looks
// like a full card number (400 card_number_refused on that field). Fields are named
// by their path ("holder", "card.number", "items.0"). Invalid JSON is a 400 body.
func CheckCardData(raw []byte) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // a number keeps its digits
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fail.Invalid("body", "invalid_json", "The request body is not valid JSON.")
	}
	return scanCardData("", doc)
}

func scanCardData(path string, v any) error {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if securityCodeKeys[normalKey(k)] {
				return fail.Invalid(join(k), codeCVC,
					"Never send a card's security code: Roster does not take or keep it.")
			}
		}
		for _, k := range keys {
			if LooksLikeCardNumber(k) {
				return panRefused("body")
			}
			if err := scanCardData(join(k), x[k]); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := scanCardData(join(strconv.Itoa(i)), e); err != nil {
				return err
			}
		}
	case string:
		if LooksLikeCardNumber(x) {
			return panRefused(path)
		}
	case json.Number:
		if LooksLikeCardNumber(x.String()) {
			return panRefused(path)
		}
	}
	return nil
}

// bindCardDataGuard refuses a payment method whose text fields hold something that
// looks like a full card number, however it is saved: Roster's routes scan the whole
// body first (CheckCardData), this holds for the records API, the dashboard and Go code
// too. It runs at validation, and again at the execute step for a save without
// validation (SaveNoValidate). Errors: 400 card_number_refused naming the field.
func bindCardDataGuard(app core.App) {
	guard := func(e *core.RecordEvent) error {
		for _, f := range e.Record.Collection().Fields {
			// The id is PocketBase's (15 random letters and digits), never the payer's.
			if _, ok := f.(*core.TextField); ok && f.GetName() != core.FieldNameId && LooksLikeCardNumber(e.Record.GetString(f.GetName())) {
				fe, _ := fail.As(panRefused(f.GetName()))
				return validation.Errors{fe.Field: validation.NewError(fe.Code, fe.Message)}
			}
		}
		return e.Next()
	}
	app.OnRecordValidate("paymentMethods").BindFunc(guard)
	app.OnRecordCreateExecute("paymentMethods").BindFunc(guard)
	app.OnRecordUpdateExecute("paymentMethods").BindFunc(guard)
}

func panRefused(field string) error {
	if field == "" {
		field = "body"
	}
	return fail.Invalid(field, codePAN, "This looks like a full card number. Roster never keeps card numbers: "+
		"enter only the brand and the last 4 digits.")
}

func normalKey(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(norm.NFKC.String(k)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LooksLikeCardNumber reports whether s contains a full card number (docs/reliability.md §9): 13 to 19 digits that pass the Luhn check, in groups separated by any run
// of characters that are neither letters nor digits ("4111 1111 1111 1111",
// "4111/1111_1111+1111", "4111 - - 1111 -- 1111 1111", zero-width or ideographic
// spaces). s is first NFKC-normalised (full-width "４１１１" becomes "4111") and every
// Unicode decimal digit counts as its value ("٤١١١" is 4111). A letter, or a number
// that is not a decimal digit, ends the run. Every run of consecutive groups is tried,
// so a number followed by more digits ("4111 1111 1111 1111 12 29") is still found;
// digits glued to other digits are one group (a 20-digit reference is not a card
// number). Digits that fail the Luhn check are not refused.
func LooksLikeCardNumber(s string) bool {
	var groups []string // the digit groups of the current run
	var cur []byte
	check := func() bool {
		for i := range groups {
			var digits []byte
			for _, g := range groups[i:] {
				if len(digits)+len(g) > 19 {
					break
				}
				digits = append(digits, g...)
				if len(digits) >= 13 && luhn(string(digits)) {
					return true
				}
			}
		}
		return false
	}
	endGroup := func() {
		if len(cur) > 0 {
			groups = append(groups, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.IsDigit(r):
			cur = append(cur, '0'+digitValue(r))
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			endGroup()
			if check() {
				return true
			}
			groups = groups[:0]
		default: // a separator, however long its run
			endGroup()
		}
	}
	endGroup()
	return check()
}

// digitValue is the value of a Unicode decimal digit (unicode.Nd). Unicode encodes
// each script's decimal digits as ten consecutive code points, 0 to 9, so the ranges
// of unicode.Nd are runs of such sets and a digit's value is its distance from the
// start of its range, mod 10 (TestDigitValue checks this of every range).
func digitValue(r rune) byte {
	if r <= '9' {
		return byte(r - '0')
	}
	for _, rg := range unicode.Nd.R16 {
		if r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	return 0
}

// luhn reports whether a string of digits passes the Luhn (mod 10) check.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
