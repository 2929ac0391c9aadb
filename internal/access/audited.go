package access

import "sort"

// Actions the audit log records that the policy does not decide: they are checked some
// other way (a member's own account, an owner-only billing service, the system, the
// instance operator) or happen without an actor asking. They are Actions so that every
// audit row names a constant (audit.Entry.Action) and audit.Describe has a sentence for
// each (internal/audit/describe_test.go). policy.go holds only the policy's actions:
// TestEveryActionHasARow requires a policy row for each of those.
const (
	// Membership and invitations.
	MembersJoin       Action = "members.join"       // an invitee joined (internal/invites)
	InvitationsExpire Action = "invitations.expire" // the system expired an invitation

	// The organisation and the instance.
	OrgCreate    Action = "org.create"    // the operator created an organisation (internal/orgs)
	OperatorEdit Action = "operator.edit" // the operator edited a record in PocketBase's dashboard (hooks/operator.go)
	DemoSeed     Action = "demo.seed"     // demo data was added (internal/demo)
	AuditRekeyed Action = "audit.rekeyed" // the chain was resealed under the instance key (internal/audit)

	// Billing, which the owner alone manages (BillingManage), and credits.
	BillingChangePlan          Action = "billing.changePlan"
	BillingClosePeriod         Action = "billing.closePeriod"
	BillingPayInvoice          Action = "billing.payInvoice"
	BillingAddPaymentMethod    Action = "billing.addPaymentMethod"
	BillingUpdatePaymentMethod Action = "billing.updatePaymentMethod"
	BillingRemovePaymentMethod Action = "billing.removePaymentMethod"

	// A member's own account (internal/security).
	AccountPasswordChange   Action = "account.passwordChange"
	AccountTotpEnable       Action = "account.totpEnable"
	AccountTotpDisable      Action = "account.totpDisable"
	AccountRecoveryCodes    Action = "account.recoveryCodes"
	AccountRecoveryCodeUsed Action = "account.recoveryCodeUsed"

	// Licences and shared content (internal/content), under LicensesManage and ContentCreate.
	LicensesCreate Action = "licenses.create"
	LicensesUpdate Action = "licenses.update"
	LicensesDelete Action = "licenses.delete"
	ItemsCreate    Action = "items.create"
	ItemsUpdate    Action = "items.update"
	ItemsDelete    Action = "items.delete"
	GroupsCreate   Action = "groups.create"
	GroupsUpdate   Action = "groups.update"
	GroupsDelete   Action = "groups.delete"
	GroupsMembers  Action = "groups.members"
)

// auditOnly lists the constants above.
var auditOnly = []Action{
	MembersJoin, InvitationsExpire,
	OrgCreate, OperatorEdit, DemoSeed, AuditRekeyed,
	BillingChangePlan, BillingClosePeriod, BillingPayInvoice,
	BillingAddPaymentMethod, BillingUpdatePaymentMethod, BillingRemovePaymentMethod,
	AccountPasswordChange, AccountTotpEnable, AccountTotpDisable, AccountRecoveryCodes, AccountRecoveryCodeUsed,
	LicensesCreate, LicensesUpdate, LicensesDelete,
	ItemsCreate, ItemsUpdate, ItemsDelete,
	GroupsCreate, GroupsUpdate, GroupsDelete, GroupsMembers,
}

// Audited lists, sorted, every action an audit row may carry: the policy's actions
// (Actions; those that only read are not recorded today, but are described should they
// ever be) and the audit-only ones above.
func Audited() []Action {
	out := append(Actions(), auditOnly...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
