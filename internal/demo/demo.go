// Package demo builds realistic synthetic organisations for trying Roster and for benchmarks.
//
// Run adds French and English members (accents included), their sign-in history, items,
// groups, licences and pending invitations to an organisation, creating it if needed,
// and moves it to the business plan, keeping the seat ledger and the subscription's
// cached seats and amount equal. Everything it draws comes from one PCG generator seeded
// with Options.Seed, so a seed always gives the same people; only ids, secrets and "now"
// differ between runs. It stays fast (100 000 members in about 20 s on two cores) by
// hashing the shared password once and writing rows with big multi-row INSERTs, all in
// one transaction.
package demo

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/fail"
	"roster/internal/orgs"
	"roster/internal/people"
)

// MaxMembers bounds one run.
const MaxMembers = 1_000_000

// Plan is the plan a demo organisation ends on: unlimited seats.
const Plan = "business"

// Options says what to build.
type Options struct {
	Org      string // slug of the organisation; created when missing
	Members  int    // members to add (besides the owner of a new organisation)
	Seed     int64  // same seed, same names, types, roles, dates…
	Password string // every demo account's password; "" generates one
}

// Result says what was built.
type Result struct {
	Org      *core.Record
	Created  bool // the organisation did not exist before
	Added    int  // members added
	Items    int
	Groups   int
	Licences int
	Invites  int
	Password string // every demo account's password (and the new owner's)
	Took     time.Duration
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (o Options) check() error {
	switch {
	case !slugPattern.MatchString(o.Org):
		return fail.Invalid("org", "slug", "The organisation's short name must be 1 to 63 lower-case letters, digits or dashes.")
	case o.Members < 0 || o.Members > MaxMembers:
		return fail.Invalid("members", "range", fmt.Sprintf("The number of members must be between 0 and %d.", MaxMembers))
	case o.Password != "" && (len([]rune(o.Password)) < 8 || len([]rune(o.Password)) > 64 || len(o.Password) > 72):
		return fail.Invalid("password", "length", "The password must be 8 to 64 characters (at most 72 bytes).")
	}
	return nil
}

// seeder carries one run's state through its transaction.
type seeder struct {
	tx      core.App
	o       Options
	rng     *rand.Rand
	now     time.Time
	sec     secrets
	org     *core.Record
	owner   string // owner's membership id
	prices  billing.Prices
	hash    string // bcrypt of the shared password, computed once
	handles *handles
}

// Run adds o.Members synthetic members (and their content) to the organisation o.Org,
// creating it (owner owner@<slug>.example, French) when missing, and moves it to the
// business plan. Everything happens in one transaction with one "demo.seed" audit row:
// the organisation gets all of it or nothing. Errors: 400 for bad options, and
// orgs.Create's when the organisation must be created (409 other_org…).
func Run(app core.App, o Options) (Result, error) {
	start := time.Now()
	if err := o.check(); err != nil {
		return Result{}, err
	}
	var sec secrets
	if o.Password == "" {
		const readable = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
		o.Password = "demo-" + sec.text(4, readable) + "-" + sec.text(4, readable) + "-" + sec.text(4, readable)
	}
	// PocketBase's own cost (bcrypt.DefaultCost = 10), hashed once and shared by every
	// account: 100 000 hashes would take most of an hour on two cores.
	hash, err := bcrypt.GenerateFromPassword([]byte(o.Password), bcrypt.DefaultCost)
	if err != nil {
		return Result{}, err
	}
	res := Result{Password: o.Password}
	var orgID string
	err = app.RunInTransaction(func(tx core.App) error {
		s := &seeder{
			tx: tx, o: o, sec: sec, hash: string(hash),
			rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x726f73746572)), // "roster"
		}
		created, err := s.findOrCreateOrg()
		if err != nil {
			return err
		}
		res.Created, orgID = created, s.org.Id
		// "Now" for every date drawn, taken after the organisation exists so that nothing
		// of the demo predates it in the database.
		s.now = time.Now().UTC().Truncate(time.Millisecond)
		from, err := s.moveToBusiness()
		if err != nil {
			return err
		}
		if err := s.loadHandles(); err != nil {
			return err
		}
		ms := make([]member, o.Members)
		for i := range ms {
			ms[i] = newMember(s.rng, s.now)
			ms[i].userID, ms[i].membershipID = newID(), newID()
			ms[i].username, ms[i].email = s.handles.take(ms[i].given, ms[i].family)
		}
		if err := s.writeMembers(ms); err != nil {
			return err
		}
		gs := s.groups(ms)
		if err := s.writeGroups(ms, gs); err != nil {
			return err
		}
		if res.Items, err = s.writeItems(ms, gs); err != nil {
			return err
		}
		licences, assignments, err := s.writeLicences(ms)
		if err != nil {
			return err
		}
		if res.Invites, err = s.writeInvitations(ms); err != nil {
			return err
		}
		if err := s.syncSubscription(); err != nil {
			return err
		}
		pool, err := s.creditBudget()
		if err != nil {
			return err
		}
		res.Added, res.Groups, res.Licences = len(ms), len(gs), licences
		return audit.Write(tx, audit.Entry{
			Org: s.org.Id, Actor: audit.ActorSystem, ActorLabel: audit.ActorSystem, Action: access.DemoSeed,
			TargetType: "organization", TargetID: s.org.Id, TargetLabel: s.org.GetString("name"),
			Details: summary(ms, o.Seed, created, from, res, assignments, pool),
		})
	})
	if err != nil {
		return Result{}, err
	}
	// Fresh statistics, so that SQLite's planner picks the member index's best paths.
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		return Result{}, err
	}
	if res.Org, err = app.FindRecordById("organizations", orgID); err != nil {
		return Result{}, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// findOrCreateOrg loads the organisation, or creates it with its owner (on the business
// plan directly) through orgs.Create, inside this transaction.
func (s *seeder) findOrCreateOrg() (bool, error) {
	org, err := s.tx.FindFirstRecordByData("organizations", "slug", s.o.Org)
	created := false
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		// The owner's name comes from its own stream, so that the members drawn after
		// are the same whether the organisation was created or not.
		given, family, _ := person(rand.New(rand.NewPCG(uint64(s.o.Seed), 1)))
		c, err := orgs.Create(s.tx, orgs.New{
			Name: nameOf(s.o.Org), Slug: s.o.Org, Plan: Plan, Language: "fr",
			Owner: orgs.Owner{Email: "owner@" + Domain(s.o.Org), Password: s.o.Password, PasswordHash: s.hash, GivenName: given, FamilyName: family},
		}, audit.ActorSystem, "")
		if err != nil {
			return false, err
		}
		org, created = c.Org, true
	default:
		return false, err
	}
	s.org = org
	var owner []string
	if err := s.tx.DB().NewQuery("SELECT id FROM memberships WHERE org = {:org} AND role = 'owner'").
		Bind(dbx.Params{"org": org.Id}).Column(&owner); err != nil {
		return false, err
	}
	if len(owner) != 1 {
		return false, fmt.Errorf("demo: organisation %s has %d owners", s.o.Org, len(owner))
	}
	s.owner = owner[0]
	return created, nil
}

