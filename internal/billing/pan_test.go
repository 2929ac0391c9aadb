package billing

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TestCardNumbersAreFoundHoweverTheyAreWritten: a card number is found whatever sits
// between its digits (any run of characters that are neither letters nor digits),
// whatever digits it is written in; letters end it, and digits that are not a card
// number (too few, too many glued together, failing the Luhn check) are not refused.
func TestCardNumbersAreFoundHoweverTheyAreWritten(t *testing.T) {
	for _, c := range []struct {
		name, s string
		want    bool
	}{
		{"slashes", "4111/1111/1111/1111", true},
		{"underscores", "4111_1111_1111_1111", true},
		{"commas", "4111,1111,1111,1111", true},
		{"plus signs", "4111+1111+1111+1111", true},
		{"more than three separators", "4111 - - 1111 -- 1111 1111", true},
		{"a long run of separators", "4111" + strings.Repeat(" -", 100) + "1111 1111 1111", true},
		{"mixed punctuation", "5555 // 5555 \\ 5555 || 4444", true},
		{"line breaks and tabs", "4111\n1111\r\n1111\t1111", true},
		{"full-width digits", "４１１１ １１１１ １１１１ １１１１", true},
		{"full-width digits and separators", "４１１１－１１１１／１１１１＿１１１１", true},
		{"Arabic-Indic digits", "٤١١١١١١١١١١١١١١١", true},
		{"extended Arabic-Indic digits", "۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱", true},
		{"Devanagari digits", "४१११ ११११ ११११ ११११", true},
		{"mathematical bold digits", "𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏", true},
		{"superscript digits", "⁴¹¹¹ ¹¹¹¹ ¹¹¹¹ ¹¹¹¹", true},
		{"zero-width spaces", "4111\u200b1111\u200b1111\u200b1111", true},
		{"ideographic spaces", "4111\u30001111\u30001111\u30001111", true},
		{"word joiners and soft hyphens", "4111\u20601111\u00ad1111\ufeff1111", true},
		{"combining marks on the digits", "4\u0301111 1111 1111 1111", true},
		{"every script and separator at once", "４١١1-1111\u200b1111\u3000١١١١", true},
		{"an Amex number in dots", "3782.822463.10005", true},
		{"a number with its expiry after it", "4242 4242 4242 4242 12/29", true},
		{"a number after words", "ma carte : 4111 1111 1111 1111, merci", true},
		{"a number glued to letters", "card4000056655665556please", true},

		{"digits split by letters", "4111a1111b1111c1111", false},
		{"a number that fails the Luhn check", "Order 4111 1111 1111 1112", false},
		{"a French phone number", "+33 6 12 34 56 78", false},
		{"a phone number with an extension", "+1 (555) 010-4477 ext. 12", false},
		{"an IBAN", "FR76 3000 6000 0112 3456 7890 189", false},
		{"another IBAN", "DE89 3704 0044 0532 0130 00", false},
		{"a 20-digit reference", "12345678901234567890", false},
		{"a short reference", "INV-2026-0001, PO 778899", false},
		{"a date and time", "2026-12-07 06:03:36", false},
		{"the last four digits", "Visa •••• 4242", false},
		{"no digits at all", "Olivia Owner", false},
	} {
		if got := LooksLikeCardNumber(c.s); got != c.want {
			t.Errorf("%s: LooksLikeCardNumber(%q) = %v, want %v", c.name, c.s, got, c.want)
		}
	}
}

// TestDigitValue: digitValue relies on every range of unicode.Nd being whole sets of
// ten consecutive digits from 0 to 9; this holds for the Unicode tables Go is built
// with, and each digit's value is what its name says.
func TestDigitValue(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("unicode.Nd range %U–%U (stride %d) is not whole sets of ten digits", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
	for r, want := range map[rune]byte{'0': 0, '7': 7, '٤': 4, '۹': 9, '४': 4, '০': 0, '๓': 3, '𝟒': 4, '𝟗': 9, '𝟶': 0, '᠕': 5} {
		if got := digitValue(r); got != want {
			t.Errorf("digitValue(%q) = %d, want %d", r, got, want)
		}
	}
}

// FuzzLooksLikeCardNumber: for any strings a, sep and b, a card number is found
// between letters whatever a and b are, and with sep between its groups once sep is
// kept to characters that are neither letters nor numbers (after NFKC); the answer
// does not change when the input is normalised first.
func FuzzLooksLikeCardNumber(f *testing.F) {
	for _, s := range [][3]string{
		{"", " ", ""}, {"Olivia", "/", "12/29"}, {"٤١١١", "\u200b", "４"}, {"x", " - - ", "\u3000"}, {"\xff", "\u0301", "e\u0301"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, sep, b string) {
		if s := a + " x 4111 1111 1111 1111 x " + b; !LooksLikeCardNumber(s) {
			t.Fatalf("not found between letters: %q", s)
		}
		var kept strings.Builder
		for _, r := range sep {
			if !strings.ContainsFunc(norm.NFKC.String(string(r)), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
				kept.WriteRune(r)
			}
		}
		sep = kept.String()
		if s := "4111" + sep + "1111" + sep + "1111" + sep + "1111"; !LooksLikeCardNumber(s) {
			t.Fatalf("not found with separator %q", sep)
		}
		s := a + sep + b
		if LooksLikeCardNumber(s) != LooksLikeCardNumber(norm.NFKC.String(s)) {
			t.Fatalf("normalising %q changes the answer", s)
		}
	})
}

// The manual provider's references are letters only: hexadecimal ones were sometimes
// 16 digits passing Luhn, and the card guard refused the payment method (about once in
// 20 000 methods added).
func TestProviderReferencesNeverLookLikeCardNumbers(t *testing.T) {
	for range 2000 {
		ref := randomRef()
		if strings.ContainsAny(ref, "0123456789") || LooksLikeCardNumber(ref) || len(ref) != 16 {
			t.Fatalf("reference %q", ref)
		}
	}
}
