// Package orgs owns organisations: creating one with its owner, subscription and first
// seat (first-run setup, CLI, demo), and the one-time setup token of a fresh instance.
package orgs

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/text/unicode/norm"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/mail"
	"roster/internal/people"
	"roster/internal/security"
)

// New describes an organisation to create and its owner.
type New struct {
	Name     string
	Slug     string // default: the name, lower-cased, accents removed, dashes
	Plan     string // default: team
	Language string // default language of the organisation: fr or en (default en)
	Owner    Owner
}

// Owner is the first account of a new organisation (or any new account: NewUser).
type Owner struct {
	Email, Password, GivenName, FamilyName, Username string
	// PasswordHash is Password hashed by security.HashPassword before the transaction
	// that saves the account: bcrypt takes 50–100 ms and, inside a transaction, would
	// hold SQLite's write lock all that time. NewUser refuses to hash inside one.
	PasswordHash string
}

// CheckPassword applies the account password limits: 8 to 64 characters,
// at most 72 bytes (bcrypt's limit; never truncated). Errors: 400 password (length).
func CheckPassword(password string) error {
	if n := utf8.RuneCountInString(password); n < 8 || n > 64 || len(password) > 72 {
		return fail.Invalid("password", "length", "The password must be 8 to 64 characters (at most 72 bytes).")
	}
	return nil
}

// Created is what Create made.
type Created struct {
	Org, User, Membership *core.Record
}

// Create makes the organisation, its owner's account and membership, its subscription
// and the owner's seat, and one audit row, in one transaction. actor is audit.ActorSuperuser
// or audit.ActorSystem. Errors: 400 per field (orgName, slug, email, username, password…),
// 409 other_org when the email already has an account, 409 slug_taken.
func Create(app core.App, in New, actor, ip string) (*Created, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Owner.Email = strings.ToLower(strings.TrimSpace(in.Owner.Email))
	if in.Name == "" {
		return nil, fail.Invalid("orgName", "required", "The organisation needs a name.")
	}
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	if in.Plan == "" {
		in.Plan = billing.DefaultPlan
	}
	if in.Language == "" {
		in.Language = "en"
	}
	if in.Owner.Email == "" {
		return nil, fail.Invalid("email", "required", "An email address is required.")
	}
	if !mail.ValidAddress(in.Owner.Email) {
		return nil, fail.Invalid("email", "invalid_email", "This is not a valid email address.")
	}
	if err := CheckPassword(in.Owner.Password); err != nil {
		return nil, err
	}
	if in.Owner.PasswordHash == "" {
		hash, err := security.HashPassword(app, in.Owner.Password)
		if err != nil {
			return nil, err
		}
		in.Owner.PasswordHash = hash
	}
	var out Created
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.FindAuthRecordByEmail("users", in.Owner.Email); err == nil {
			return fail.Conflict("other_org", "This email address already has an account.", map[string]any{"email": in.Owner.Email})
		}
		if n, _ := tx.CountRecords("organizations", dbx.HashExp{"slug": in.Slug}); n > 0 {
			return fail.Conflict("slug_taken", "Another organisation already uses this short name.", map[string]any{"slug": in.Slug})
		}
		orgCol, err := tx.FindCachedCollectionByNameOrId("organizations")
		if err != nil {
			return err
		}
		org := core.NewRecord(orgCol)
		org.Load(map[string]any{
			"name": in.Name, "slug": in.Slug, "defaultLanguage": in.Language, "defaultUnits": "metric",
			"inviteTtlDays": 7, "allowedDomains": []string{}, "newMemberRole": string(access.RoleMember),
			"newMemberUserType": string(access.Creator), "reportSections": map[string]any{},
		})
		if err := tx.Save(org); err != nil {
			return renameFields(err, map[string]string{"name": "orgName"})
		}
		user, err := NewUser(tx, in.Owner, in.Language)
		if err != nil {
			return err
		}
		m, err := AddMembership(tx, org.Id, user, access.RoleOwner, access.Creator, actor)
		if err != nil {
			return err
		}
		if _, err := billing.NewSubscription(tx, org.Id, in.Plan); err != nil {
			return fail.Invalid("plan", "unknown", err.Error())
		}
		label := people.Label(in.Owner.GivenName, in.Owner.FamilyName, in.Owner.Email)
		if err := billing.SeatChanged(tx, billing.Seat{Org: org.Id, Membership: m.Id, Label: label,
			UserType: access.Creator, Delta: 1, Reason: billing.Joined, Actor: actor}); err != nil {
			return err
		}
		out = Created{Org: org, User: user, Membership: m}
		return audit.Write(tx, audit.Entry{
			Org: org.Id, Actor: actor, ActorLabel: actor, Action: access.OrgCreate,
			TargetType: "organization", TargetID: org.Id, TargetLabel: in.Name, IP: ip,
			Details: map[string]any{"name": in.Name, "slug": in.Slug, "plan": in.Plan, "owner": label},
		})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// NewUser saves an account (verified, password sign-in). A missing username is derived
// from the email address and made unique. Inside a transaction, o.PasswordHash must be
// set (security.HashPassword, before the transaction began).
func NewUser(app core.App, o Owner, language string) (*core.Record, error) {
	if o.PasswordHash == "" {
		if app.IsTransactional() {
			return nil, errHashInTransaction
		}
		hash, err := security.HashPassword(app, o.Password)
		if err != nil {
			return nil, err
		}
		o.PasswordHash = hash
	}
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	if o.Username == "" {
		o.Username = freeUsername(app, o.Email)
	}
	u := core.NewRecord(col)
	u.Load(map[string]any{
		"email": strings.ToLower(o.Email), "username": strings.ToLower(o.Username),
		"givenName": strings.TrimSpace(o.GivenName), "familyName": strings.TrimSpace(o.FamilyName),
		"visibility": "org", "language": language, "units": "metric", "authSource": "password", "verified": true,
	})
	security.SetPasswordHash(u, o.PasswordHash)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

var errHashInTransaction = errors.New("orgs: hash the password (security.HashPassword) before the transaction: bcrypt would hold SQLite's write lock")

// AddMembership joins user to org with a role and user type, active, added now.
func AddMembership(app core.App, org string, user *core.Record, role access.Role, ut access.UserType, addedBy string) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("memberships")
	if err != nil {
		return nil, err
	}
	m := core.NewRecord(col)
	m.Load(map[string]any{
		"org": org, "user": user.Id, "role": string(role), "userType": string(ut), "status": string(access.Active),
		"added": types.NowDateTime(), "addedBy": addedBy,
	})
	return m, app.Save(m)
}

// Slugify turns a name into a URL-safe short name: "Équipe Nord" → "equipe-nord".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	if s == "" {
		s = "org"
	}
	return s
}

func freeUsername(app core.App, email string) string {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	var b strings.Builder
	for _, r := range norm.NFD.String(local) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-':
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteByte('.')
		}
	}
	base := b.String()
	for len(base) < 3 {
		base += "0"
	}
	if len(base) > 28 {
		base = base[:28]
	}
	name := base
	for i := 2; ; i++ {
		if n, _ := app.CountRecords("users", dbx.NewExp("username = {:u} COLLATE NOCASE", dbx.Params{"u": name})); n == 0 {
			return name
		}
		name = fmt.Sprintf("%s%d", base, i)
	}
}

// renameFields maps PocketBase field errors to the request's field names.
func renameFields(err error, names map[string]string) error {
	var ve validation.Errors
	if !errors.As(err, &ve) {
		return err
	}
	out := validation.Errors{}
	for k, v := range ve {
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}
