package members

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
	"roster/internal/content"
	"roster/internal/fail"
	"roster/internal/mail"
)

// RemoveOptions says what becomes of what a leaving member holds:
// TransferTo names the member who receives their items and groups, DeleteContent
// deletes them instead, RevokeLicenses agrees to revoke their licences.
type RemoveOptions struct {
	TransferTo     *string `json:"transferTo"`
	DeleteContent  bool    `json:"deleteContent"`
	RevokeLicenses bool    `json:"revokeLicenses"`
}

func (o RemoveOptions) transferTo() string {
	if o.TransferTo == nil {
		return ""
	}
	return *o.TransferTo
}

// Removal is what a removal (or a departure) did.
type Removal struct {
	Member        Person            `json:"member"`
	TransferredTo *Person           `json:"transferredTo"`
	Handover      *content.Handover `json:"handover"`
	SeatPrice     int               `json:"seatPrice"`     // cents per month no longer billed
	MonthlyAmount int               `json:"monthlyAmount"` // the subscription's monthly amount now
	Currency      string            `json:"currency"`
}

// RemovalPreview is what the removal wizard shows before anything happens: what the
// member holds, what the request will have to say about it, and the seat price saved.
type RemovalPreview struct {
	Member Person          `json:"member"`
	Role   access.Role     `json:"role"`
	Type   access.UserType `json:"userType"`
	Status access.Status   `json:"status"`
	*content.Holdings
	Counts             map[string]int `json:"counts"`   // items, groups, memberOf, licenses
	Required           []string       `json:"required"` // owns_content, has_licenses: what the request must settle
	SeatPrice          int            `json:"seatPrice"`
	MonthlyAmount      int            `json:"monthlyAmount"`
	MonthlyAmountAfter int            `json:"monthlyAmountAfter"`
	Currency           string         `json:"currency"`
}

// Remove takes member id out of the organisation for good, in one
// transaction: their items and groups go to opts.TransferTo or are deleted, they leave
// every group, their licences are revoked, their membership and their account (with its
// avatar and personal settings) are deleted, the seat ledger gets a −1 row at their seat
// price (the subscription's monthly amount drops by exactly that), and one audit row
// tells what happened. They are told by mail (member_removed) in their language.
// Access: members.remove (the owner removes admins and members, an admin members;
// nobody removes the owner or themselves).
// Errors: 400 transferTo (with deleteContent too); 404; 403 from the policy;
// 409 owns_content {items, groups} while they own content and neither transferTo nor
// deleteContent is given; 409 has_licenses {licenses} unless revokeLicenses;
// 409 transfer_target_ineligible {reason: not_member, same_member, not_active, user_type}.
func Remove(app core.App, actor access.Actor, id string, opts RemoveOptions) (*Removal, error) {
	r := &removal{actor: actor, opts: opts, action: access.MembersRemove, notify: true}
	return r.run(app, id)
}

// PreviewRemoval answers what removing member id would involve, changing nothing.
// Access: members.remove on them, or org.leave on oneself. Errors: 404, 403.
func PreviewRemoval(app core.App, actor access.Actor, id string) (*RemovalPreview, error) {
	ts, err := loadTargets(app, actor.Org, []string{id})
	if err != nil {
		return nil, err
	}
	t, ok := ts[id]
	if !ok {
		return nil, fail.NotFound("Member not found.")
	}
	action := access.MembersRemove
	if id == actor.ID {
		action = access.OrgLeave
	}
	if err := can(actor, action, t); err != nil {
		return nil, err
	}
	held, err := content.HoldingsOf(app, actor.Org, t.M.Id)
	if err != nil {
		return nil, err
	}
	p := t.Policy()
	price, err := priceOf(app, actor.Org, p.UserType)
	if err != nil {
		return nil, err
	}
	out := &RemovalPreview{Member: personOf(t), Role: p.Role, Type: p.UserType, Status: p.Status, Holdings: held,
		Counts: map[string]int{"items": len(held.Items), "groups": len(held.Groups), "memberOf": len(held.MemberOf),
			"licenses": len(held.Licenses)},
		Required:  []string{},
		SeatPrice: price.seat, MonthlyAmount: price.monthly, MonthlyAmountAfter: price.monthly - price.seat,
		Currency: price.currency}
	if held.OwnsContent() {
		out.Required = append(out.Required, "owns_content")
	}
	if len(held.Licenses) > 0 {
		out.Required = append(out.Required, "has_licenses")
	}
	return out, nil
}

// removal is one member leaving the organisation, removed by someone or by choice.
type removal struct {
	actor  access.Actor
	opts   RemoveOptions
	action access.Action
	notify bool

	held map[string]*content.Holdings // per member removed, read by check
	to   *target                      // the member receiving the content, if any
	out  *Removal
}

func (r *removal) run(app core.App, id string) (*Removal, error) {
	if err := r.opts.valid(); err != nil {
		return nil, err
	}
	if err := runOne(app, r.actor, id, r.op()); err != nil {
		return nil, err
	}
	return r.out, nil
}

func (o RemoveOptions) valid() error {
	if o.transferTo() != "" && o.DeleteContent {
		return fail.Invalid("transferTo", "choose_one", "Either transfer the content or delete it, not both.")
	}
	return nil
}

func (r *removal) op() op {
	r.held = map[string]*content.Holdings{}
	return op{check: r.check, apply: each(r.apply),
		seats: func(t *target) map[access.UserType]int { return map[access.UserType]int{t.Policy().UserType: -1} }}
}

