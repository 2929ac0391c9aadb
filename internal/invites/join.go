package invites

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/orgs"
	"roster/internal/people"
	"roster/internal/security"
)

// Preview is what the join page shows to whoever holds a valid link.
type Preview struct {
	Org      PreviewOrg      `json:"org"`
	Inviter  string          `json:"inviter"`
	Role     access.Role     `json:"role"`
	UserType access.UserType `json:"userType"`
	Email    string          `json:"email"`
	// The names the inviter gave, to fill in the form (the invitee may change them).
	GivenName  string      `json:"givenName"`
	FamilyName string      `json:"familyName"`
	Expires    string      `json:"expires"`
	Language   string      `json:"language"`      // the organisation's default, for the page and the form
	SSO        *PreviewSSO `json:"sso,omitempty"` // the enterprise sign-in, when the operator configured one
}

// PreviewOrg names the organisation one is invited to.
type PreviewOrg struct {
	Name string `json:"name"`
	Logo string `json:"logo,omitempty"` // a URL
}

// errNoInvitation is the one answer for a token that is unknown, expired, revoked or
// used: the same status and body, so a link tells nothing about other invitations.
func errNoInvitation() error {
	return fail.NotFound("This invitation link is not valid: it may have expired, been revoked or already been used. Ask for a new invitation.")
}

// pending finds the pending, unexpired invitation of token. One found past its expiry
// is marked expired on the way (in its own small transaction when app is not one).
func pending(app core.App, token string) (*core.Record, error) {
	hash, ok := hashOf(token)
	if !ok {
		return nil, errNoInvitation()
	}
	r, err := app.FindFirstRecordByData(Collection, "tokenHash", hash)
	if err != nil || r.GetString("status") != Pending {
		return nil, errNoInvitation()
	}
	if !r.GetDateTime("expires").Time().After(types.NowDateTime().Time()) {
		if _, err := expire(app, r.GetString("org")); err != nil {
			return nil, err
		}
		return nil, errNoInvitation()
	}
	return r, nil
}

// PreviewOf answers the public preview of token: organisation, inviter,
// role, user type, address and expiry. Errors: 404 (errNoInvitation) for any token
// that cannot be accepted.
func PreviewOf(app core.App, token string) (*Preview, error) {
	r, err := pending(app, token)
	if err != nil {
		return nil, err
	}
	org, err := app.FindRecordById("organizations", r.GetString("org"))
	if err != nil {
		return nil, errNoInvitation()
	}
	p := &Preview{
		Org:     PreviewOrg{Name: org.GetString("name")},
		Inviter: inviterName(app, r.GetString("invitedBy")), Role: access.Role(r.GetString("role")),
		UserType: access.UserType(r.GetString("userType")), Email: r.GetString("email"),
		GivenName: r.GetString("givenName"), FamilyName: r.GetString("familyName"),
		Expires: r.GetDateTime("expires").String(), Language: org.GetString("defaultLanguage"),
		SSO: ssoOf(app, org),
	}
	if logo := org.GetString("logo"); logo != "" {
		p.Org.Logo = "/api/files/organizations/" + org.Id + "/" + logo + "?thumb=100x100"
	}
	return p, nil
}

