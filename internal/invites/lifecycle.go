package invites

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/paging"
)

// Register adds the hourly job that turns pending invitations past their expiry into
// expired ones (cron runs only in serve; reads expire them too).
func Register(app core.App) {
	app.Cron().MustAdd("rosterExpireInvitations", "@hourly", func() {
		if n, err := Expire(app); err != nil {
			app.Logger().Error("expiring invitations", "error", err)
		} else if n > 0 {
			app.Logger().Info("invitations expired", "count", n)
		}
	})
}

// Expire turns every pending invitation past its expiry into an expired one, each with
// an audit row by "system", and returns how many changed.
func Expire(app core.App) (int, error) { return expire(app, "") }

// expire does Expire for one organisation ("" = all). It looks before it writes, so
// that reading a list with nothing overdue takes no write lock.
func expire(app core.App, org string) (int, error) {
	where := "status = 'pending' AND expires <= {:now}"
	params := dbx.Params{"now": now()}
	if org != "" {
		where += " AND org = {:org}"
		params["org"] = org
	}
	var overdue bool
	if err := app.DB().NewQuery("SELECT EXISTS (SELECT 1 FROM invitations WHERE " + where + ")").Bind(params).Row(&overdue); err != nil || !overdue {
		return 0, err
	}
	n := 0
	err := app.RunInTransaction(func(tx core.App) error {
		var due []struct {
			ID    string `db:"id"`
			Org   string `db:"org"`
			Email string `db:"email"`
		}
		if err := tx.DB().NewQuery("SELECT id, org, email FROM invitations WHERE " + where).Bind(params).All(&due); err != nil {
			return err
		}
		for _, d := range due {
			changed, err := setStatus(tx, d.ID, Pending, Expired, nil)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			n++
			err = audit.Write(tx, audit.Entry{Org: d.Org, Actor: audit.ActorSystem, ActorLabel: audit.ActorSystem,
				Action: access.InvitationsExpire, TargetType: "invitation", TargetID: d.ID, TargetLabel: d.Email,
				Details: map[string]any{"before": map[string]any{"status": Pending}, "after": map[string]any{"status": Expired}}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// setStatus moves invitation id from one status to another with a conditional UPDATE,
// and reports whether it did: of two concurrent changes, only one finds it in from.
func setStatus(tx core.App, id, from, to string, extra dbx.Params) (bool, error) {
	params := dbx.Params{"status": to, "updated": now()}
	for k, v := range extra {
		params[k] = v
	}
	res, err := tx.DB().Update(Collection, params, dbx.HashExp{"id": id, "status": from}).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Filter is what an invitation list is asked for: statuses (none = all), a search in
// the address, and the page.
type Filter struct {
	Statuses []string
	Search   string
	paging.Request
}

// ParseFilter reads status (comma-separated), search, page and perPage (≤ 200).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Search: strings.TrimSpace(q.Get("search"))}
	for _, v := range q["status"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			switch s {
			case Pending, Accepted, Revoked, Expired:
				f.Statuses = append(f.Statuses, s)
			default:
				return f, fail.Invalid("status", "invalid_choice", "Status is pending, accepted, revoked or expired.")
			}
		}
	}
	if utf8.RuneCountInString(f.Search) > 200 {
		return f, fail.Invalid("search", "too_long", "The search text is too long.")
	}
	var err error
	f.Request, err = paging.Parse(q, paging.Lists)
	return f, err
}

// List answers one page of actor's organisation's invitations, newest first. Pending
// invitations past their expiry are expired first. Access: members.invite.
func List(app core.App, actor access.Actor, f Filter) (paging.Page[Invitation], error) {
	var page paging.Page[Invitation]
	if err := access.Can(actor.Member, access.MembersInvite, &access.Member{Role: access.RoleMember}); err != nil {
		return page, err
	}
	if _, err := expire(app, actor.Org); err != nil {
		return page, err
	}
	where := dbx.And(dbx.HashExp{"org": actor.Org})
	if len(f.Statuses) > 0 {
		in := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			in[i] = s
		}
		where = dbx.And(where, dbx.In("status", in...))
	}
	if f.Search != "" {
		where = dbx.And(where, dbx.Like("email", strings.ToLower(f.Search)))
	}
	total, err := app.CountRecords(Collection, where)
	if err != nil {
		return page, err
	}
	var rs []*core.Record
	err = app.RecordQuery(Collection).AndWhere(where).OrderBy("created DESC", "id DESC").
		Limit(int64(f.Limit())).Offset(int64(f.Offset())).All(&rs)
	if err != nil {
		return page, err
	}
	page = paging.Of(f.Request, int(total), make([]Invitation, len(rs)))
	for i, r := range rs {
		page.Items[i] = view(app, actor, r)
	}
	return page, nil
}

// Resend mails invitation id again with a new token (the previous link stops working
// at once), a new expiry, and sentCount and lastSent moved on. The answer carries the
// new link, once. An expired invitation comes back to life if a seat is free and the
// address is still free. Access: invitations.resend on the invitation's role.
// Errors: 404, 403 from the policy, 409 not_pending (accepted or revoked),
// already_member, other_org, seat_limit (an expired one only: a pending one holds its seat).
func Resend(app core.App, actor access.Actor, id string) (*Invitation, error) {
	return change(app, actor, access.InvitationsResend, id, func(tx core.App, r *core.Record) (*Invitation, error) {
		status := r.GetString("status")
		if status != Pending && status != Expired {
			return nil, fail.Conflict("not_pending", "This invitation was "+status+": it cannot be sent again.", map[string]any{"status": status})
		}
		org, err := tx.FindRecordById("organizations", actor.Org)
		if err != nil {
			return nil, err
		}
		switch taken, err := accountOrg(tx, r.GetString("email")); {
		case err != nil:
			return nil, err
		case taken == actor.Org:
			return nil, fail.Conflict("already_member", "This address is already a member of the organisation.", nil)
		case taken != "":
			return nil, fail.Conflict("other_org", "This address already has an account in another organisation.", nil)
		}
		if status == Expired {
			seats, err := seatsOf(tx, actor.Org)
			if err != nil {
				return nil, err
			}
			seats.Requested = 1
			if seats.Free() == 0 {
				return nil, planIsFull(seats)
			}
		}
		token, hash := newToken()
		sent := types.NowDateTime()
		before := map[string]any{"status": r.GetString("status"), "expires": r.GetDateTime("expires").String(), "sentCount": r.GetInt("sentCount")}
		r.Set("tokenHash", hash)
		r.Set("status", Pending)
		r.Set("expires", sent.Add(ttl(org)))
		r.Set("sentCount", r.GetInt("sentCount")+1)
		r.Set("lastSent", sent)
		if err := tx.Save(r); err != nil {
			return nil, err
		}
		after := map[string]any{"status": Pending, "expires": r.GetDateTime("expires").String(), "sentCount": r.GetInt("sentCount")}
		err = audit.Record(tx, actor, access.InvitationsResend, "invitation", r.Id, label(r),
			map[string]any{"before": before, "after": after})
		if err != nil {
			return nil, err
		}
		if err := sendInvitation(tx, org, r, token); err != nil {
			return nil, err
		}
		inv := view(tx, actor, r)
		inv.Link = link(tx, token)
		return &inv, nil
	})
}

// Revoke cancels pending invitation id: its link stops working at once and its seat is
// free again. Access: invitations.revoke on the invitation's role.
// Errors: 404, 403 from the policy, 409 not_pending.
func Revoke(app core.App, actor access.Actor, id string) (*Invitation, error) {
	return change(app, actor, access.InvitationsRevoke, id, func(tx core.App, r *core.Record) (*Invitation, error) {
		changed, err := setStatus(tx, r.Id, Pending, Revoked, nil)
		if err != nil {
			return nil, err
		}
		if !changed {
			return nil, fail.Conflict("not_pending", "This invitation was "+r.GetString("status")+": there is nothing to revoke.",
				map[string]any{"status": r.GetString("status")})
		}
		err = audit.Record(tx, actor, access.InvitationsRevoke, "invitation", r.Id, label(r),
			map[string]any{"before": map[string]any{"status": Pending}, "after": map[string]any{"status": Revoked}})
		if err != nil {
			return nil, err
		}
		if r, err = tx.FindRecordById(Collection, r.Id); err != nil {
			return nil, err
		}
		inv := view(tx, actor, r)
		return &inv, nil
	})
}

// change runs fn on invitation id of the actor's organisation, in one transaction, once
// the policy allows action on the invitation's role (pending invitations past their
// expiry are marked expired first). Errors: 404, 403 from the policy, fn's.
func change(app core.App, actor access.Actor, action access.Action, id string, fn func(tx core.App, r *core.Record) (*Invitation, error)) (*Invitation, error) {
	var out *Invitation
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := expire(tx, actor.Org); err != nil {
			return err
		}
		r, err := findInOrg(tx, actor.Org, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor.Member, action, &access.Member{Role: access.Role(r.GetString("role"))}); err != nil {
			return err
		}
		out, err = fn(tx, r)
		return err
	})
	return out, err
}
