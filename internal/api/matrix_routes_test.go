package api_test

import (
	"fmt"

	"roster/internal/access"
	"roster/internal/members"
	"roster/internal/testapp"
)

// Request builders shared by the rows.

func mxGet(suffix string) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org(suffix), nil }
}

func mxSend(suffix string, body any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org(suffix), body }
}

func mxOnMember(suffix string, body func(c *mcase) any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) {
		if body == nil {
			return c.memberPath(suffix), nil
		}
		return c.memberPath(suffix), body(c)
	}
}

func mxBody(v any) func(*mcase) any { return func(*mcase) any { return v } }

// mxAt is a request outside organisations, with a fixed body.
func mxAt(path string, body any) func(c *mcase) (string, any) {
	return func(*mcase) (string, any) { return path, body }
}

// Resources made for one case, in the target's organisation (c.res).

// item is an item of c.member's, shared with the organisation (so every member sees it).
func (c *mcase) item() string {
	return c.w.record("items", map[string]any{"org": c.res, "owner": c.member.ID(), "kind": "map",
		"title": "Matrix", "sharing": "org", "groups": []string{}})
}

// group is a group of c.member's, with c.member in it.
func (c *mcase) group() string {
	return c.w.record("groups", map[string]any{"org": c.res, "owner": c.member.ID(), "title": "Matrix",
		"members": []string{c.member.ID()}})
}

func (c *mcase) invitation() string {
	id, _ := c.w.newInvitation(c.res, c.role)
	return id
}

// joinToken is a fresh invitation's token (the public routes consume it).
func (c *mcase) joinToken() string {
	_, token := c.w.newInvitation(c.w.org.ID, access.RoleMember)
	return token
}

func mxItem(suffix string, body any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org("/items/" + c.item() + suffix), body }
}

func mxGroup(suffix string, body func(c *mcase) any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org("/groups/" + c.group() + suffix), body(c) }
}

func mxLicense(suffix string, body any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org("/licenses/" + c.w.newLicense(c.res) + suffix), body }
}

// mxLicenseBatch assigns or revokes the path organisation's licence for the target member.
func mxLicenseBatch(action string) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) {
		return c.org("/licenses/" + c.w.licenses[c.home] + "/" + action), map[string]any{"members": []string{c.member.ID()}}
	}
}

func mxInvitation(method string) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) {
		if method == "resend" {
			return c.org("/invitations/" + c.invitation() + "/resend"), nil
		}
		return c.org("/invitations/" + c.invitation()), nil
	}
}

// mxInvoice is the target organisation's invoice; a fresh open one when it will be paid.
func mxInvoice(suffix string, fresh bool) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) {
		id := c.w.invoices[c.res]
		if fresh {
			id = c.w.newInvoice(c.res)
		}
		if suffix == "/pay" {
			return c.org("/invoices/" + id + suffix), map[string]any{}
		}
		return c.org("/invoices/" + id + suffix), nil
	}
}

func mxPaymentMethod(body any) func(c *mcase) (string, any) {
	return func(c *mcase) (string, any) { return c.org("/payment-methods/" + c.w.newPaymentMethod(c.res)), body }
}

func (c *mcase) unique(format string) string { return fmt.Sprintf(format, c.w.next()) }

// Account routes need the actor's two-factor in a given state, and leave it off.
func mxTOTPOff(c *mcase, _ testapp.Response) {
	if c.who != nil && c.allowed {
		c.w.clearTOTP(c.who)
	}
}

// mxTransferBack gives the office back to its owner after an allowed transfer.
func mxTransferBack(c *mcase, r testapp.Response) {
	if r.Status != 200 {
		return
	}
	w := c.w
	if _, err := members.TransferOwnershipByOperator(w.app, w.slug, w.owner.Email); err != nil {
		w.t.Fatalf("transfer back: %v", err)
	}
	w.refresh(w.owner)
}

// mxBulkOutcome reads the one member's result of a bulk action: not_found is 404, a
// policy refusal 403, any other refusal a precondition (409).
func mxBulkOutcome(w *mxWorld, r testapp.Response) (int, string) {
	if r.Status != 200 {
		return r.Status, r.Code()
	}
	results, _ := r.JSON["results"].([]any)
	if len(results) != 1 {
		return 500, "results"
	}
	first, _ := results[0].(map[string]any)
	code, _ := first["code"].(string)
	switch {
	case first["ok"] == true:
		return 200, code
	case code == "not_found":
		return 404, code
	case w.refusalCodes[code]:
		return 403, code
	}
	return 409, code
}