// nameOf turns a slug into a display name: "acme-corp" → "Acme Corp".
func nameOf(slug string) string {
	words := strings.FieldsFunc(slug, func(r rune) bool { return r == '-' })
	for i, w := range words {
		words[i] = capitalize(w)
	}
	if len(words) == 0 {
		return slug
	}
	return strings.Join(words, " ")
}

// Domain is the mail domain of a demo organisation: "<slug>.example" (RFC 2606).
func Domain(slug string) string { return strings.Trim(slug, "-") + ".example" }

// ledgerSums returns, per user type, the billed seats and monthly cents of the
// organisation's whole seat ledger.
func (s *seeder) ledgerSums() (map[access.UserType][2]int, error) {
	var rows []struct {
		UserType string `db:"userType"`
		Seats    int    `db:"seats"`
		Amount   int    `db:"amount"`
	}
	err := s.tx.DB().NewQuery(`SELECT userType, CAST(COALESCE(SUM(delta), 0) AS INTEGER) AS seats,
		CAST(COALESCE(SUM(monthlyDelta), 0) AS INTEGER) AS amount FROM seatLedger WHERE org = {:org} GROUP BY userType`).
		Bind(dbx.Params{"org": s.org.Id}).All(&rows)
	out := map[access.UserType][2]int{}
	for _, r := range rows {
		out[access.UserType(r.UserType)] = [2]int{r.Seats, r.Amount}
	}
	return out, err
}

