package reports

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/billing"
)

// Seats is the seats section: billed seats and the monthly amount now, and one point a
// day over the last 12 months, replayed from the seat ledger.
type Seats struct {
	Currency      string         `json:"currency"`
	Seats         int            `json:"seats"`         // billed seats now (active + disabled members)
	MonthlyAmount int            `json:"monthlyAmount"` // cents a month now
	ByUserType    map[string]int `json:"byUserType"`    // billed seats now, per user type
	Points        []SeatPoint    `json:"points"`        // oldest first, one a day (UTC), today last
}

// SeatPoint is the billed seats and monthly amount at the end of one day.
type SeatPoint struct {
	Date          string `json:"date"` // 2006-01-02
	Seats         int    `json:"seats"`
	MonthlyAmount int    `json:"monthlyAmount"`
}

// SeatMonths is how far back the seats section goes.
const SeatMonths = 12

// seats sums the ledger before the first day (one range of the (org, at, delta,
// monthlyDelta) index), then adds each day's changes.
// Billed seats per user type now are the members of each type (active and disabled):
// they come from groups, the member index's counts.
func seats(app core.App, org string, now time.Time, groups []group) (*Seats, error) {
	today := now.Truncate(24 * time.Hour)
	from := today.AddDate(0, -SeatMonths, 0)
	params := dbx.Params{"org": org, "from": from.Format("2006-01-02")}
	var base struct {
		Seats  int `db:"seats"`
		Amount int `db:"amount"`
	}
	err := app.DB().NewQuery(`SELECT CAST(COALESCE(SUM(delta), 0) AS INTEGER) AS seats,
		CAST(COALESCE(SUM(monthlyDelta), 0) AS INTEGER) AS amount FROM seatLedger WHERE org = {:org} AND at < {:from}`).
		Bind(params).One(&base)
	if err != nil {
		return nil, err
	}
	var days []struct {
		Day    string `db:"day"`
		Seats  int    `db:"seats"`
		Amount int    `db:"amount"`
	}
	err = app.DB().NewQuery(`SELECT substr(at, 1, 10) AS day, CAST(SUM(delta) AS INTEGER) AS seats,
		CAST(SUM(monthlyDelta) AS INTEGER) AS amount FROM seatLedger WHERE org = {:org} AND at >= {:from}
		GROUP BY day ORDER BY day`).Bind(params).All(&days)
	if err != nil {
		return nil, err
	}
	s := &Seats{ByUserType: zeroes(access.UserTypes)}
	seats, amount, i := base.Seats, base.Amount, 0
	for d := from; !d.After(today); d = d.AddDate(0, 0, 1) {
		date := d.Format("2006-01-02")
		for ; i < len(days) && days[i].Day <= date; i++ {
			seats += days[i].Seats
			amount += days[i].Amount
		}
		s.Points = append(s.Points, SeatPoint{Date: date, Seats: seats, MonthlyAmount: amount})
	}
	for ; i < len(days); i++ { // dated after today (a clock ahead): they count now
		seats += days[i].Seats
		amount += days[i].Amount
	}
	s.Seats, s.MonthlyAmount = seats, amount
	for _, g := range groups {
		s.ByUserType[g.UserType] += g.N
	}
	err = app.DB().NewQuery("SELECT p.currency FROM subscriptions s JOIN plans p ON p.id = s.plan WHERE s.org = {:org}").
		Bind(params).Row(&s.Currency)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return s, nil
}

// Members is the members section: counts by role, user type and status, and each
// combination for charts that cross them.
type Members struct {
	Total         int            `json:"total"`
	ByRole        map[string]int `json:"byRole"`
	ByUserType    map[string]int `json:"byUserType"`
	ByStatus      map[string]int `json:"byStatus"`
	PartnerAccess int            `json:"partnerAccess"` // members with partner access on
	Breakdown     []Count        `json:"breakdown"`     // one row per role × user type × status present
}

// Count is how many members share a role, a user type and a status.
type Count struct {
	Role     string `json:"role"`
	UserType string `json:"userType"`
	Status   string `json:"status"`
	Count    int    `json:"count"`
}

// group is how many members share a role, a user type and a status, with how many of
// them have partner access and signed in lately.
type group struct {
	Role     string `db:"role"`
	UserType string `db:"userType"`
	Status   string `db:"status"`
	N        int    `db:"n"`
	Partner  int    `db:"partner"`
	Last7    int    `db:"last7"`
	Last30   int    `db:"last30"`
	Last90   int    `db:"last90"`
	Never    int    `db:"never"`
}

// groupsOf reads the member index's filter index alone — (org, userType, status, role,
// partnerAccess, lastLogin, credits) — in one covering scan: no row is read. The
// members, sign-ins and seats sections all come from it.
func groupsOf(app core.App, org string, now time.Time) ([]group, error) {
	var out []group
	err := app.DB().NewQuery(`SELECT role, userType, status, count(*) AS n, CAST(SUM(partnerAccess) AS INTEGER) AS partner,
		SUM(lastLogin >= {:d7}) AS last7, SUM(lastLogin >= {:d30}) AS last30, SUM(lastLogin >= {:d90}) AS last90,
		SUM(lastLogin = '') AS never
		FROM memberIndex WHERE org = {:org} GROUP BY userType, status, role`).
		Bind(dbx.Params{"org": org, "d7": stamp(now.AddDate(0, 0, -7)), "d30": stamp(now.AddDate(0, 0, -30)),
			"d90": stamp(now.AddDate(0, 0, -90))}).All(&out)
	return out, err
}