// matrixRoutes is every route registered under internal/api, with who may use it
// (the policy table, for the reader) and what its handler asks internal/access (the verdict).
var matrixRoutes = []mroute{
	// Public: no sign-in; a token, valid or not, changes nothing.
	{key: "GET /api/setup", rule: mxPublic("anyone"), targets: []mxTarget{tOrg},
		request: mxAt("/api/setup", nil)},
	{key: "POST /api/setup", rule: mxPublic("anyone, once (then 409 already_set_up)"), targets: []mxTarget{tOrg},
		request: mxAt("/api/setup", map[string]any{})},
	{key: "POST /api/auth/totp", rule: mxPublic("whoever holds a sign-in challenge"), targets: []mxTarget{tOrg},
		request: func(c *mcase) (string, any) {
			return "/api/auth/totp", map[string]any{"mfaId": c.w.challenge(), "code": code(c.w.t, c.w.mfaSecret)}
		}},
	{key: "GET /api/invitations/{token}", rule: mxPublic("whoever holds the link"), targets: []mxTarget{tOrg},
		request: func(c *mcase) (string, any) { return "/api/invitations/" + c.joinToken(), nil }},
	{key: "POST /api/invitations/{token}/accept", rule: mxPublic("whoever holds the link"), targets: []mxTarget{tOrg},
		request: func(c *mcase) (string, any) {
			return "/api/invitations/" + c.joinToken() + "/accept", map[string]any{"givenName": "Matrix", "password": "matrix password 42"}
		}},

	// One's own account, in no organisation's path.
	{key: "GET /api/me", rule: mxSignedIn("any signed-in member"), targets: mxSelfTargets,
		request: mxAt("/api/me", nil)},
	{key: "PATCH /api/account/profile", rule: mxOnSelf("any signed-in member, their own", access.MembersUpdateProfile), targets: mxSelfTargets,
		request: mxAt("/api/account/profile", map[string]any{"description": "Matrix"})},
	{key: "POST /api/account/password", rule: mxSignedIn("any signed-in member, their own"), targets: mxSelfTargets,
		request: func(c *mcase) (string, any) {
			old := ""
			if c.who != nil {
				old = c.who.Password
			}
			c.password = c.unique("matrix password %d")
			return "/api/account/password", map[string]any{"oldPassword": old, "password": c.password}
		},
		after: func(c *mcase, r testapp.Response) {
			if r.Status == 200 {
				c.who.Password = c.password
			}
		}},
	{key: "POST /api/account/totp/setup", rule: mxSignedIn("any signed-in member, their own"), targets: mxSelfTargets,
		request: func(c *mcase) (string, any) {
			if c.allowed {
				c.w.clearTOTP(c.who)
			}
			return "/api/account/totp/setup", nil
		}, after: mxTOTPOff},
	{key: "POST /api/account/totp/enable", rule: mxSignedIn("any signed-in member, their own"), targets: mxSelfTargets,
		request: func(c *mcase) (string, any) {
			now := "000000"
			if c.allowed {
				now = code(c.w.t, c.w.setupTOTP(c.who))
			}
			return "/api/account/totp/enable", map[string]any{"code": now}
		}, after: mxTOTPOff},
	{key: "DELETE /api/account/totp", rule: mxSignedIn("any signed-in member, their own"), targets: mxSelfTargets,
		request: func(c *mcase) (string, any) {
			now := "000000"
			if c.allowed {
				now = code(c.w.t, c.w.enrol(c.who))
			}
			return "/api/account/totp", map[string]any{"code": now}
		}, after: mxTOTPOff},
	{key: "POST /api/account/recovery-codes", rule: mxSignedIn("any signed-in member, their own"), targets: mxSelfTargets,
		request: func(c *mcase) (string, any) {
			now := "000000"
			if c.allowed {
				now = code(c.w.t, c.w.enrol(c.who))
			}
			return "/api/account/recovery-codes", map[string]any{"code": now}
		}, after: mxTOTPOff},

	// The organisation and its members.
	{key: "GET /api/orgs/{org}", rule: mxSignedIn("any member of the organisation"), targets: mxOrgTargets, orgLevel: true, request: mxGet("")},
	{key: "GET /api/orgs/{org}/members", rule: mxOnOrg("any member (others: the directory)", access.MembersDirectory),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/members")},
	{key: "GET /api/orgs/{org}/seats", rule: mxOnOrg("owner and administrators", access.MembersList),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/seats")},
	{key: "GET /api/orgs/{org}/members.csv", rule: mxOnOrg("owner and administrators", access.MembersExport),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/members.csv")},
	{key: "GET /api/orgs/{org}/members/{id}", rule: mxOnOrg("any member (others: the directory entry)", access.MembersDirectory),
		targets: mxMemberTargets, request: mxOnMember("", nil)},
	{key: "POST /api/orgs/{org}/members/bulk", rule: mxOnTarget("per member, as members.disable", access.MembersDisable),
		targets: mxMemberTargets, mutates: true, outcome: mxBulkOutcome,
		request: func(c *mcase) (string, any) {
			return c.org("/members/bulk"), map[string]any{"action": "disable", "ids": []string{c.member.ID()}, "skipIneligible": true}
		}},
	{key: "PATCH /api/orgs/{org}/members/{id}", variant: "profile", rule: mxOnTarget("self; admins members; owner all", access.MembersUpdateProfile),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("", mxBody(map[string]any{"description": "Matrix"}))},
	{key: "PATCH /api/orgs/{org}/members/{id}", variant: "email", rule: mxOnTarget("owner and admins (admins: members and self)",
		access.MembersUpdateProfile, access.MembersChangeEmail),
		targets: mxMemberTargets, mutates: true,
		request: mxOnMember("", func(c *mcase) any { return map[string]any{"email": c.unique("matrix%d@example.com")} })},
	{key: "POST /api/orgs/{org}/members/{id}/disable", rule: mxOnTarget("owner: admins, members; admins: members", access.MembersDisable),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/disable", nil)},
	{key: "POST /api/orgs/{org}/members/{id}/enable", rule: mxOnTarget("owner: admins, members; admins: members", access.MembersEnable),
		targets: mxMemberTargets, mutates: true,
		request: func(c *mcase) (string, any) {
			if c.fresh {
				testapp.SetStatus(c.w.t, c.w.app, c.member, access.Disabled)
			}
			return c.memberPath("/enable"), nil
		}},
	{key: "POST /api/orgs/{org}/members/{id}/end-sessions", rule: mxOnTarget("owner: others; admins: members", access.MembersEndSessions),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/end-sessions", nil)},
	{key: "POST /api/orgs/{org}/members/{id}/user-type", rule: mxOnTarget("owner: all; admins: members", access.MembersChangeUserType),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/user-type", mxBody(map[string]any{"userType": "professional"}))},
	{key: "POST /api/orgs/{org}/members/{id}/partner-access", rule: mxOnTarget("owner: others; admins: members", access.MembersPartnerAccess),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/partner-access", mxBody(map[string]any{"enabled": true}))},
	{key: "POST /api/orgs/{org}/members/{id}/credits", rule: mxOnTarget("owner: all; admins: members, self", access.MembersManageCredits),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/credits", mxBody(map[string]any{"allocated": 25}))},
	{key: "POST /api/orgs/{org}/members/{id}/role", rule: mxOnTarget("owner only, on others", access.MembersChangeRole),
		targets: mxMemberTargets, mutates: true,
		request: mxOnMember("/role", func(c *mcase) any {
			if c.member.Membership.GetString("role") == string(access.RoleAdmin) {
				return map[string]any{"role": "member"}
			}
			return map[string]any{"role": "admin"}
		})},
	{key: "POST /api/orgs/{org}/members/{id}/reset-password", rule: mxOnTarget("owner: admins, members; admins: members", access.MembersResetPassword),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/reset-password", nil)},
	{key: "POST /api/orgs/{org}/members/{id}/disable-mfa", rule: mxOnTarget("owner: admins, members; admins: members", access.MembersDisableMfa),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("/disable-mfa", nil)},
	{key: "GET /api/orgs/{org}/members/{id}/removal", rule: mxRemoval("who may remove them; admins and members themselves (leaving)"),
		targets: mxMemberTargets, request: mxOnMember("/removal", nil)},
	{key: "DELETE /api/orgs/{org}/members/{id}", rule: mxOnTarget("owner: admins, members; admins: members", access.MembersRemove),
		targets: mxMemberTargets, mutates: true, request: mxOnMember("", mxBody(map[string]any{}))},
	{key: "POST /api/orgs/{org}/transfer-ownership", rule: mxOnTarget("owner only, to someone else", access.OrgTransferOwnership),
		targets: mxMemberTargets, mutates: true, after: mxTransferBack,
		request: func(c *mcase) (string, any) {
			pw := ""
			if c.who != nil {
				pw = c.who.Password
			}
			return c.org("/transfer-ownership"), map[string]any{"to": c.member.ID(), "password": pw}
		}},
	{key: "POST /api/orgs/{org}/leave", rule: mxOnSelf("admins and members (the owner transfers first)", access.OrgLeave),
		targets: []mxTarget{tSelf, tForeign}, orgLevel: true, consumesActor: true,
		refusals: map[string]int{"owner_must_transfer": 409}, request: mxSend("/leave", map[string]any{})},

	// Invitations.
	{key: "GET /api/orgs/{org}/invitations", rule: mxOnInvitee("owner and administrators", access.MembersInvite),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/invitations")},
	{key: "POST /api/orgs/{org}/invitations", rule: mxOnInvitee("owner: as member or admin; admins: as member", access.MembersInvite),
		targets: mxInvitationTargets, orgLevel: true,
		request: func(c *mcase) (string, any) {
			return c.org("/invitations"), map[string]any{"emails": []string{c.unique("new%d@example.com")}, "role": c.role, "userType": "creator"}
		}},
	{key: "POST /api/orgs/{org}/invitations/{id}/resend", rule: mxOnInvitee("owner: all; admins: invitations as member", access.InvitationsResend),
		targets: mxInvitationTargets, request: mxInvitation("resend")},
	{key: "DELETE /api/orgs/{org}/invitations/{id}", rule: mxOnInvitee("owner: all; admins: invitations as member", access.InvitationsRevoke),
		targets: mxInvitationTargets, request: mxInvitation("revoke")},

	// Billing: the owner's alone, but for spending one's own credits.
	{key: "GET /api/orgs/{org}/subscription", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/subscription")},
	{key: "POST /api/orgs/{org}/subscription/plan", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/subscription/plan", map[string]any{"plan": "business"})},
	{key: "GET /api/orgs/{org}/invoices", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/invoices")},
	{key: "GET /api/orgs/{org}/invoices/{id}", variant: "JSON", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, request: mxInvoice("", false)},
	{key: "GET /api/orgs/{org}/invoices/{id}", variant: "printable .html", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, request: mxInvoice(".html", false)},
	{key: "POST /api/orgs/{org}/invoices/{id}/pay", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, request: mxInvoice("/pay", true)},
	{key: "GET /api/orgs/{org}/payment-methods", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/payment-methods")},
	{key: "POST /api/orgs/{org}/payment-methods", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/payment-methods", mxCard())},
	{key: "PATCH /api/orgs/{org}/payment-methods/{id}", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, request: mxPaymentMethod(map[string]any{"label": "Matrix card"})},
	{key: "DELETE /api/orgs/{org}/payment-methods/{id}", rule: mxOnOrg("owner only", access.BillingManage),
		targets: mxOrgTargets, request: mxPaymentMethod(nil)},
	{key: "GET /api/orgs/{org}/credits", rule: mxOnOrg("owner and administrators (every member's spending)", access.MembersList),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/credits")},
	{key: "POST /api/orgs/{org}/credits/consume", rule: mxOnOrg("any member, their own credits", access.CreditsConsume),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/credits/consume", map[string]any{"amount": 1})},

	// Licences.
	{key: "GET /api/orgs/{org}/licenses", rule: mxOnOrg("owner and administrators", access.LicensesManage),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/licenses")},
	{key: "POST /api/orgs/{org}/licenses", rule: mxOnOrg("owner and administrators", access.LicensesManage),
		targets: mxOrgTargets, orgLevel: true,
		request: func(c *mcase) (string, any) {
			return c.org("/licenses"), map[string]any{"code": c.unique("NEW%d"), "name": "Matrix", "compatibleTypes": access.UserTypes, "seats": 10}
		}},
	{key: "PATCH /api/orgs/{org}/licenses/{id}", rule: mxOnOrg("owner and administrators", access.LicensesManage),
		targets: mxOrgTargets, request: mxLicense("", map[string]any{"name": "Renamed"})},
	{key: "DELETE /api/orgs/{org}/licenses/{id}", rule: mxOnOrg("owner and administrators", access.LicensesManage),
		targets: mxOrgTargets, request: mxLicense("", nil)},
	{key: "POST /api/orgs/{org}/licenses/{id}/assign", rule: mxOnTarget("owner: all; admins: members, self", access.LicensesAssign),
		targets: mxMemberTargets, request: mxLicenseBatch("assign")},
	{key: "POST /api/orgs/{org}/licenses/{id}/revoke", rule: mxOnTarget("owner: all; admins: members, self", access.LicensesRevoke),
		targets: mxMemberTargets, request: mxLicenseBatch("revoke")},

	// Shared content: the target is the resource's owner.
	{key: "GET /api/orgs/{org}/items", rule: mxOnOrg("any member", access.ContentUse),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/items")},
	{key: "POST /api/orgs/{org}/items", rule: mxOnOrg("any member whose type can own", access.ContentCreate),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/items", map[string]any{"kind": "map", "title": "Matrix", "sharing": "org"})},
	{key: "GET /api/orgs/{org}/items/{id}", rule: mxOnOrg("any member who can see it", access.ContentUse),
		targets: mxMemberTargets, request: mxItem("", nil)},
	{key: "PATCH /api/orgs/{org}/items/{id}", rule: mxModeration("its owner, or who may remove its owner"),
		targets: mxMemberTargets, request: mxItem("", map[string]any{"title": "Renamed"})},
	{key: "DELETE /api/orgs/{org}/items/{id}", rule: mxModeration("its owner, or who may remove its owner"),
		targets: mxMemberTargets, request: mxItem("", nil)},
	{key: "GET /api/orgs/{org}/groups", rule: mxOnOrg("any member", access.ContentUse),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/groups")},
	{key: "POST /api/orgs/{org}/groups", rule: mxOnOrg("any member whose type can own", access.ContentCreate),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/groups", map[string]any{"title": "Matrix"})},
	{key: "GET /api/orgs/{org}/groups/{id}", rule: mxOnOrg("any member", access.ContentUse),
		targets: mxMemberTargets, request: mxGroup("", mxBody(nil))},
	{key: "PATCH /api/orgs/{org}/groups/{id}", rule: mxModeration("its owner, or who may remove its owner"),
		targets: mxMemberTargets, request: mxGroup("", mxBody(map[string]any{"title": "Renamed"}))},
	{key: "DELETE /api/orgs/{org}/groups/{id}", rule: mxModeration("its owner, or who may remove its owner"),
		targets: mxMemberTargets, request: mxGroup("", mxBody(nil))},
	{key: "POST /api/orgs/{org}/groups/{id}/members", rule: mxModeration("its owner, or who may remove its owner (adding someone)"),
		targets: mxMemberTargets, request: mxGroup("/members", func(c *mcase) any { return map[string]any{"add": []string{c.w.bystander.ID()}} })},

	// Settings, reports, audit log, outbox.
	{key: "GET /api/orgs/{org}/settings", rule: mxOnOrg("owner only", access.OrgSettings),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/settings")},
	{key: "PATCH /api/orgs/{org}/settings", variant: "name", rule: mxOnOrg("owner only", access.OrgSettings),
		targets: mxOrgTargets, orgLevel: true, request: mxSend("/settings", map[string]any{"name": "Acme"})},
	{key: "PATCH /api/orgs/{org}/settings", variant: "report sections", rule: mxOnOrg("owner only", access.OrgSettings, access.ReportsSettings),
		targets: mxOrgTargets, orgLevel: true,
		request: mxSend("/settings", map[string]any{"reportSections": map[string]any{"member": []string{"members"}}})},
	{key: "GET /api/orgs/{org}/settings/mfa-compliance", rule: mxOnOrg("owner only", access.OrgSettings),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/settings/mfa-compliance")},
	{key: "GET /api/orgs/{org}/reports", rule: mxOnOrg("any member (the sections the owner shares)", access.ReportsView),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/reports")},
	{key: "GET /api/orgs/{org}/audit", rule: mxOnOrg("owner and administrators", access.AuditView),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/audit")},
	{key: "GET /api/orgs/{org}/audit.csv", rule: mxOnOrg("owner and administrators", access.AuditExport),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/audit.csv")},
	{key: "GET /api/orgs/{org}/audit/verify", rule: mxOnOrg("owner and administrators", access.AuditView),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/audit/verify")},
	{key: "GET /api/orgs/{org}/outbox", rule: mxOnOrg("owner and administrators", access.AuditView),
		targets: mxOrgTargets, orgLevel: true, request: mxGet("/outbox")},
}
