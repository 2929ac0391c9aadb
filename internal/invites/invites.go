// Package invites owns how people get into an organisation:
// inviting one address or up to 100 (list or CSV), the seats pending invitations
// reserve, the single-use join token, resend, revoke, expiry, the public preview of
// an invitation and its acceptance, which creates the account, the membership and the
// billed seat in one transaction.
//
// The token is 32 random bytes (base64url, no padding). Only the hex SHA-256 of those
// bytes is stored; the token itself reaches the invitee in the mail and the inviter
// once, in the create or resend answer (the link), and is never stored, logged or
// audited.
package invites

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/members"
)

// Collection is the invitations collection's name.
const Collection = "invitations"

// Invitation statuses.
const (
	Pending  = "pending"
	Accepted = "accepted"
	Revoked  = "revoked"
	Expired  = "expired"
)

// MaxBatch is the most addresses one request may invite.
const MaxBatch = 100

// Invitation is what owners and administrators see of an invitation. Link is set only
// in the answer that created the token (create, resend), never again.
type Invitation struct {
	ID            string          `json:"id"`
	Email         string          `json:"email"`
	GivenName     string          `json:"givenName"`
	FamilyName    string          `json:"familyName"`
	Role          access.Role     `json:"role"`
	UserType      access.UserType `json:"userType"`
	Status        string          `json:"status"`
	Expires       string          `json:"expires"`
	InvitedBy     members.Ref     `json:"invitedBy"`
	SentCount     int             `json:"sentCount"`
	LastSent      string          `json:"lastSent"`
	Created       string          `json:"created"`
	PartnerAccess bool            `json:"partnerAccess"`
	Credits       *float64        `json:"credits"` // nil = no limit
	Message       string          `json:"message"`
	AcceptedAt    string          `json:"acceptedAt,omitempty"`
	Allowed       []access.Action `json:"allowed"` // what the viewer may do to it (resend, revoke)
	Link          string          `json:"link,omitempty"`
}

// Seats is an organisation's seat usage against its plan: billed seats
// (active and disabled members), seats reserved by pending invitations, the plan's
// maximum (0 = unlimited) and, for a request, how many more it asks for.
type Seats struct {
	Used      int `json:"seatsUsed"`
	Pending   int `json:"pending"`
	Max       int `json:"maxSeats"`
	Requested int `json:"requested"`
}

// Free is the number of seats neither billed nor reserved; -1 when unlimited.
func (s Seats) Free() int {
	if s.Max == 0 {
		return -1
	}
	return max(0, s.Max-s.Used-s.Pending)
}

func (s Seats) details() map[string]any {
	return map[string]any{"seatsUsed": s.Used, "pending": s.Pending, "maxSeats": s.Max, "requested": s.Requested}
}

// seatsOf counts org's seats in app (the caller's transaction).
// SeatsOf answers the organisation's seats: billed, held by pending invitations, and the
// plan's limit (0: none), for the Members page. Access: members.list.
func SeatsOf(app core.App, actor access.Actor) (Seats, error) {
	if err := access.Can(actor.Member, access.MembersList, nil); err != nil {
		return Seats{}, err
	}
	return seatsOf(app, actor.Org)
}

