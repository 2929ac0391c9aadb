// Package pb_migrations holds Roster's schema as Go migrations: append-only, timestamped,
// applied in file-name order by `serve`, `migrate up` and every Roster command.
package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Every collection is closed (all API rules nil, superuser only): users reach data
// through Roster's own routes, which ask internal/access.
func init() {
	m.Register(func(app core.App) error {
		s := &schema{app: app}
		s.users()
		orgs := s.save(s.organizations())
		users := s.find("users")
		memberships := s.save(s.memberships(orgs, users))
		s.save(s.invitations(orgs))
		plans := s.save(s.plans())
		s.save(s.subscriptions(orgs, plans))
		s.save(s.seatLedger(orgs))
		s.save(s.invoices(orgs))
		s.save(s.paymentMethods(orgs))
		s.save(s.creditLedger(orgs))
		groups := s.save(s.groups(orgs, memberships))
		s.save(s.items(orgs, memberships, groups))
		licenses := s.save(s.licenses(orgs))
		s.save(s.licenseAssignments(licenses, memberships))
		s.save(s.auditLog())
		s.save(s.mailOutbox())
		return s.err
	}, nil)
}

// schema builds collections, remembering the first error so the steps read as a list.
type schema struct {
	app core.App
	err error
}

func (s *schema) save(c *core.Collection) *core.Collection {
	if s.err == nil {
		s.err = s.app.Save(c)
	}
	return c
}

func (s *schema) find(name string) *core.Collection {
	if s.err != nil {
		return core.NewBaseCollection(name)
	}
	c, err := s.app.FindCollectionByNameOrId(name)
	if err != nil {
		s.err = err
		return core.NewBaseCollection(name)
	}
	return c
}

func f(v float64) *float64 { return &v }

func timestamps() []core.Field {
	return []core.Field{
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	}
}

func base(name string, fields ...core.Field) *core.Collection {
	c := core.NewBaseCollection(name)
	c.Fields.Add(fields...)
	c.Fields.Add(timestamps()...)
	return c
}

func orgRel(orgs *core.Collection) *core.RelationField {
	return &core.RelationField{Name: "org", CollectionId: orgs.Id, MaxSelect: 1, Required: true, CascadeDelete: true}
}

var (
	roles     = []string{"owner", "admin", "member"}
	userTypes = []string{"viewer", "contributor", "creator", "professional"}
	languages = []string{"fr", "en"}
	units     = []string{"metric", "imperial"}
	images    = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
)

func (s *schema) users() {
	users := s.find("users")
	users.ListRule, users.ViewRule, users.CreateRule, users.UpdateRule, users.DeleteRule = nil, nil, nil, nil, nil
	users.ManageRule = nil
	empty := ""
	users.AuthRule = &empty // anyone may authenticate; hooks refuse disabled members
	users.PasswordAuth.Enabled = true
	users.PasswordAuth.IdentityFields = []string{"email", "username"}
	users.AuthToken.Duration = 3600
	users.AuthAlert.Enabled = false // Roster sends its own notifications
	users.OAuth2.MappedFields.Name = ""
	users.OAuth2.MappedFields.AvatarURL = ""
	users.Fields.RemoveByName("name")
	if p, ok := users.Fields.GetByName("password").(*core.PasswordField); ok {
		p.Min, p.Max = 8, 64
	}
	if a, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
		a.MimeTypes = images
		a.MaxSize = 5 << 20
		a.Thumbs = []string{"100x100"}
	}
	users.Fields.Add(
		&core.TextField{Name: "username", Required: true, Min: 3, Max: 32, Pattern: `^[a-z0-9._-]{3,32}$`},
		&core.TextField{Name: "givenName", Max: 100},
		&core.TextField{Name: "familyName", Max: 100},
		&core.TextField{Name: "description", Max: 2000},
		&core.SelectField{Name: "visibility", Values: []string{"private", "org", "public"}, MaxSelect: 1},
		&core.SelectField{Name: "language", Values: languages, MaxSelect: 1},
		&core.SelectField{Name: "units", Values: units, MaxSelect: 1},
		&core.SelectField{Name: "authSource", Values: []string{"password", "sso"}, MaxSelect: 1},
		&core.DateField{Name: "lastLogin"},
		&core.BoolField{Name: "mustChangePassword"},
		&core.DateField{Name: "tempPasswordExpires"},
		&core.TextField{Name: "totpSecret", Hidden: true},
		&core.BoolField{Name: "totpEnabled", Hidden: true},
		&core.NumberField{Name: "totpLastStep", Hidden: true, OnlyInt: true},
		&core.JSONField{Name: "recoveryCodes", Hidden: true},
		&core.NumberField{Name: "failedLogins", Hidden: true, OnlyInt: true},
		&core.DateField{Name: "lockedUntil", Hidden: true},
	)
	// Replace the default, case-sensitive email index (same name) with a case-blind one.
	users.AddIndex("idx_email__pb_users_auth_", true, "`email` COLLATE NOCASE", "`email` != ''")
	users.AddIndex("idx_users_username", true, "`username` COLLATE NOCASE", "")
	users.AddIndex("idx_users_lastLogin", false, "`lastLogin`", "")
	users.AddIndex("idx_users_name", false, "`familyName` COLLATE NOCASE, `givenName` COLLATE NOCASE", "")
	s.save(users)
}

