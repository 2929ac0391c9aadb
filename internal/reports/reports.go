// Package reports owns what an organisation can read about itself at a glance: seats
// over time, members by role, user type and status, sign-in activity, credits and
// invitations — each an aggregate SQL query over indexed columns, so that a report on
// 100 000 members reads indexes, not rows — and the outbox of the mails it sent.
// Who sees which section is the owner's choice (orgsettings.VisibleSections).
package reports

import (
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/orgsettings"
)

// Report holds the sections the viewer may see; the others are left out.
type Report struct {
	Sections    []string     `json:"sections"` // the sections present, in order
	GeneratedAt string       `json:"generatedAt"`
	Seats       *Seats       `json:"seats,omitempty"`
	Members     *Members     `json:"members,omitempty"`
	Signins     *Signins     `json:"signins,omitempty"`
	Credits     *Credits     `json:"credits,omitempty"`
	Invitations *Invitations `json:"invitations,omitempty"`
}

// Build answers the report of actor's organisation: the sections the viewer may see
// (every one for the owner, those the owner shares for administrators and members),
// narrowed to only when it names any. Access: reports.view. Errors: 403 from the policy.
func Build(app core.App, actor access.Actor, only []string) (*Report, error) {
	if err := access.Can(actor.Member, access.ReportsView, nil); err != nil {
		return nil, err
	}
	org, err := app.FindRecordById("organizations", actor.Org)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	r := &Report{Sections: []string{}, GeneratedAt: stamp(now)}
	for _, s := range orgsettings.VisibleSections(org, actor.Member) {
		if len(only) == 0 || slices.Contains(only, s) {
			r.Sections = append(r.Sections, s)
		}
	}
	var groups []group // one scan of the member index serves three sections
	if slices.ContainsFunc(r.Sections, func(s string) bool {
		return s == orgsettings.SectionSeats || s == orgsettings.SectionMembers || s == orgsettings.SectionSignins
	}) {
		if groups, err = groupsOf(app, org.Id, now); err != nil {
			return nil, err
		}
	}
	for _, s := range r.Sections {
		switch s {
		case orgsettings.SectionSeats:
			r.Seats, err = seats(app, org.Id, now, groups)
		case orgsettings.SectionMembers:
			r.Members = membersOf(groups)
		case orgsettings.SectionSignins:
			r.Signins = signins(groups)
		case orgsettings.SectionCredits:
			r.Credits, err = credits(app, org)
		case orgsettings.SectionInvitations:
			r.Invitations, err = invitations(app, org.Id, now)
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// dbTime is how PocketBase stores dates: text that sorts as time does.
const dbTime = "2006-01-02 15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(dbTime) }
