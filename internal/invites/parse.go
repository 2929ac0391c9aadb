package invites

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/mail"
	"strings"
	"unicode/utf8"

	"roster/internal/access"
	"roster/internal/fail"
	"roster/internal/fold"
)

// Row is one address to invite, as the inviter wrote it. Role and UserType, when set,
// override the request's. The names greet the invitee in the mail and fill in the join
// form; without them, the address's display name gives them ("Marc Membre <marc@x.org>").
type Row struct {
	Email      string `json:"email"`
	Role       string `json:"role,omitempty"`
	UserType   string `json:"userType,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// ParseEmails reads a pasted list: pieces separated by line breaks or semicolons, each an
// address list as mail headers write it (net/mail: `Marc Membre <marc@x.org>, "Membre,
// Marc" <m@y.org>`), one Row per address with the display name split (splitName). A
// piece that is not a valid list is split on its commas instead, so that each bad
// address gets its own verdict. Empty entries are dropped; nothing else is judged here.
func ParseEmails(text string) []Row {
	var out []Row
	for _, piece := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if list, err := mail.ParseAddressList(piece); err == nil {
			for _, a := range list {
				given, family := splitName(a.Name)
				out = append(out, Row{Email: a.Address, GivenName: given, FamilyName: family})
			}
			continue
		}
		for _, f := range strings.Split(piece, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, Row{Email: f})
			}
		}
	}
	return out
}

// splitName reads a display name as given name, then family name: split on its first
// space ("Jean Pierre Dupont" → Jean, Pierre Dupont), or on its comma in the directory
// form "Family, Given" ("Membre, Marc" → Marc, Membre). The join form shows both, editable.
func splitName(name string) (given, family string) {
	name = strings.Join(strings.Fields(name), " ")
	if family, given, ok := strings.Cut(name, ","); ok {
		return strings.TrimSpace(given), strings.TrimSpace(family)
	}
	given, family, _ = strings.Cut(name, " ")
	return given, family
}

// headers maps a CSV column title (lower-cased, without spaces, dashes, underscores
// or accents that matter) to a Row field. French titles are accepted too.
var headers = map[string]string{
	"email": "email", "mail": "email", "emailaddress": "email", "courriel": "email", "adresse": "email",
	"role": "role", "rôle": "role",
	"usertype": "userType", "type": "userType", "typedutilisateur": "userType", "typeutilisateur": "userType",
	"givenname": "givenName", "firstname": "givenName", "prénom": "givenName", "prenom": "givenName",
	"familyname": "familyName", "lastname": "familyName", "surname": "familyName", "nom": "familyName",
}

// ParseCSV reads an uploaded CSV: a header row naming the columns (email required;
// role, userType, givenName, familyName optional, in any order; others ignored), then
// at most MaxBatch rows. UTF-8 with or without a byte-order mark; the separator is ";"
// or ",", whichever the header uses. Blank lines are skipped. Errors are 400s on "file".
func ParseCSV(r io.Reader) ([]Row, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, fail.Invalid("file", "unreadable", "The file could not be read.")
	}
	if len(raw) > 1<<20 {
		return nil, fail.Invalid("file", "too_large", "The file is larger than 1 MB.")
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	if !utf8.Valid(raw) {
		return nil, fail.Invalid("file", "not_utf8", "The file is not UTF-8 text: save it as \"CSV UTF-8\".")
	}
	first, _, _ := strings.Cut(string(raw), "\n")
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = ','
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail.Invalid("file", "empty", "The file is empty.")
	}
	if err != nil {
		return nil, fail.Invalid("file", "invalid_csv", "The file is not valid CSV.")
	}
	cols := map[string]int{}
	for i, h := range head {
		key := strings.ToLower(strings.TrimSpace(h))
		key = strings.NewReplacer(" ", "", "-", "", "_", "", "'", "", "’", "").Replace(key)
		if f, ok := headers[key]; ok {
			if _, dup := cols[f]; !dup {
				cols[f] = i
			}
		}
	}
	if _, ok := cols["email"]; !ok {
		return nil, fail.Invalid("file", "no_email_column", "The first row must name the columns, one of them \"email\".")
	}
	cell := func(rec []string, f string) string {
		i, ok := cols[f]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fail.Invalid("file", "invalid_csv", "The file is not valid CSV.")
		}
		row := Row{Email: cell(rec, "email"), Role: cell(rec, "role"), UserType: cell(rec, "userType"),
			GivenName: cell(rec, "givenName"), FamilyName: cell(rec, "familyName")}
		if row == (Row{}) {
			continue
		}
		if len(rows) == MaxBatch {
			return nil, fail.Invalid("file", "too_many", "A file may invite at most 100 addresses.")
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fail.Invalid("file", "empty", "The file has no address under its header row.")
	}
	return rows, nil
}

// roleNames and typeNames accept the names a spreadsheet may use: the code, its French
// name (access.French) with or without accents, and "administrator". Nobody is invited
// as the owner.
var (
	roleNames = func() map[string]access.Role {
		m := names(access.RoleMember, access.RoleAdmin)
		m["administrator"] = access.RoleAdmin
		return m
	}()
	typeNames = names(access.UserTypes...)
)

func names[T ~string](values ...T) map[string]T {
	out := map[string]T{}
	for _, v := range values {
		fr := access.French[string(v)]
		out[string(v)], out[fr], out[fold.String(fr)] = v, v, v
	}
	return out
}

// roleOf reads a role name; "" keeps the fallback.
func roleOf(name string, fallback access.Role) (access.Role, bool) {
	if name = strings.ToLower(strings.TrimSpace(name)); name == "" {
		return fallback, true
	}
	r, ok := roleNames[name]
	return r, ok
}

// typeOf reads a user type name; "" keeps the fallback.
func typeOf(name string, fallback access.UserType) (access.UserType, bool) {
	if name = strings.ToLower(strings.TrimSpace(name)); name == "" {
		return fallback, true
	}
	t, ok := typeNames[name]
	return t, ok
}