// moveToBusiness switches the subscription to the business plan. When seat prices
// differ, one plan_changed ledger row per user type (delta 0) carries the change of the
// monthly amount, so the ledger still sums to the cached amount. It returns the former
// plan's code ("" when already on business) and sets s.prices to the business prices.
func (s *seeder) moveToBusiness() (string, error) {
	old, sub, err := billing.PlanPrices(s.tx, s.org.Id)
	if err != nil {
		return "", err
	}
	business, err := s.tx.FindFirstRecordByData("plans", "code", Plan)
	if err != nil {
		return "", fmt.Errorf("demo: plan %s: %w", Plan, err)
	}
	if sub.GetString("plan") == business.Id {
		s.prices = old
		return "", nil
	}
	from := sub.GetString("plan")
	if p, err := s.tx.FindRecordById("plans", from); err == nil {
		from = p.GetString("code")
	}
	if _, err := s.tx.DB().NewQuery("UPDATE subscriptions SET plan = {:plan}, updated = {:now} WHERE id = {:id}").
		Bind(dbx.Params{"plan": business.Id, "now": date(s.now), "id": sub.Id}).Execute(); err != nil {
		return "", err
	}
	if s.prices, _, err = billing.PlanPrices(s.tx, s.org.Id); err != nil {
		return "", err
	}
	sums, err := s.ledgerSums()
	if err != nil {
		return "", err
	}
	t := newTable("seatLedger", "id", "created", "updated", "org", "membership", "memberLabel", "userType",
		"delta", "monthlyDelta", "reason", "actor", "at")
	now := date(s.now)
	for _, ut := range access.UserTypes {
		seats := sums[ut][0]
		if diff := seats * (s.prices[ut] - old[ut]); diff != 0 {
			// No single membership: the row re-prices every seat of this type.
			label := fmt.Sprintf("%d %s seats, plan %s → %s", seats, ut, from, Plan)
			t.add(newID(), now, now, s.org.Id, "", label, string(ut), 0, diff, billing.PlanChanged, audit.ActorSystem, now)
		}
	}
	return from, t.flush(s.tx.DB())
}

// loadHandles reads every username and address in the instance (accounts and
// invitations), so that the new ones are free.
func (s *seeder) loadHandles() error {
	h := &handles{domain: Domain(s.o.Org), usernames: map[string]bool{}, emails: map[string]bool{}, next: map[string]int{}}
	var users []struct {
		Username string `db:"username"`
		Email    string `db:"email"`
	}
	if err := s.tx.DB().NewQuery("SELECT lower(username) AS username, lower(email) AS email FROM users").All(&users); err != nil {
		return err
	}
	for _, u := range users {
		h.usernames[u.Username], h.emails[u.Email] = true, true
	}
	var invited []string
	if err := s.tx.DB().NewQuery("SELECT lower(email) FROM invitations").Column(&invited); err != nil {
		return err
	}
	for _, e := range invited {
		h.emails[e] = true
	}
	s.handles = h
	return nil
}