func (s *schema) organizations() *core.Collection {
	c := base("organizations",
		&core.TextField{Name: "name", Required: true, Max: 200},
		&core.TextField{Name: "slug", Required: true, Max: 63, Pattern: `^[a-z0-9][a-z0-9-]{0,62}$`},
		&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 2 << 20, MimeTypes: images, Thumbs: []string{"100x100"}},
		&core.SelectField{Name: "defaultLanguage", Values: languages, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "defaultUnits", Values: units, MaxSelect: 1, Required: true},
		&core.BoolField{Name: "mfaEnabled"},
		&core.BoolField{Name: "mfaRequired"},
		&core.BoolField{Name: "creditBudgeting"},
		&core.NumberField{Name: "creditsPool", Min: f(0)},
		&core.NumberField{Name: "inviteTtlDays", OnlyInt: true, Min: f(1), Max: f(90), Required: true},
		&core.JSONField{Name: "allowedDomains", MaxSize: 10000},
		&core.BoolField{Name: "partnerAccessDefault"},
		&core.SelectField{Name: "newMemberRole", Values: []string{"admin", "member"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "newMemberUserType", Values: userTypes, MaxSelect: 1, Required: true},
		&core.JSONField{Name: "reportSections", MaxSize: 10000},
	)
	c.AddIndex("idx_organizations_slug", true, "`slug`", "")
	return c
}

func (s *schema) memberships(orgs, users *core.Collection) *core.Collection {
	c := base("memberships",
		orgRel(orgs),
		&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
		&core.SelectField{Name: "role", Values: roles, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "userType", Values: userTypes, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "status", Values: []string{"active", "disabled"}, MaxSelect: 1, Required: true},
		&core.DateField{Name: "added", Required: true},
		&core.TextField{Name: "addedBy"},
		// PocketBase numbers cannot be null: "no limit" is creditsLimited = false.
		&core.BoolField{Name: "creditsLimited"},
		&core.NumberField{Name: "creditsAllocated", Min: f(0)},
		&core.NumberField{Name: "creditsUsed", Min: f(0)},
		&core.BoolField{Name: "partnerAccess"},
	)
	c.AddIndex("idx_memberships_user", true, "`user`", "")                 // one organisation per account
	c.AddIndex("idx_memberships_owner", true, "`org`", "`role` = 'owner'") // at most one owner per organisation
	c.AddIndex("idx_memberships_org_role", false, "`org`, `role`", "")
	c.AddIndex("idx_memberships_org_status", false, "`org`, `status`", "")
	c.AddIndex("idx_memberships_org_userType", false, "`org`, `userType`", "")
	c.AddIndex("idx_memberships_org_added", false, "`org`, `added`", "")
	return c
}