// check enforces the policy and the removal's preconditions.
func (r *removal) check(tx core.App, t *target) error {
	if err := can(r.actor, r.action, t); err != nil {
		return err
	}
	held, err := content.HoldingsOf(tx, r.actor.Org, t.M.Id)
	if err != nil {
		return err
	}
	r.held[t.M.Id] = held
	if to := r.opts.transferTo(); to != "" {
		if r.to, err = transferTarget(tx, r.actor.Org, t, to); err != nil {
			return err
		}
	}
	counts := map[string]any{"items": len(held.Items), "groups": len(held.Groups), "licenses": len(held.Licenses)}
	var reasons []string
	if held.OwnsContent() && r.to == nil && !r.opts.DeleteContent {
		reasons = append(reasons, "owns_content")
	}
	if len(held.Licenses) > 0 && !r.opts.RevokeLicenses {
		reasons = append(reasons, "has_licenses")
	}
	if len(reasons) == 0 {
		return nil
	}
	counts["reasons"] = reasons
	if reasons[0] == "owns_content" {
		return fail.Conflict("owns_content", fmt.Sprintf(
			"This member owns %d items and %d groups: transfer them to another member (transferTo) or delete them (deleteContent).",
			len(held.Items), len(held.Groups)), counts)
	}
	return fail.Conflict("has_licenses", fmt.Sprintf(
		"This member holds %d licences: agree to revoke them (revokeLicenses).", len(held.Licenses)), counts)
}

// transferTarget checks the member who is to receive t's content: another active member
// of the organisation whose user type can own items and groups.
func transferTarget(tx core.App, org string, t *target, id string) (*target, error) {
	refuse := func(reason, message string) error {
		return fail.Conflict("transfer_target_ineligible", message, map[string]any{"reason": reason, "transferTo": id})
	}
	if id == t.M.Id {
		return nil, refuse("same_member", "The content cannot be transferred to the member being removed.")
	}
	ts, err := loadTargets(tx, org, []string{id})
	if err != nil {
		return nil, err
	}
	to, ok := ts[id]
	if !ok {
		return nil, refuse("not_member", "The content can only go to a member of the organisation.")
	}
	switch p := to.Policy(); {
	case p.Status != access.Active:
		return nil, refuse("not_active", "The content cannot go to a disabled member.")
	case !p.UserType.CanOwn():
		return nil, refuse("user_type", "A "+string(p.UserType)+" cannot own items or groups: choose a creator or professional.")
	}
	return to, nil
}

// apply hands the content over, revokes the licences, frees the seat, deletes the
// membership and the account, and records it all; the mail goes after commit.
func (r *removal) apply(tx core.App, t *target) error {
	org, err := tx.FindRecordById("organizations", r.actor.Org)
	if err != nil {
		return err
	}
	p, held := t.Policy(), r.held[t.M.Id]
	toID := ""
	var toPerson *Person
	if r.to != nil {
		toID = r.to.M.Id
		toPerson = new(personOf(r.to))
	}
	handover, err := content.Release(tx, r.actor.Org, t.M.Id, toID)
	if err != nil {
		return err
	}
	if err := billing.SeatChanged(tx, billing.Seat{Org: r.actor.Org, Membership: t.M.Id, Label: t.Label(),
		UserType: p.UserType, Delta: -1, Reason: billing.Removed, Actor: r.actor.ID}); err != nil {
		return err
	}
	price, err := priceOf(tx, r.actor.Org, p.UserType)
	if err != nil {
		return err
	}
	// What the mail needs, read before the account goes.
	lang, name, email := mail.LanguageOf(t.U, org), t.Name(), t.U.Email()
	if err := tx.Delete(t.M); err != nil {
		return err
	}
	if err := tx.Delete(t.U); err != nil { // PocketBase deletes the avatar file once this commits
		return err
	}
	before := map[string]any{"role": string(p.Role), "userType": string(p.UserType), "status": string(p.Status),
		"itemsOwned": len(held.Items), "groupsOwned": len(held.Groups), "groupsMemberOf": len(held.MemberOf),
		"licenses": len(held.Licenses)}
	after := map[string]any{"removed": true, "accountDeleted": true, "handover": handover,
		"seatPriceSaved": price.seat, "monthlyAmount": price.monthly, "currency": price.currency}
	if toPerson != nil {
		after["transferredTo"] = map[string]any{"id": toPerson.ID, "label": r.to.Label()}
	}
	if err := record(tx, r.actor, r.action, t, before, after); err != nil {
		return err
	}
	r.out = &Removal{Member: Person{ID: t.M.Id, Name: name, Email: email}, TransferredTo: toPerson, Handover: handover,
		SeatPrice: price.seat, MonthlyAmount: price.monthly, Currency: price.currency}
	if !r.notify {
		return nil
	}
	return mail.Queue(tx, mail.Mail{Org: r.actor.Org, To: email, Template: "member_removed", Language: lang,
		Data: map[string]any{"Name": name, "OrgName": org.GetString("name"), "ActorName": actorName(r.actor, lang)}})
}

// seatPrice is a seat's monthly price under the organisation's plan, and the
// subscription's monthly amount as it stands.
type seatPrice struct {
	seat, monthly int
	currency      string
}

func priceOf(app core.App, org string, ut access.UserType) (seatPrice, error) {
	prices, sub, err := billing.PlanPrices(app, org)
	if err != nil {
		return seatPrice{}, err
	}
	plan, err := app.FindRecordById("plans", sub.GetString("plan"))
	if err != nil {
		return seatPrice{}, err
	}
	return seatPrice{seat: prices[ut], monthly: sub.GetInt("monthlyAmount"), currency: plan.GetString("currency")}, nil
}