// writeMembers inserts accounts, then memberships (whose trigger indexes them for
// search, reading the account), then one "joined" seat-ledger row each, dated when the
// member joined and priced at the business plan's seat price.
func (s *seeder) writeMembers(ms []member) error {
	users := newTable("users", "id", "created", "updated", "email", "emailVisibility", "verified", "password",
		"tokenKey", "username", "givenName", "familyName", "description", "visibility", "language", "units",
		"authSource", "lastLogin")
	memberships := newTable("memberships", "id", "created", "updated", "org", "user", "role", "userType", "status",
		"added", "addedBy", "creditsLimited", "creditsAllocated", "creditsUsed", "partnerAccess")
	ledger := newTable("seatLedger", "id", "created", "updated", "org", "membership", "memberLabel", "userType",
		"delta", "monthlyDelta", "reason", "actor", "at")
	for start := 0; start < len(ms); start += rowsPerInsert {
		for _, m := range ms[start:min(start+rowsPerInsert, len(ms))] {
			added := date(m.added)
			// Sign-ins set lastLogin with a raw update that leaves "updated" alone.
			users.add(m.userID, added, added, m.email, 0, 1, s.hash, s.sec.tokenKey(), m.username, m.given, m.family,
				m.about, m.visibility, m.language, m.units, "password", date(m.lastLogin))
			memberships.add(m.membershipID, added, added, s.org.Id, m.userID, string(m.role), string(m.userType),
				string(m.status), added, s.owner, bit(m.creditsLimited), m.creditsAllocated, m.creditsUsed, bit(m.partnerAccess))
			ledger.add(newID(), added, added, s.org.Id, m.membershipID, people.Label(m.given, m.family, m.email),
				string(m.userType), 1, s.prices[m.userType], billing.Joined, s.owner, added)
		}
		for _, t := range []*table{users, memberships, ledger} {
			if err := t.flush(s.tx.DB()); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncSubscription sets the subscription's cached seats (per user type) and monthly
// amount to the sums of the organisation's whole seat ledger.
func (s *seeder) syncSubscription() error {
	sums, err := s.ledgerSums()
	if err != nil {
		return err
	}
	seats, amount := map[string]int{}, 0
	for _, ut := range access.UserTypes {
		seats[string(ut)] = sums[ut][0]
		amount += sums[ut][1]
	}
	_, err = s.tx.DB().NewQuery("UPDATE subscriptions SET seats = {:seats}, monthlyAmount = {:amount}, updated = {:now} WHERE org = {:org}").
		Bind(dbx.Params{"seats": jsonText(seats), "amount": amount, "now": date(s.now), "org": s.org.Id}).Execute()
	return err
}

// creditBudget turns credit budgeting on, so the allocations the demo made mean
// something, with a pool that covers a quarter more than what the organisation's
// members take from it (billing.PoolOf: allocations, and what members without a limit
// used), so that the demo, like any organisation, stays within its pool.
func (s *seeder) creditBudget() (int, error) {
	p, err := billing.PoolOf(s.tx, s.org)
	if err != nil {
		return 0, err
	}
	pool := s.org.GetInt("creditsPool")
	if need := (int(math.Ceil(p.Allocated))*5/4 + 999) / 1000 * 1000; need > pool {
		pool = need
	}
	_, err = s.tx.DB().NewQuery("UPDATE organizations SET creditBudgeting = 1, creditsPool = {:pool}, updated = {:now} WHERE id = {:id}").
		Bind(dbx.Params{"pool": pool, "now": date(s.now), "id": s.org.Id}).Execute()
	return pool, err
}

// summary is the demo.seed audit row's details: what was added, counted.
func summary(ms []member, seed int64, created bool, from string, res Result, assignments, pool int) map[string]any {
	roles, types, status := map[string]int{}, map[string]int{}, map[string]int{}
	never, partners := 0, 0
	for _, m := range ms {
		roles[string(m.role)]++
		types[string(m.userType)]++
		status[string(m.status)]++
		if m.lastLogin.IsZero() {
			never++
		}
		if m.partnerAccess {
			partners++
		}
	}
	d := map[string]any{
		"seed": seed, "members": len(ms), "createdOrganization": created, "plan": Plan,
		"roles": roles, "userTypes": types, "status": status, "neverSignedIn": never, "partnerAccess": partners,
		"items": res.Items, "groups": res.Groups, "licenses": res.Licences, "licenseAssignments": assignments,
		"invitations": res.Invites, "creditsPool": pool,
	}
	if from != "" {
		d["planBefore"] = from
	}
	return d
}
