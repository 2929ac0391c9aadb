package orgsettings

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
)

// The report sections, in the order the reports page shows them.
const (
	SectionSeats       = "seats"
	SectionMembers     = "members"
	SectionSignins     = "signins"
	SectionCredits     = "credits"
	SectionInvitations = "invitations"
)

// Sections lists every report section.
var Sections = []string{SectionSeats, SectionMembers, SectionSignins, SectionCredits, SectionInvitations}

// ReportSections says which report sections the owner shares with administrators and
// with members (the owner always sees them all).
type ReportSections struct {
	Admin  []string `json:"admin"`
	Member []string `json:"member"`
}

// DefaultReportSections applies to a role the owner has not configured: administrators
// see every section, members the membership counts.
func DefaultReportSections() ReportSections {
	return ReportSections{Admin: slices.Clone(Sections), Member: []string{SectionMembers}}
}

// sectionsOf reads an organisation's report sections; a role missing from the stored
// JSON takes the default, unknown names are dropped.
func sectionsOf(org *core.Record) ReportSections {
	var raw map[string][]string
	_ = org.UnmarshalJSONField("reportSections", &raw)
	out := DefaultReportSections()
	if v, ok := raw[string(access.RoleAdmin)]; ok {
		out.Admin = known(v)
	}
	if v, ok := raw[string(access.RoleMember)]; ok {
		out.Member = known(v)
	}
	return out
}

// known keeps the known section names of list, once each, in the reports' order.
func known(list []string) []string {
	out := []string{}
	for _, s := range Sections {
		if slices.Contains(list, s) {
			out = append(out, s)
		}
	}
	return out
}

// VisibleSections lists the report sections actor may see in org: all of them for
// whoever may configure them (the owner, reports.settings), else those the owner shares
// with the actor's role, and none without reports.view.
func VisibleSections(org *core.Record, actor access.Member) []string {
	if access.Can(actor, access.ReportsSettings, nil) == nil {
		return slices.Clone(Sections)
	}
	if access.Can(actor, access.ReportsView, nil) != nil {
		return nil
	}
	rs := sectionsOf(org)
	shared := map[access.Role][]string{access.RoleAdmin: rs.Admin, access.RoleMember: rs.Member}
	return shared[actor.Role]
}