func (s *schema) invitations(orgs *core.Collection) *core.Collection {
	c := base("invitations",
		orgRel(orgs),
		&core.EmailField{Name: "email", Required: true},
		&core.SelectField{Name: "role", Values: []string{"admin", "member"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "userType", Values: userTypes, MaxSelect: 1, Required: true},
		&core.BoolField{Name: "partnerAccess"},
		&core.BoolField{Name: "creditsLimited"},
		&core.NumberField{Name: "creditsAllocated", Min: f(0)},
		&core.TextField{Name: "message", Max: 1000},
		&core.TextField{Name: "tokenHash", Hidden: true, Required: true},
		&core.DateField{Name: "expires", Required: true},
		&core.SelectField{Name: "status", Values: []string{"pending", "accepted", "revoked", "expired"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "invitedBy"},
		&core.TextField{Name: "acceptedBy"},
		&core.DateField{Name: "acceptedAt"},
		&core.NumberField{Name: "sentCount", OnlyInt: true, Min: f(0)},
		&core.DateField{Name: "lastSent"},
	)
	c.AddIndex("idx_invitations_tokenHash", true, "`tokenHash`", "")
	c.AddIndex("idx_invitations_org_status", false, "`org`, `status`", "")
	c.AddIndex("idx_invitations_email", false, "`email` COLLATE NOCASE", "")
	return c
}

func (s *schema) plans() *core.Collection {
	c := base("plans",
		&core.TextField{Name: "code", Required: true, Max: 40},
		&core.TextField{Name: "name", Required: true, Max: 100},
		&core.NumberField{Name: "maxSeats", OnlyInt: true, Min: f(0)},
		&core.JSONField{Name: "seatPrices"},
		&core.TextField{Name: "currency", Required: true, Pattern: `^[A-Z]{3}$`},
		&core.NumberField{Name: "includedCredits", Min: f(0)},
	)
	c.AddIndex("idx_plans_code", true, "`code`", "")
	return c
}

func (s *schema) subscriptions(orgs, plans *core.Collection) *core.Collection {
	c := base("subscriptions",
		orgRel(orgs),
		&core.RelationField{Name: "plan", CollectionId: plans.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "status", Values: []string{"active", "past_due", "canceled"}, MaxSelect: 1, Required: true},
		&core.DateField{Name: "periodStart", Required: true},
		&core.DateField{Name: "periodEnd", Required: true},
		&core.JSONField{Name: "seats"},
		&core.NumberField{Name: "monthlyAmount", OnlyInt: true},
	)
	c.AddIndex("idx_subscriptions_org", true, "`org`", "")
	return c
}

func (s *schema) seatLedger(orgs *core.Collection) *core.Collection {
	c := base("seatLedger",
		orgRel(orgs),
		&core.TextField{Name: "membership", Required: true},
		&core.TextField{Name: "memberLabel"},
		&core.SelectField{Name: "userType", Values: userTypes, MaxSelect: 1, Required: true},
		&core.NumberField{Name: "delta", OnlyInt: true},
		&core.NumberField{Name: "monthlyDelta", OnlyInt: true},
		&core.SelectField{Name: "reason", Values: []string{"joined", "removed", "type_changed", "plan_changed"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "actor"},
		&core.DateField{Name: "at", Required: true},
	)
	c.AddIndex("idx_seatLedger_org_at", false, "`org`, `at`", "")
	return c
}

func (s *schema) invoices(orgs *core.Collection) *core.Collection {
	c := base("invoices",
		orgRel(orgs),
		&core.TextField{Name: "number", Required: true, Max: 40},
		&core.DateField{Name: "periodStart", Required: true},
		&core.DateField{Name: "periodEnd", Required: true},
		&core.JSONField{Name: "lines", MaxSize: 20 << 20},
		&core.NumberField{Name: "total", OnlyInt: true},
		&core.TextField{Name: "currency", Required: true, Pattern: `^[A-Z]{3}$`},
		&core.SelectField{Name: "status", Values: []string{"draft", "open", "paid", "void"}, MaxSelect: 1, Required: true},
		&core.DateField{Name: "issuedAt"},
		&core.DateField{Name: "paidAt"},
	)
	c.AddIndex("idx_invoices_org_number", true, "`org`, `number`", "")
	return c
}

func (s *schema) paymentMethods(orgs *core.Collection) *core.Collection {
	return base("paymentMethods",
		orgRel(orgs),
		&core.SelectField{Name: "kind", Values: []string{"card", "sepa", "transfer"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "label", Max: 100},
		&core.TextField{Name: "brand", Max: 40},
		&core.TextField{Name: "last4", Pattern: `^[0-9]{4}$`},
		&core.NumberField{Name: "expMonth", OnlyInt: true, Min: f(0), Max: f(12)},
		&core.NumberField{Name: "expYear", OnlyInt: true, Min: f(0)},
		&core.TextField{Name: "holder", Max: 200},
		&core.BoolField{Name: "isDefault"},
		&core.TextField{Name: "providerRef", Max: 200},
	)
}

func (s *schema) creditLedger(orgs *core.Collection) *core.Collection {
	c := base("creditLedger",
		orgRel(orgs),
		&core.TextField{Name: "membership"},
		&core.NumberField{Name: "amount"},
		&core.SelectField{Name: "kind", Values: []string{"allocate", "consume", "refund"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "note", Max: 500},
		&core.TextField{Name: "actor"},
		&core.DateField{Name: "at", Required: true},
	)
	c.AddIndex("idx_creditLedger_org_at", false, "`org`, `at`", "")
	return c
}

func (s *schema) groups(orgs, memberships *core.Collection) *core.Collection {
	c := base("groups",
		orgRel(orgs),
		// No cascade: a member who owns content cannot be deleted until it is transferred.
		&core.RelationField{Name: "owner", CollectionId: memberships.Id, MaxSelect: 1, Required: true},
		&core.TextField{Name: "title", Required: true, Max: 200},
		&core.RelationField{Name: "members", CollectionId: memberships.Id, MaxSelect: 100000},
		&core.BoolField{Name: "sharedUpdate"},
	)
	c.AddIndex("idx_groups_owner", false, "`owner`", "")
	return c
}

func (s *schema) items(orgs, memberships, groups *core.Collection) *core.Collection {
	c := base("items",
		orgRel(orgs),
		&core.RelationField{Name: "owner", CollectionId: memberships.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "kind", Values: []string{"map", "dataset", "app"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "title", Required: true, Max: 200},
		&core.SelectField{Name: "sharing", Values: []string{"private", "org", "groups"}, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "groups", CollectionId: groups.Id, MaxSelect: 1000},
	)
	c.AddIndex("idx_items_owner", false, "`owner`", "")
	return c
}

func (s *schema) licenses(orgs *core.Collection) *core.Collection {
	c := base("licenses",
		orgRel(orgs),
		&core.TextField{Name: "code", Required: true, Max: 60},
		&core.TextField{Name: "name", Required: true, Max: 200},
		&core.JSONField{Name: "compatibleTypes"},
		&core.NumberField{Name: "seats", OnlyInt: true, Min: f(0)},
	)
	c.AddIndex("idx_licenses_org_code", true, "`org`, `code`", "")
	return c
}

func (s *schema) licenseAssignments(licenses, memberships *core.Collection) *core.Collection {
	c := base("licenseAssignments",
		&core.RelationField{Name: "license", CollectionId: licenses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
		&core.RelationField{Name: "membership", CollectionId: memberships.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
		&core.DateField{Name: "assignedAt", Required: true},
	)
	c.AddIndex("idx_licenseAssignments_pair", true, "`license`, `membership`", "")
	c.AddIndex("idx_licenseAssignments_membership", false, "`membership`", "")
	return c
}

func (s *schema) auditLog() *core.Collection {
	// org and actor are plain text: the log outlives the rows it speaks of.
	c := base("auditLog",
		&core.TextField{Name: "org"},
		&core.NumberField{Name: "seq", OnlyInt: true, Min: f(1), Required: true},
		&core.TextField{Name: "actor", Required: true},
		&core.TextField{Name: "actorLabel"},
		&core.TextField{Name: "action", Required: true},
		&core.TextField{Name: "targetType"},
		&core.TextField{Name: "targetId"},
		&core.TextField{Name: "targetLabel"},
		&core.JSONField{Name: "details", MaxSize: 1 << 20},
		&core.TextField{Name: "ip"},
		&core.DateField{Name: "at", Required: true},
		&core.TextField{Name: "prevHash"},
		&core.TextField{Name: "hash", Required: true},
	)
	c.AddIndex("idx_auditLog_org_seq", true, "`org`, `seq`", "")
	c.AddIndex("idx_auditLog_org_actor", false, "`org`, `actor`, `seq`", "")
	c.AddIndex("idx_auditLog_org_action", false, "`org`, `action`, `seq`", "")
	return c
}

func (s *schema) mailOutbox() *core.Collection {
	c := base("mailOutbox",
		&core.TextField{Name: "org"},
		&core.TextField{Name: "to", Required: true},
		&core.TextField{Name: "template", Required: true},
		&core.SelectField{Name: "language", Values: languages, MaxSelect: 1},
		&core.TextField{Name: "subject", Max: 500},
		&core.SelectField{Name: "status", Values: []string{"sent", "failed", "logged"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "error", Max: 2000},
		&core.DateField{Name: "at", Required: true},
	)
	c.AddIndex("idx_mailOutbox_org_at", false, "`org`, `at`", "")
	return c
}
