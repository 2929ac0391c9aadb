package members

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/mail"
)

// OwnershipTransfer names the two sides of an ownership transfer.
type OwnershipTransfer struct {
	From Person `json:"from"` // the former owner, now an administrator
	To   Person `json:"to"`   // the new owner
}

// Person names a member in an answer.
type Person struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func personOf(t *target) Person { return Person{ID: t.M.Id, Name: t.Name(), Email: t.U.Email()} }

// TransferOwnership makes member `to` the owner of the actor's organisation, and the
// actor, its owner until now, an administrator: the owner invariant (hooks) demotes the
// former owner in the same transaction as the promotion. stepUp re-proves the actor
// (security.StepUp: password, and a TOTP code when enabled) once the policy and the
// preconditions pass, before the transaction (bcrypt must not hold SQLite's write lock);
// the transaction checks them again, so a change in between is still refused. Both are
// told by mail (ownership_transferred), in their language; one audit row names both.
// Access: org.transferOwnership (the owner, to someone else).
// Errors: 400 to (missing), 404 (not a member of the organisation), 403 from the policy (self: the owner
// already is), 403 step_up_failed, 409 target_ineligible with the reason: not_active
// (disabled) or user_type (a viewer or contributor cannot own: change their type first).
func TransferOwnership(app core.App, actor access.Actor, to string, stepUp func() error) (*OwnershipTransfer, error) {
	if to == "" {
		return nil, fail.Invalid("to", "required", "Choose the member who becomes the owner.")
	}
	if _, err := newOwnerOf(app, actor, to); err != nil {
		return nil, err
	}
	if err := stepUp(); err != nil {
		return nil, err
	}
	var out *OwnershipTransfer
	err := app.RunInTransaction(func(tx core.App) error {
		t, err := newOwnerOf(tx, actor, to)
		if err != nil {
			return err
		}
		out, err = transferOwnership(tx, actor, t, false)
		return err
	})
	return out, err
}

// newOwnerOf loads member `to` and checks that actor may make them the owner.
func newOwnerOf(app core.App, actor access.Actor, to string) (*target, error) {
	ts, err := loadTargets(app, actor.Org, []string{to})
	if err != nil {
		return nil, err
	}
	t, ok := ts[to]
	if !ok {
		return nil, fail.NotFound("Member not found.")
	}
	if err := can(actor, access.OrgTransferOwnership, t); err != nil {
		return nil, err
	}
	return t, ownerEligible(t)
}

// TransferOwnershipByOperator is the instance operator's break-glass (roster org
// transfer-ownership): it makes the member with address email the owner of the
// organisation with that slug, audited with actor "superuser". Because break-glass
// usually means the owner is gone or their account compromised, the former owner's
// sessions also end (their token key is rotated).
// Errors: 404 organisation or member not found, 409 already_owner, 409 target_ineligible.
func TransferOwnershipByOperator(app core.App, slug, email string) (*OwnershipTransfer, error) {
	var out *OwnershipTransfer
	err := app.RunInTransaction(func(tx core.App) error {
		org, err := tx.FindFirstRecordByData("organizations", "slug", strings.TrimSpace(slug))
		if errors.Is(err, sql.ErrNoRows) {
			return fail.NotFound("No organisation has this short name.")
		}
		if err != nil {
			return err
		}
		var id string
		err = tx.DB().NewQuery(`SELECT m.id FROM memberships m JOIN users u ON u.id = m.user
			WHERE m.org = {:org} AND u.email = {:email} COLLATE NOCASE`).
			Bind(dbx.Params{"org": org.Id, "email": strings.TrimSpace(email)}).Row(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fail.NotFound("No member of this organisation has this email address.")
		}
		if err != nil {
			return err
		}
		ts, err := loadTargets(tx, org.Id, []string{id})
		if err != nil {
			return err
		}
		t := ts[id]
		if t == nil {
			return fail.NotFound("No member of this organisation has this email address.")
		}
		if t.Policy().Role == access.RoleOwner {
			return fail.Conflict("already_owner", "This member already owns the organisation.", nil)
		}
		if err := ownerEligible(t); err != nil {
			return err
		}
		out, err = transferOwnership(tx, access.Operator(org.Id), t, true)
		return err
	})
	return out, err
}

// ownerEligible checks the conditions on a new owner: active, and of a user
// type that may be the owner (creator or professional).
func ownerEligible(t *target) error {
	p := t.Policy()
	switch {
	case p.Status != access.Active:
		return fail.Conflict("target_ineligible", "A disabled member cannot become the owner: enable them first.",
			map[string]any{"reason": "not_active", "status": string(p.Status)})
	case !p.UserType.Allows(access.RoleOwner):
		return fail.Conflict("target_ineligible",
			"A "+string(p.UserType)+" cannot be the owner: change their user type to creator or professional first.",
			map[string]any{"reason": "user_type", "userType": string(p.UserType)})
	}
	return nil
}

// transferOwnership promotes t; the owner invariant demotes the former owner. It writes
// the audit row and queues the mails; revokeFormer also ends the former owner's sessions.
func transferOwnership(tx core.App, by access.Actor, t *target, revokeFormer bool) (*OwnershipTransfer, error) {
	owner, err := tx.FindFirstRecordByFilter("memberships", "org = {:org} && role = {:role}",
		dbx.Params{"org": by.Org, "role": string(access.RoleOwner)})
	if err != nil {
		return nil, err
	}
	formers, err := loadTargets(tx, by.Org, []string{owner.Id})
	if err != nil {
		return nil, err
	}
	former := formers[owner.Id]
	if former == nil {
		return nil, errors.New("members: the owner's account is missing")
	}
	fromRole := t.M.GetString("role")
	t.M.Set("role", string(access.RoleOwner))
	if err := tx.Save(t.M); err != nil { // the owner invariant demotes the former owner here
		return nil, err
	}
	if revokeFormer {
		former.U.RefreshTokenKey()
		if err := tx.Save(former.U); err != nil {
			return nil, err
		}
	}
	h := &OwnershipTransfer{From: personOf(former), To: personOf(t)}
	err = audit.Record(tx, by, access.OrgTransferOwnership, "membership", t.M.Id, t.Label(), map[string]any{
		"from":   map[string]any{"id": former.M.Id, "label": former.Label()},
		"to":     map[string]any{"id": t.M.Id, "label": t.Label()},
		"before": map[string]any{"from": string(access.RoleOwner), "to": fromRole},
		"after": map[string]any{"from": string(access.RoleAdmin), "to": string(access.RoleOwner),
			"formerOwnerSessionsRevoked": revokeFormer},
	})
	if err != nil {
		return nil, err
	}
	org, err := tx.FindRecordById("organizations", by.Org)
	if err != nil {
		return nil, err
	}
	for _, r := range []*target{t, former} {
		lang := mail.LanguageOf(r.U, org)
		err := mail.Queue(tx, mail.Mail{Org: by.Org, To: r.U.Email(), Template: "ownership_transferred", Language: lang,
			Data: map[string]any{"Name": r.Name(), "OrgName": org.GetString("name"), "ActorName": actorName(by, lang),
				"NewOwner": t.Name(), "FormerOwner": former.Name(), "IsNewOwner": r == t,
				"Operator": by.IsOperator()}})
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}