// Enrolment is what the invitee chooses when accepting.
type Enrolment struct {
	Username   string `json:"username"` // empty: derived from the address
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
	Password   string `json:"password"`
	Language   string `json:"language"` // fr or en; empty: the organisation's
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{3,32}$`)

func (in *Enrolment) validate() error {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.GivenName, in.FamilyName = strings.TrimSpace(in.GivenName), strings.TrimSpace(in.FamilyName)
	if in.Username != "" && !usernamePattern.MatchString(in.Username) {
		return fail.Invalid("username", "invalid_format", "A username is 3 to 32 characters: lower-case letters, digits, dots, dashes and underscores.")
	}
	if utf8.RuneCountInString(in.GivenName) > 100 {
		return fail.Invalid("givenName", "too_long", "At most 100 characters.")
	}
	if utf8.RuneCountInString(in.FamilyName) > 100 {
		return fail.Invalid("familyName", "too_long", "At most 100 characters.")
	}
	if err := orgs.CheckPassword(in.Password); err != nil {
		return err
	}
	if in.Language != "" && in.Language != "fr" && in.Language != "en" {
		return fail.Invalid("language", "invalid_choice", "The language is fr or en.")
	}
	return nil
}

// Accept turns the invitation of token into an account and a membership,
// in one transaction: the invitation is claimed with a conditional UPDATE (pending →
// accepted), so of concurrent accepts exactly one wins; the seat limit is checked
// again (the billed seats after joining must not exceed the plan: the invitation
// reserved its seat, but the plan may have shrunk or members been added by other
// paths since); the address must still be free. Then the account (password sign-in,
// verified), the membership (role, user type, partner access and credits from the
// invitation, added by the inviter), the billed seat (ledger +1, joined), one audit
// row (members.join) and the welcome mail. It returns the new account, for the
// caller to sign in.
// Errors: 404 (errNoInvitation); 400 username (invalid_format, taken), givenName,
// familyName, password (length), language; 409 seat_limit, email_taken, pool_exceeded
// (the invitation's credits no longer fit the organisation's credit pool).
func Accept(app core.App, token string, in Enrolment, ip string) (*core.Record, error) {
	if _, err := pending(app, token); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return join(app, token, in, ip, nil)
}

// join is the transaction of Accept. sso, when set, is the identity provider's verified
// address: the invitation must be for it (case-insensitive), and the account signs in
// through the provider (authSource sso, a random password nobody knows).
func join(app core.App, token string, in Enrolment, ip string, sso *string) (*core.Record, error) {
	// bcrypt takes 50–100 ms: it runs before the transaction, where it would hold
	// SQLite's write lock and stall every other write (orgs.NewUser refuses to hash
	// inside a transaction).
	passwordHash, err := security.HashPassword(app, in.Password)
	if err != nil {
		return nil, err
	}
	tokenHash, _ := hashOf(token)
	var user *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindFirstRecordByData(Collection, "tokenHash", tokenHash)
		if err != nil {
			return errNoInvitation()
		}
		if sso != nil && (*sso == "" || !strings.EqualFold(strings.TrimSpace(*sso), r.GetString("email"))) {
			return errOtherAddress()
		}
		res, err := tx.DB().NewQuery(`UPDATE invitations SET status = 'accepted', acceptedAt = {:now}, updated = {:now}
			WHERE id = {:id} AND status = 'pending' AND expires > {:now}`).
			Bind(dbx.Params{"id": r.Id, "now": now()}).Execute()
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errNoInvitation() // another accept won, or it was revoked or expired meanwhile
		}
		org, err := tx.FindRecordById("organizations", r.GetString("org"))
		if err != nil {
			return err
		}
		if sso != nil {
			if err := security.SSOAllowed(org); err != nil {
				return err
			}
		}
		seats, err := seatsOf(tx, org.Id)
		if err != nil {
			return err
		}
		if seats.Max > 0 && seats.Used+1 > seats.Max {
			seats.Requested = 1
			return fail.Conflict("seat_limit", "The organisation has no free seat left: ask its administrators to free one, then use this link again.", seats.details())
		}
		email := r.GetString("email")
		if taken, err := accountOrg(tx, email); err != nil {
			return err
		} else if taken != "" {
			return fail.Conflict("email_taken", "This address already has an account: sign in instead.", nil)
		}
		if in.Username != "" {
			n, err := tx.CountRecords("users", dbx.NewExp("username = {:u} COLLATE NOCASE", dbx.Params{"u": in.Username}))
			if err != nil {
				return err
			}
			if n > 0 {
				return fail.Invalid("username", "taken", "This username is taken: choose another.")
			}
		}
		lang := in.Language
		if lang == "" {
			lang = org.GetString("defaultLanguage")
		}
		user, err = orgs.NewUser(tx, orgs.Owner{Email: email, PasswordHash: passwordHash, GivenName: in.GivenName,
			FamilyName: in.FamilyName, Username: in.Username}, lang)
		if err != nil {
			return err
		}
		if sso != nil {
			user.Set("authSource", "sso")
			if err := tx.Save(user); err != nil {
				return err
			}
		}
		role, userType := access.Role(r.GetString("role")), access.UserType(r.GetString("userType"))
		m, err := orgs.AddMembership(tx, org.Id, user, role, userType, r.GetString("invitedBy"))
		if err != nil {
			return err
		}
		if r.GetBool("partnerAccess") || r.GetBool("creditsLimited") {
			m.Set("partnerAccess", r.GetBool("partnerAccess"))
			m.Set("creditsLimited", r.GetBool("creditsLimited"))
			m.Set("creditsAllocated", r.GetFloat("creditsAllocated"))
			if err := tx.Save(m); err != nil {
				if fe, ok := fail.As(err); ok && fe.Code == "pool_exceeded" {
					fe.Message = "The organisation's credit pool cannot cover this invitation's credits: ask its administrators to raise it, then use this link again."
				}
				return err
			}
		}
		memberLabel := people.Label(in.GivenName, in.FamilyName, email)
		if err := seatJoined(tx, org.Id, m, memberLabel); err != nil {
			return err
		}
		if _, err := tx.DB().Update(Collection, dbx.Params{"acceptedBy": m.Id}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			return err
		}
		err = audit.Write(tx, audit.Entry{Org: org.Id, Actor: m.Id, ActorLabel: memberLabel, Action: access.MembersJoin,
			TargetType: "membership", TargetID: m.Id, TargetLabel: memberLabel, IP: ip,
			Details: map[string]any{"invitation": r.Id, "email": email, "role": string(role), "userType": string(userType),
				"invitedBy": r.GetString("invitedBy"), "partnerAccess": r.GetBool("partnerAccess"), "authSource": user.GetString("authSource")}})
		if err != nil {
			return err
		}
		return sendWelcome(tx, org, user)
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}
