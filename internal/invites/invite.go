package invites

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	roster "roster/internal/mail"
)

// Request is one invitation request: up to MaxBatch rows and the options they share.
// Empty Role and UserType take the organisation's newMemberRole and newMemberUserType;
// a nil PartnerAccess takes partnerAccessDefault; credits not given take the
// organisation's new-member credits, and given as nil mean no limit.
type Request struct {
	Rows          []Row
	Role          string
	UserType      string
	PartnerAccess *bool
	Credits       *float64
	CreditsGiven  bool
	Message       string
	// DryRun judges every row and creates and sends nothing.
	DryRun bool
	// SkipInvalid invites the rows that pass and reports the others; without it the
	// request is all-or-nothing.
	SkipInvalid bool
}

// Result is the answer to a request: one verdict per row, in order.
type Result struct {
	Results []RowResult `json:"results"`
	Created int         `json:"created"`
	DryRun  bool        `json:"dryRun"`
	Mailed  bool        `json:"mailed"` // a mail server is configured: the invitees get a mail
	Seats   Seats       `json:"seats"`  // as they were before this request; Requested = rows that passed the other checks
	// A dry run's: what the invitations will cost once accepted (a seat each, billed on joining).
	Cost *billing.Cost `json:"cost,omitempty"`
}

// RowResult is one row's verdict. Invitation is set once the invitation exists.
type RowResult struct {
	Email      string      `json:"email"`
	OK         bool        `json:"ok"`
	Code       string      `json:"code,omitempty"`
	Message    string      `json:"message,omitempty"`
	Invitation *Invitation `json:"invitation,omitempty"`
}

// Invite invites the request's rows to actor's organisation.
// Access: members.invite for each row's role (only the owner may invite an
// administrator): a refusal is a 403 for the whole request.
// Errors: 400 emails (none, or more than 100), role, userType, credits, message;
// 403 from the policy; 409 when a row fails and SkipInvalid is off — nothing is then
// created. The 409's code is the failing rows' code when they all share one
// (invalid_email, invalid_name, duplicate, invalid_role, invalid_user_type, role_incompatible_type,
// domain_not_allowed, already_member, other_org, already_invited, seat_limit) and
// invite_ineligible otherwise; its data holds the per-row results and, for
// seat_limit, seatsUsed, pending, maxSeats and requested. 409 pool_exceeded {allocated,
// pool, requested, available} when the credits of the rows that pass do not fit what is
// left of the credit pool (an invitation does not reserve credits: Accept checks again).
//
// A pending invitation to the same address is refused (already_invited) rather than
// resent: resending rotates the invitee's link, which deserves its own, explicit action.
func Invite(app core.App, actor access.Actor, req Request) (*Result, error) {
	return invite(app, actor, req)
}

// InviteAsOperator is Invite for the instance operator (the CLI): not bound by the
// policy, audited as superuser, with the same checks and errors otherwise.
func InviteAsOperator(app core.App, org string, req Request) (*Result, error) {
	return invite(app, access.Operator(org), req)
}

// candidate is a row being judged.
type candidate struct {
	Row
	email    string
	role     access.Role
	userType access.UserType
	code     string
	message  string
}

func (c *candidate) refuse(code, message string) {
	if c.code == "" {
		c.code, c.message = code, message
	}
}

