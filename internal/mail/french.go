package mail

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// De is French "de X" with the elision French requires before a vowel: "de Luc",
// "d’Éric", "d’Équipe Nord" (never "de Équipe"). Mute h is not told from aspirated h, so
// names starting with h keep "de". Templates call it as {{de .OrgName}}.
func De(name string) string {
	r, _ := utf8.DecodeRuneInString(name)
	if strings.ContainsRune("aeiouyàâäéèêëîïôöùûüœæ", unicode.ToLower(r)) {
		return "d’" + name
	}
	return "de " + name
}

// funcs are the functions every template may call. de takes any value, as index
// returns one: nothing (a key a template names but a mail left out) prints as "de ".
var funcs = map[string]any{"de": func(v any) string {
	if v == nil {
		return De("")
	}
	return De(fmt.Sprint(v))
}}