func membersOf(groups []group) *Members {
	m := &Members{ByRole: zeroes(access.Roles), ByUserType: zeroes(access.UserTypes),
		ByStatus: zeroes([]access.Status{access.Active, access.Disabled}), Breakdown: []Count{}}
	for _, g := range groups {
		m.Total += g.N
		m.ByRole[g.Role] += g.N
		m.ByUserType[g.UserType] += g.N
		m.ByStatus[g.Status] += g.N
		m.PartnerAccess += g.Partner
		m.Breakdown = append(m.Breakdown, Count{Role: g.Role, UserType: g.UserType, Status: g.Status, Count: g.N})
	}
	return m
}

// Signins is the sign-in section: how many members signed in lately, and never.
type Signins struct {
	Members  int `json:"members"`
	Last7    int `json:"last7Days"`
	Last30   int `json:"last30Days"`
	Last90   int `json:"last90Days"`
	Inactive int `json:"inactive"`      // signed in once, not in the last 90 days
	Never    int `json:"neverSignedIn"` // never signed in
}

func signins(groups []group) *Signins {
	s := &Signins{}
	for _, g := range groups {
		s.Members += g.N
		s.Last7 += g.Last7
		s.Last30 += g.Last30
		s.Last90 += g.Last90
		s.Never += g.Never
	}
	s.Inactive = s.Members - s.Last90 - s.Never
	return s
}

// Credits is the credits section.
type Credits struct {
	Budgeting   bool    `json:"budgeting"`
	Pool        float64 `json:"pool"`
	Allocated   float64 `json:"allocated"`   // Σ allocations of members with a limit
	Used        float64 `json:"used"`        // Σ credits used by every member
	Unallocated float64 `json:"unallocated"` // pool − allocated (negative: over-allocated)
	// What members take from the pool (billing.PoolOf: allocations, and what members
	// without a limit used) and what it has left (never below 0).
	PoolAllocated    float64                `json:"poolAllocated"`
	PoolLeft         float64                `json:"poolLeft"`
	UnlimitedMembers int                    `json:"unlimitedMembers"`
	ByUserType       map[string]CreditsPart `json:"byUserType"`
}

// CreditsPart is the credits of the members of one user type.
type CreditsPart struct {
	Members   int     `json:"members"`
	Allocated float64 `json:"allocated"`
	Used      float64 `json:"used"`
	Unlimited int     `json:"unlimited"`
}

// credits reads the memberships' (org, userType, creditsLimited, creditsAllocated,
// creditsUsed) index alone.
func credits(app core.App, org *core.Record) (*Credits, error) {
	var rows []struct {
		UserType  string  `db:"userType"`
		Members   int     `db:"members"`
		Allocated float64 `db:"allocated"`
		Used      float64 `db:"used"`
		Unlimited int     `db:"unlimited"`
		Taken     float64 `db:"taken"`
	}
	err := app.DB().NewQuery(`SELECT userType, count(*) AS members, COALESCE(SUM(` + billing.TakesSQL + `), 0) AS taken,
		COALESCE(SUM(CASE WHEN creditsLimited THEN creditsAllocated ELSE 0 END), 0) AS allocated,
		COALESCE(SUM(creditsUsed), 0) AS used, CAST(COALESCE(SUM(NOT creditsLimited), 0) AS INTEGER) AS unlimited
		FROM memberships WHERE org = {:org} GROUP BY userType`).Bind(dbx.Params{"org": org.Id}).All(&rows)
	if err != nil {
		return nil, err
	}
	c := &Credits{Budgeting: org.GetBool("creditBudgeting"), Pool: org.GetFloat("creditsPool"), ByUserType: map[string]CreditsPart{}}
	for _, t := range access.UserTypes {
		c.ByUserType[string(t)] = CreditsPart{}
	}
	for _, r := range rows {
		c.ByUserType[r.UserType] = CreditsPart{Members: r.Members, Allocated: r.Allocated, Used: r.Used, Unlimited: r.Unlimited}
		c.Allocated += r.Allocated
		c.Used += r.Used
		c.UnlimitedMembers += r.Unlimited
		c.PoolAllocated += r.Taken
	}
	c.Unallocated = c.Pool - c.Allocated
	c.PoolLeft = max(c.Pool-c.PoolAllocated, 0)
	return c, nil
}

// Invitations is the invitations section over the last InvitationDays days.
type Invitations struct {
	Days     int `json:"days"`
	Sent     int `json:"sent"`     // invitations created in the window
	Accepted int `json:"accepted"` // accepted in the window
	Expired  int `json:"expired"`  // expired in the window (marked or not yet)
	Revoked  int `json:"revoked"`  // revoked in the window
	Pending  int `json:"pending"`  // waiting for an answer now, still valid
}

// InvitationDays is the invitations section's window.
const InvitationDays = 90

// invitations reads the organisation's invitations once (index (org, status)). A
// pending invitation past its expiry counts as expired even before the hourly job
// marks it.
func invitations(app core.App, org string, now time.Time) (*Invitations, error) {
	out := &Invitations{Days: InvitationDays}
	err := app.DB().NewQuery(`SELECT COALESCE(SUM(created >= {:since}), 0),
		COALESCE(SUM(status = 'accepted' AND acceptedAt >= {:since}), 0),
		COALESCE(SUM((status = 'expired' OR status = 'pending' AND expires <= {:now}) AND expires >= {:since}), 0),
		COALESCE(SUM(status = 'revoked' AND updated >= {:since}), 0),
		COALESCE(SUM(status = 'pending' AND expires > {:now}), 0)
		FROM invitations WHERE org = {:org}`).
		Bind(dbx.Params{"org": org, "since": stamp(now.AddDate(0, 0, -InvitationDays)), "now": stamp(now)}).
		Row(&out.Sent, &out.Accepted, &out.Expired, &out.Revoked, &out.Pending)
	return out, err
}

func zeroes[T ~string](keys []T) map[string]int {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		out[string(k)] = 0
	}
	return out
}