func invite(app core.App, by access.Actor, req Request) (*Result, error) {
	if len(req.Rows) == 0 {
		return nil, fail.Invalid("emails", "required", "Give at least one email address.")
	}
	if len(req.Rows) > MaxBatch {
		return nil, fail.Invalid("emails", "too_many", fmt.Sprintf("Invite at most %d addresses at once.", MaxBatch))
	}
	if utf8.RuneCountInString(req.Message) > 1000 {
		return nil, fail.Invalid("message", "too_long", "The message is at most 1000 characters.")
	}
	if req.Credits != nil && *req.Credits < 0 {
		return nil, fail.Invalid("credits", "negative", "Credits are a number from 0, or null for no limit.")
	}
	var out *Result
	run := func(tx core.App) error {
		org, err := tx.FindRecordById("organizations", by.Org)
		if err != nil {
			return fail.NotFound("Organisation not found.")
		}
		role, ok := roleOf(req.Role, access.Role(org.GetString("newMemberRole")))
		if !ok {
			return fail.Invalid("role", "invalid_choice", "The role is member or admin.")
		}
		userType, ok := typeOf(req.UserType, access.UserType(org.GetString("newMemberUserType")))
		if !ok {
			return fail.Invalid("userType", "invalid_choice", "The user type is viewer, contributor, creator or professional.")
		}
		cs := make([]*candidate, len(req.Rows))
		for i, row := range req.Rows {
			cs[i] = judgeRow(row, role, userType)
		}
		if err := authorise(by, cs); err != nil {
			return err
		}
		if !req.DryRun {
			if _, err := expire(tx, by.Org); err != nil {
				return err
			}
		}
		seats, err := judgeAgainst(tx, org, cs)
		if err != nil {
			return err
		}
		out = &Result{DryRun: req.DryRun, Mailed: roster.Enabled(tx), Seats: seats, Results: make([]RowResult, len(cs))}
		failed := 0
		for i, c := range cs {
			out.Results[i] = RowResult{Email: c.email, OK: c.code == "", Code: c.code, Message: c.message}
			if c.code != "" {
				failed++
			}
		}
		if failed > 0 && !req.SkipInvalid && !req.DryRun {
			return refusal(out, failed)
		}
		credits := req.Credits
		if !req.CreditsGiven && org.GetBool("newMemberCreditsLimited") {
			n := org.GetFloat("newMemberCredits")
			credits = &n
		}
		if credits != nil {
			if err := billing.CheckRequest(tx, org, len(cs)-failed, *credits); err != nil {
				return err
			}
		}
		if req.DryRun {
			seats := map[access.UserType]int{}
			for _, c := range cs {
				if c.code == "" {
					seats[c.userType]++
				}
			}
			out.Cost, err = billing.CostOf(tx, org.Id, seats)
			return err
		}
		partner := org.GetBool("partnerAccessDefault")
		if req.PartnerAccess != nil {
			partner = *req.PartnerAccess
		}
		for i, c := range cs {
			if c.code != "" {
				continue
			}
			inv, err := create(tx, org, by, c, partner, credits, strings.TrimSpace(req.Message))
			if err != nil {
				return err
			}
			out.Results[i].Invitation = inv
			out.Created++
		}
		return nil
	}
	var err error
	if req.DryRun {
		err = run(app)
	} else {
		err = app.RunInTransaction(run)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// judgeRow checks what a row says on its own: the address, the names, the role and user type.
func judgeRow(row Row, role access.Role, userType access.UserType) *candidate {
	c := &candidate{Row: row, email: strings.TrimSpace(row.Email)}
	c.GivenName, c.FamilyName = strings.TrimSpace(row.GivenName), strings.TrimSpace(row.FamilyName)
	if a, err := mail.ParseAddress(c.email); err == nil && roster.ValidAddress(a.Address) {
		c.email = strings.ToLower(a.Address)
		if c.GivenName == "" && c.FamilyName == "" {
			c.GivenName, c.FamilyName = splitName(a.Name)
		}
	} else {
		c.refuse("invalid_email", "This is not a valid email address.")
	}
	if utf8.RuneCountInString(c.GivenName) > 100 || utf8.RuneCountInString(c.FamilyName) > 100 {
		c.refuse("invalid_name", "A given or family name is at most 100 characters.")
	}
	var ok bool
	if c.role, ok = roleOf(row.Role, role); !ok {
		c.refuse("invalid_role", "Unknown role: use member or admin.")
	}
	if c.userType, ok = typeOf(row.UserType, userType); !ok {
		c.refuse("invalid_user_type", "Unknown user type: use viewer, contributor, creator or professional.")
	}
	if c.code == "" && !c.userType.Allows(c.role) {
		c.refuse("role_incompatible_type", fmt.Sprintf("A %s can only be a member.", c.userType))
	}
	return c
}

// authorise asks the policy about every role the request invites to. The operator
// is not bound by it.
func authorise(by access.Actor, cs []*candidate) error {
	if by.IsOperator() {
		return nil
	}
	// Without any row with a known role, the question is still asked (about a member).
	roles := []access.Role{access.RoleMember}
	for _, c := range cs {
		if c.role.Valid() && !slices.Contains(roles, c.role) {
			roles = append(roles, c.role)
		}
	}
	for _, r := range roles {
		if err := access.Can(by.Member, access.MembersInvite, &access.Member{Role: r}); err != nil {
			if r == access.RoleAdmin {
				if fe, ok := fail.As(err); ok && fe.Code == "rank" {
					return fail.Forbidden("rank", "Only the owner can invite administrators.")
				}
			}
			return err
		}
	}
	return nil
}

// judgeAgainst checks the rows against each other and the organisation's data:
// duplicates, allowed domains, existing accounts, pending invitations, then seats.
func judgeAgainst(tx core.App, org *core.Record, cs []*candidate) (Seats, error) {
	domains := allowedDomains(org)
	seen := map[string]bool{}
	for _, c := range cs {
		if c.code == "invalid_email" {
			continue
		}
		if seen[c.email] {
			c.refuse("duplicate", "This address appears more than once in the request.")
			continue
		}
		seen[c.email] = true
		if c.code != "" {
			continue
		}
		_, domain, _ := strings.Cut(c.email, "@")
		if len(domains) > 0 && !slices.Contains(domains, domain) {
			c.refuse("domain_not_allowed", "The organisation only accepts addresses at "+strings.Join(domains, ", ")+".")
			continue
		}
		taken, err := accountOrg(tx, c.email)
		if err != nil {
			return Seats{}, err
		}
		switch {
		case taken == org.Id:
			c.refuse("already_member", "This address is already a member of the organisation.")
			continue
		case taken != "":
			// Tenancy lets the inviter learn that much, and nothing more (not which organisation).
			c.refuse("other_org", "This address already has an account in another organisation.")
			continue
		}
		n, err := tx.CountRecords(Collection, dbx.NewExp("org = {:org} AND email = {:email} COLLATE NOCASE AND status = 'pending' AND expires > {:now}",
			dbx.Params{"org": org.Id, "email": c.email, "now": now()}))
		if err != nil {
			return Seats{}, err
		}
		if n > 0 {
			c.refuse("already_invited", "This address already has a pending invitation: resend it instead.")
		}
	}
	seats, err := seatsOf(tx, org.Id)
	if err != nil {
		return seats, err
	}
	for _, c := range cs {
		if c.code == "" {
			seats.Requested++
		}
	}
	free := seats.Free()
	if free < 0 {
		return seats, nil
	}
	msg := seatMessage(seats)
	for _, c := range cs {
		if c.code != "" {
			continue
		}
		if free == 0 {
			c.refuse("seat_limit", msg)
			continue
		}
		free--
	}
	return seats, nil
}

// accountOrg tells whether email has an account: "" none, else its organisation
// ("-" for an account that belongs to none, which is not free either).
func accountOrg(app core.App, email string) (string, error) {
	var orgs []string
	err := app.DB().NewQuery(`SELECT COALESCE(m.org, '-') FROM users u LEFT JOIN memberships m ON m.user = u.id
		WHERE u.email = {:email} COLLATE NOCASE`).Bind(dbx.Params{"email": email}).Column(&orgs)
	if err != nil || len(orgs) == 0 {
		return "", err
	}
	return orgs[0], nil
}

// allowedDomains reads the organisation's allowed domains, lower-cased ("@x.org" = "x.org").
func allowedDomains(org *core.Record) []string {
	var list []string
	_ = org.UnmarshalJSONField("allowedDomains", &list)
	out := list[:0]
	for _, d := range list {
		if d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// refusal is the all-or-nothing 409: the shared code when every failing row has the
// same, else invite_ineligible, with the results (and the seat numbers if relevant).
func refusal(r *Result, failed int) error {
	code, message := "", ""
	for _, row := range r.Results {
		if row.OK {
			continue
		}
		if code == "" {
			code, message = row.Code, row.Message
		} else if code != row.Code {
			code = "invite_ineligible"
		}
	}
	details := map[string]any{"results": r.Results, "created": 0}
	if code == "invite_ineligible" {
		message = fmt.Sprintf("%d of %d addresses cannot be invited, so none was: correct or remove them, or skip them.", failed, len(r.Results))
	}
	for _, row := range r.Results {
		if row.Code == "seat_limit" {
			for k, v := range r.Seats.details() {
				details[k] = v
			}
			break
		}
	}
	if len(r.Results) > 1 && code != "invite_ineligible" {
		message = fmt.Sprintf("%d of %d addresses cannot be invited, so none was. %s", failed, len(r.Results), message)
	}
	return fail.Conflict(code, message, details)
}

// create saves one invitation with a fresh token, its audit row and its mail, in tx.
func create(tx core.App, org *core.Record, by access.Actor, c *candidate, partner bool, credits *float64, message string) (*Invitation, error) {
	col, err := tx.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	token, hash := newToken()
	sent := types.NowDateTime()
	expires := sent.Add(ttl(org))
	r := core.NewRecord(col)
	r.Load(map[string]any{
		"org": org.Id, "email": c.email, "givenName": c.GivenName, "familyName": c.FamilyName,
		"role": string(c.role), "userType": string(c.userType),
		"partnerAccess": partner, "creditsLimited": credits != nil, "creditsAllocated": 0, "message": message,
		"tokenHash": hash, "expires": expires, "status": Pending, "invitedBy": by.ID, "sentCount": 1, "lastSent": sent,
	})
	if credits != nil {
		r.Set("creditsAllocated", *credits)
	}
	if err := tx.Save(r); err != nil {
		return nil, err
	}
	err = audit.Record(tx, by, access.MembersInvite, "invitation", r.Id, c.email,
		map[string]any{"email": c.email, "role": string(c.role), "userType": string(c.userType),
			"partnerAccess": partner, "credits": credits, "expires": expires.String(), "message": message != ""})
	if err != nil {
		return nil, err
	}
	if err := sendInvitation(tx, org, r, token); err != nil {
		return nil, err
	}
	inv := view(tx, by, r)
	inv.Link = link(tx, token)
	return &inv, nil
}
