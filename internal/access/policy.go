package access

import "sort"

// Action names one thing an actor may do. The strings are the API's and the UI's.
type Action string

const (
	MembersDirectory      Action = "members.directory"
	MembersList           Action = "members.list"
	MembersExport         Action = "members.export"
	MembersInvite         Action = "members.invite"
	InvitationsRevoke     Action = "invitations.revoke"
	InvitationsResend     Action = "invitations.resend"
	MembersChangeRole     Action = "members.changeRole"
	OrgTransferOwnership  Action = "org.transferOwnership"
	MembersRemove         Action = "members.remove"
	MembersDisable        Action = "members.disable"
	MembersEnable         Action = "members.enable"
	MembersUpdateProfile  Action = "members.updateProfile"
	MembersChangeEmail    Action = "members.changeEmail"
	MembersResetPassword  Action = "members.resetPassword"
	MembersDisableMfa     Action = "members.disableMfa"
	MembersChangeUserType Action = "members.changeUserType"
	MembersManageCredits  Action = "members.manageCredits"
	MembersPartnerAccess  Action = "members.partnerAccess"
	MembersEndSessions    Action = "members.endSessions"
	LicensesManage        Action = "licenses.manage"
	LicensesAssign        Action = "licenses.assign"
	LicensesRevoke        Action = "licenses.revoke"
	OrgLeave              Action = "org.leave"
	BillingManage         Action = "billing.manage"
	OrgSettings           Action = "org.settings"
	ReportsSettings       Action = "reports.settings"
	ReportsView           Action = "reports.view"
	AuditView             Action = "audit.view"
	AuditExport           Action = "audit.export"
	CreditsConsume        Action = "credits.consume"
	ContentCreate         Action = "content.create"
	ContentUse            Action = "content.use"
)

// scope says on what an actor of one role may perform an action.
type scope uint8

const (
	onOrg     scope = 1 << iota // the organisation itself (no member target)
	onSelf                      // the actor's own membership
	onMembers                   // other members of role member
	onAdmins                    // other members of role admin
	// There is deliberately no onOwner: nobody acts on the owner except through
	// ownership transfer, which the owner performs on someone else.
)

type grant struct {
	owner, admin, member scope
	needsOwner           bool // the actor's user type must be able to own content
}

func (g grant) scope(r Role) scope {
	switch r {
	case RoleOwner:
		return g.owner
	case RoleAdmin:
		return g.admin
	case RoleMember:
		return g.member
	}
	return 0
}

// policy is the table of who may do what (docs/architecture.md). For members.invite
// and invitations.*, the target is the
// invitation's role. Preconditions that depend on data (seat limit, content owned,
// target type compatibility, org settings) are the services' 409s, not policy.
var policy = map[Action]grant{
	MembersDirectory:      {owner: onOrg, admin: onOrg, member: onOrg},
	MembersList:           {owner: onOrg, admin: onOrg},
	MembersExport:         {owner: onOrg, admin: onOrg},
	MembersInvite:         {owner: onMembers | onAdmins, admin: onMembers},
	InvitationsRevoke:     {owner: onMembers | onAdmins, admin: onMembers},
	InvitationsResend:     {owner: onMembers | onAdmins, admin: onMembers},
	MembersChangeRole:     {owner: onMembers | onAdmins},
	OrgTransferOwnership:  {owner: onMembers | onAdmins},
	MembersRemove:         {owner: onMembers | onAdmins, admin: onMembers},
	MembersDisable:        {owner: onMembers | onAdmins, admin: onMembers},
	MembersEnable:         {owner: onMembers | onAdmins, admin: onMembers},
	MembersUpdateProfile:  {owner: onSelf | onMembers | onAdmins, admin: onSelf | onMembers, member: onSelf},
	MembersChangeEmail:    {owner: onSelf | onMembers | onAdmins, admin: onSelf | onMembers},
	MembersResetPassword:  {owner: onMembers | onAdmins, admin: onMembers},
	MembersDisableMfa:     {owner: onMembers | onAdmins, admin: onMembers},
	MembersChangeUserType: {owner: onSelf | onMembers | onAdmins, admin: onMembers},
	MembersManageCredits:  {owner: onSelf | onMembers | onAdmins, admin: onSelf | onMembers},
	MembersPartnerAccess:  {owner: onMembers | onAdmins, admin: onMembers},
	MembersEndSessions:    {owner: onMembers | onAdmins, admin: onMembers},
	LicensesManage:        {owner: onOrg, admin: onOrg},
	LicensesAssign:        {owner: onSelf | onMembers | onAdmins, admin: onSelf | onMembers},
	LicensesRevoke:        {owner: onSelf | onMembers | onAdmins, admin: onSelf | onMembers},
	OrgLeave:              {admin: onSelf, member: onSelf},
	BillingManage:         {owner: onOrg},
	OrgSettings:           {owner: onOrg},
	ReportsSettings:       {owner: onOrg},
	ReportsView:           {owner: onOrg, admin: onOrg, member: onOrg}, // sections filtered by org settings
	AuditView:             {owner: onOrg, admin: onOrg},
	AuditExport:           {owner: onOrg, admin: onOrg},
	CreditsConsume:        {owner: onOrg, admin: onOrg, member: onOrg},
	ContentCreate:         {owner: onOrg, admin: onOrg, member: onOrg, needsOwner: true},
	ContentUse:            {owner: onOrg, admin: onOrg, member: onOrg},
}

// Actions lists every action with a policy row, sorted.
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
