package invites

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"roster/internal/fail"
	rsecurity "roster/internal/security"
)

// PreviewSSO names the enterprise sign-in the join page may offer.
type PreviewSSO struct {
	Name string `json:"name"`
}

// ssoOf is the enterprise sign-in org's invitees may join with: the operator's, when
// org enabled it; else nil.
func ssoOf(app core.App, org *core.Record) *PreviewSSO {
	name := rsecurity.OIDCName(app)
	if name == "" || rsecurity.SSOAllowed(org) != nil {
		return nil
	}
	return &PreviewSSO{Name: name}
}

// errOtherAddress: the identity provider vouched for another address than the
// invitation's.
func errOtherAddress() error {
	return fail.Forbidden("email_mismatch", "This invitation is for another address than the one your organisation's sign-in gave: sign in there with the invited address, or ask for an invitation to yours.")
}

// Identity is what the identity provider vouches for when an invitation is accepted
// through enterprise sign-in.
type Identity struct {
	Email      string // verified by the provider; empty when it is not
	GivenName  string
	FamilyName string
	Language   string // fr or en; anything else: the organisation's
}

// AcceptSSO accepts the invitation of token for an account that signs in through the
// operator's identity provider: the same transaction as Accept (account, membership
// from the invitation, seat, audit row, welcome mail), for the invitation's address
// only (id.Email, case-insensitive), of an organisation that enabled enterprise
// sign-in, with authSource sso and a random password.
// Errors: 404 (errNoInvitation); 403 email_mismatch, sso_not_enabled; 409 seat_limit, email_taken.
func AcceptSSO(app core.App, token string, id Identity, ip string) (*core.Record, error) {
	if _, err := pending(app, token); err != nil {
		return nil, err
	}
	in := Enrolment{GivenName: clip(id.GivenName), FamilyName: clip(id.FamilyName), Language: id.Language}
	if in.Language != "fr" && in.Language != "en" {
		in.Language = ""
	}
	in.Password = security.RandomString(40)
	if err := in.validate(); err != nil {
		return nil, err
	}
	email := strings.TrimSpace(id.Email)
	return join(app, token, in, ip, &email)
}

// clip keeps a provider's name within the form's limits.
func clip(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 100 {
		r = r[:100]
	}
	return string(r)
}
