package billing

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"roster/internal/fail"
)

// Card data Roster refuses to receive (DESIGN §4 paymentMethods): a full card number
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

func panRefused(field string) error {
	if field == "" {
		field = "body"
	}
	return fail.Invalid(field, codePAN, "This looks like a full card number. Roster never keeps card numbers: "+
		"enter only the brand and the last 4 digits.")
}

func normalKey(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isCardSeparator reports whether r may sit between the digits of a typed card number:
// spaces (also no-break and thin ones), dashes and dots.
func isCardSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '.', '\u00a0', '\u2009', '\u202f', '\u2007', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// LooksLikeCardNumber reports whether s contains a full card number: 13 to 19 digits,
// possibly in groups separated by up to three spaces, dashes or dots, that pass the
// Luhn check. Every run of consecutive groups is tried, so a number followed by more
// digits ("4111 1111 1111 1111 12 29") is still found; digits glued to other digits
// are one group (a 20-digit reference is not a card number). A string of 13 to 19
// digits that fails the Luhn check is not refused.
func LooksLikeCardNumber(s string) bool {
	var groups []string // the digit groups of the current run
	var cur strings.Builder
	seps := 0
	check := func() bool {
		for i := range groups {
			n := 0
			var digits strings.Builder
			for j := i; j < len(groups); j++ {
				n += len(groups[j])
				if n > 19 {
					break
				}
				digits.WriteString(groups[j])
				if n >= 13 && luhn(digits.String()) {
					return true
				}
			}
		}
		return false
	}
	endGroup := func() {
		if cur.Len() > 0 {
			groups = append(groups, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
			seps = 0
		case isCardSeparator(r) && (cur.Len() > 0 || len(groups) > 0) && seps < 3:
			endGroup()
			seps++
		default:
			endGroup()
			if check() {
				return true
			}
			groups, seps = groups[:0], 0
		}
	}
	endGroup()
	return check()
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