func seatsOf(app core.App, org string) (Seats, error) {
	var s Seats
	err := app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM memberships WHERE org = {:org}) AS used,
		(SELECT count(*) FROM invitations WHERE org = {:org} AND status = 'pending' AND expires > {:now}) AS pending,
		(SELECT p.maxSeats FROM subscriptions s JOIN plans p ON p.id = s.plan WHERE s.org = {:org}) AS max`).
		Bind(dbx.Params{"org": org, "now": now()}).Row(&s.Used, &s.Pending, &s.Max)
	return s, err
}

// newToken returns a fresh token and the hash that is stored in its place.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(b), hex.EncodeToString(sum[:])
}

// hashOf returns the stored hash of a token, or false when the text is not a token.
func hashOf(token string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 32 {
		return "", false
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), true
}

// link is the join page of a token, on the instance's public address.
func link(app core.App, token string) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/") + "/join/" + token
}

func now() string { return types.NowDateTime().String() }

// ttl is how long an invitation of org stays valid.
func ttl(org *core.Record) time.Duration {
	return time.Duration(max(1, org.GetInt("inviteTtlDays"))) * 24 * time.Hour
}

// view builds what owners and administrators see of an invitation record.
func view(app core.App, viewer access.Actor, r *core.Record) Invitation {
	inv := Invitation{
		ID: r.Id, Email: r.GetString("email"), GivenName: r.GetString("givenName"), FamilyName: r.GetString("familyName"),
		Role:     access.Role(r.GetString("role")),
		UserType: access.UserType(r.GetString("userType")), Status: r.GetString("status"),
		Expires: r.GetDateTime("expires").String(), SentCount: r.GetInt("sentCount"),
		LastSent: r.GetDateTime("lastSent").String(), Created: r.GetDateTime("created").String(),
		PartnerAccess: r.GetBool("partnerAccess"), Message: r.GetString("message"),
		AcceptedAt: r.GetDateTime("acceptedAt").String(),
		InvitedBy:  members.Ref{ID: r.GetString("invitedBy"), Name: inviterName(app, r.GetString("invitedBy"))},
	}
	if r.GetBool("creditsLimited") {
		c := r.GetFloat("creditsAllocated")
		inv.Credits = &c
	}
	inv.Allowed = allowed(viewer, inv.Role, inv.Status)
	return inv
}

// allowed lists what viewer may do to an invitation of the given role and status.
func allowed(viewer access.Actor, role access.Role, status string) []access.Action {
	out := []access.Action{}
	if viewer.IsOperator() {
		return out
	}
	target := &access.Member{Role: role}
	if (status == Pending || status == Expired) && access.Can(viewer.Member, access.InvitationsResend, target) == nil {
		out = append(out, access.InvitationsResend)
	}
	if status == Pending && access.Can(viewer.Member, access.InvitationsRevoke, target) == nil {
		out = append(out, access.InvitationsRevoke)
	}
	return out
}

// inviterName names who sent an invitation: a member's name, or the instance's name
// when the operator invited through the CLI. Never an email address: the public
// preview shows it.
func inviterName(app core.App, invitedBy string) string {
	if invitedBy == audit.ActorSuperuser || invitedBy == "" {
		return app.Settings().Meta.AppName
	}
	var u struct {
		Given    string `db:"givenName"`
		Family   string `db:"familyName"`
		Username string `db:"username"`
	}
	err := app.DB().NewQuery(`SELECT u.givenName, u.familyName, u.username FROM memberships m
		JOIN users u ON u.id = m.user WHERE m.id = {:id}`).Bind(dbx.Params{"id": invitedBy}).One(&u)
	if err != nil {
		return app.Settings().Meta.AppName // the inviter has left the organisation
	}
	if n := strings.TrimSpace(u.Given + " " + u.Family); n != "" {
		return n
	}
	return u.Username
}

// findInOrg loads invitation id of org; another organisation's is not found.
func findInOrg(app core.App, org, id string) (*core.Record, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil || r.GetString("org") != org {
		return nil, fail.NotFound("Invitation not found.")
	}
	return r, nil
}

// planIsFull is the seat_limit refusal with the numbers.
func planIsFull(s Seats) error {
	return fail.Conflict("seat_limit", seatMessage(s), s.details())
}

func seatMessage(s Seats) string {
	return fmt.Sprintf("The plan allows %d seats: %d used by members, %d reserved by pending invitations, "+
		"so %d free for %d requested. Revoke pending invitations, remove members or change the plan.",
		s.Max, s.Used, s.Pending, s.Free(), s.Requested)
}

// label names an invitation in the audit log.
func label(r *core.Record) string { return r.GetString("email") }

// seatJoined bills the seat of a member who joined.
func seatJoined(tx core.App, org string, m *core.Record, memberLabel string) error {
	return billing.SeatChanged(tx, billing.Seat{Org: org, Membership: m.Id, Label: memberLabel,
		UserType: access.UserType(m.GetString("userType")), Delta: 1, Reason: billing.Joined, Actor: m.Id})
}
