package demo

import (
	"fmt"
	"math/rand/v2"
	"roster/internal/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
)

// sample returns k distinct indices in [0, n), in draw order (all of them, shuffled,
// when k >= n).
func sample(rng *rand.Rand, n, k int) []int {
	if k >= n {
		return rng.Perm(n)
	}
	if n <= 4*k {
		return rng.Perm(n)[:k]
	}
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for len(out) < k {
		if i := rng.IntN(n); !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

// indexes lists the members whose user type passes keep.
func indexes(ms []member, keep func(access.UserType) bool) []int {
	var out []int
	for i, m := range ms {
		if keep(m.userType) {
			out = append(out, i)
		}
	}
	return out
}

var (
	cities = []string{"Lyon", "Nantes", "Montréal", "Genève", "Bruxelles", "Québec", "Lille", "Rennes",
		"Bordeaux", "Toulouse", "Besançon", "Saint-Étienne", "Nîmes", "Orléans", "Dublin", "Leeds",
		"Bristol", "Edinburgh", "Cork", "Boston"}
	topics = map[string][]string{
		"fr": {"SIG", "cartographie", "urbanisme", "hydrologie", "forêts", "mobilité", "données ouvertes",
			"biodiversité", "cadastre", "télédétection", "risques naturels", "patrimoine"},
		"en": {"GIS", "mapping", "planning", "hydrology", "forestry", "mobility", "open data",
			"biodiversity", "land registry", "remote sensing", "natural hazards", "heritage"},
	}
	groupTitles = map[string][]string{
		"fr": {"Équipe %s", "Groupe de travail %s", "Projet %s", "Référents %s", "Cellule %s"},
		"en": {"%s team", "%s working group", "%s project", "%s champions", "%s desk"},
	}
	themes = map[string][]string{
		"fr": {"pistes cyclables", "zones inondables", "espaces verts", "réseaux d'eau", "arrêts de bus",
			"parcelles agricoles", "écoles", "chantiers en cours", "points de collecte", "sentiers de randonnée",
			"bornes de recharge", "monuments historiques", "arbres d'alignement", "friches"},
		"en": {"cycle lanes", "flood zones", "green spaces", "water mains", "bus stops", "farm parcels",
			"schools", "road works", "recycling points", "hiking trails", "charging points",
			"listed buildings", "street trees", "brownfield sites"},
	}
	itemTitles = map[string]map[string]string{
		"fr": {"map": "Carte des %s — %s", "dataset": "Inventaire des %s (%s, %d)", "app": "Tableau de bord des %s — %s"},
		"en": {"map": "%s map — %s", "dataset": "%s inventory (%s, %d)", "app": "%s dashboard — %s"},
	}
	messages = map[string][]string{
		"fr": {"Bienvenue dans l’équipe\u202f!", "Voici ton accès à la plateforme, à bientôt.",
			"Comme convenu, l’invitation pour le projet de cartographie."},
		"en": {"Welcome aboard!", "Here is your access, see you soon.",
			"As discussed, your invitation for the mapping project."},
	}
)

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

type group struct {
	id, title    string
	owner        int
	members      []int
	sharedUpdate bool
}

// groups makes about one group per 50 members, owned by creators and professionals; a
// quarter allow shared update, and then every member's type can edit shared content.
func (s *seeder) groups(ms []member) []group {
	owners := indexes(ms, access.UserType.CanOwn)
	editors := indexes(ms, access.UserType.CanEditShared)
	everyone := indexes(ms, access.UserType.Valid)
	if len(owners) == 0 || len(ms) < 2 {
		return nil
	}
	out := make([]group, max(1, len(ms)/50))
	for g := range out {
		owner := pick(s.rng, owners)
		lang := ms[owner].language
		title := fmt.Sprintf(pick(s.rng, groupTitles[lang]), pick(s.rng, topics[lang]))
		if s.rng.Float64() < 0.5 {
			title += " — " + pick(s.rng, cities)
		}
		shared := s.rng.Float64() < 0.25
		pool := everyone
		if shared {
			pool = editors
		}
		size := 2 + s.rng.IntN(29)
		members := []int{owner}
		// One spare draw, in case the owner comes up among them.
		for _, i := range sample(s.rng, len(pool), min(size+1, len(pool))) {
			if len(members) < size && pool[i] != owner {
				members = append(members, pool[i])
			}
		}
		out[g] = group{id: newID(), title: capitalize(title), owner: owner, members: members, sharedUpdate: shared}
	}
	return out
}

func (s *seeder) writeGroups(ms []member, gs []group) error {
	t := newTable("groups", "id", "created", "updated", "org", "owner", "title", "members", "sharedUpdate")
	for _, g := range gs {
		ids := make([]string, len(g.members))
		for i, m := range g.members {
			ids[i] = ms[m].membershipID
		}
		when := date(latest(ms, g.members))
		t.add(g.id, when, when, s.org.Id, ms[g.owner].membershipID, g.title, jsonText(ids), bit(g.sharedUpdate))
	}
	return t.flush(s.tx.DB())
}

// latest is when the last of these members joined: a group cannot be older than that.
func latest(ms []member, of []int) time.Time {
	var t time.Time
	for _, i := range of {
		if ms[i].added.After(t) {
			t = ms[i].added
		}
	}
	return t
}

// items makes about one item per two members, owned by creators and professionals,
// shared privately, with the organisation, or with groups their owner belongs to.
func (s *seeder) writeItems(ms []member, gs []group) (int, error) {
	owners := indexes(ms, access.UserType.CanOwn)
	if len(owners) == 0 {
		return 0, nil
	}
	belongs := map[int][]int{}
	for g, grp := range gs {
		for _, m := range grp.members {
			belongs[m] = append(belongs[m], g)
		}
	}
	n := len(ms) / 2
	t := newTable("items", "id", "created", "updated", "org", "owner", "kind", "title", "sharing", "groups")
	for range n {
		owner := pick(s.rng, owners)
		lang := ms[owner].language
		kind := []string{"map", "dataset", "app"}[weighted(s.rng, 0.45, 0.35, 0.2)]
		theme, city := pick(s.rng, themes[lang]), pick(s.rng, cities)
		var title string
		if kind == "dataset" {
			title = fmt.Sprintf(itemTitles[lang][kind], theme, city, 2019+s.rng.IntN(8))
		} else {
			title = fmt.Sprintf(itemTitles[lang][kind], theme, city)
		}
		sharing := []string{"private", "org", "groups"}[weighted(s.rng, 0.4, 0.4, 0.2)]
		shared := []string{}
		if sharing == "groups" {
			mine := belongs[owner]
			if len(mine) == 0 {
				sharing = "org"
			} else {
				for _, g := range sample(s.rng, len(mine), 1+s.rng.IntN(min(3, len(mine)))) {
					shared = append(shared, gs[mine[g]].id)
				}
			}
		}
		when := ms[owner].added.Add(time.Duration(s.rng.Int64N(int64(s.now.Sub(ms[owner].added)) + 1)))
		t.add(newID(), date(when), date(when), s.org.Id, ms[owner].membershipID, kind, capitalize(title), sharing, jsonText(shared))
		if len(t.rows) == rowsPerInsert {
			if err := t.flush(s.tx.DB()); err != nil {
				return 0, err
			}
		}
	}
	return n, t.flush(s.tx.DB())
}

// licence is one entry of the catalogue demo licences come from.
type licence struct {
	code, name string
	types      []access.UserType
}

var catalogue = []licence{
	{"navigator", "Navigator", access.UserTypes},
	{"field-maps", "Field Maps", []access.UserType{access.Contributor, access.Creator, access.Professional}},
	{"workforce", "Workforce", []access.UserType{access.Contributor, access.Creator, access.Professional}},
	{"advanced-editing", "Advanced Editing", []access.UserType{access.Creator, access.Professional}},
	{"spatial-analyst", "Spatial Analyst", []access.UserType{access.Creator, access.Professional}},
	{"insights", "Insights", []access.UserType{access.Creator, access.Professional}},
	{"image-analyst", "Image Analyst", []access.UserType{access.Professional}},
}

// writeLicences adds 3 to 5 licences from the catalogue (skipping codes the organisation
// already has), each with seats for a share of the compatible members and most of those
// seats assigned, only to members of a compatible type.
func (s *seeder) writeLicences(ms []member) (licences, assignments int, err error) {
	var have []string
	if err := s.tx.DB().NewQuery("SELECT code FROM licenses WHERE org = {:org}").
		Bind(dbx.Params{"org": s.org.Id}).Column(&have); err != nil {
		return 0, 0, err
	}
	taken := map[string]bool{}
	for _, c := range have {
		taken[c] = true
	}
	lt := newTable("licenses", "id", "created", "updated", "org", "code", "name", "compatibleTypes", "seats")
	at := newTable("licenseAssignments", "id", "created", "updated", "license", "membership", "assignedAt")
	k := 3 + s.rng.IntN(3)
	for _, c := range s.rng.Perm(len(catalogue))[:k] {
		l := catalogue[c]
		if taken[l.code] {
			continue
		}
		eligible := indexes(ms, func(t access.UserType) bool {
			for _, ok := range l.types {
				if t == ok {
					return true
				}
			}
			return false
		})
		seats := max(1, int(float64(len(eligible))*(0.05+0.2*s.rng.Float64())+0.5))
		assigned := min(len(eligible), int(float64(seats)*(0.6+0.4*s.rng.Float64())))
		id := newID()
		now := date(s.now)
		lt.add(id, now, now, s.org.Id, l.code, l.name, jsonText(l.types), seats)
		for _, e := range sample(s.rng, len(eligible), assigned) {
			m := ms[eligible[e]]
			when := date(m.added.Add(time.Duration(s.rng.Int64N(int64(s.now.Sub(m.added)) + 1))))
			at.add(newID(), when, when, id, m.membershipID, when)
		}
		licences++
		assignments += assigned
	}
	if err := lt.flush(s.tx.DB()); err != nil {
		return 0, 0, err
	}
	return licences, assignments, at.flush(s.tx.DB())
}

// writeInvitations adds about one pending invitation per hundred members, to addresses
// that have no account, expiring within the organisation's invitation lifetime.
func (s *seeder) writeInvitations(ms []member) (int, error) {
	n := (len(ms) + 50) / 100
	if n == 0 && len(ms) > 0 {
		n = 1
	}
	inviters := []string{s.owner}
	for _, m := range ms {
		if m.role == access.RoleAdmin && m.status == access.Active {
			inviters = append(inviters, m.membershipID)
		}
	}
	ttl := time.Duration(max(1, s.org.GetInt("inviteTtlDays"))) * day
	lang := mail.Language("", s.org.GetString("defaultLanguage"))
	t := newTable("invitations", "id", "created", "updated", "org", "email", "role", "userType", "partnerAccess",
		"creditsLimited", "creditsAllocated", "message", "tokenHash", "expires", "status", "invitedBy", "sentCount", "lastSent")
	for range n {
		given, family, _ := person(s.rng)
		_, email := s.handles.take(given, family)
		role, ut := access.RoleMember, access.UserTypes[weighted(s.rng, 0.20, 0.25, 0.40, 0.15)]
		if s.rng.Float64() < 0.05 {
			role, ut = access.RoleAdmin, []access.UserType{access.Creator, access.Professional}[s.rng.IntN(2)]
		}
		message := ""
		if s.rng.Float64() < 0.3 {
			message = pick(s.rng, messages[lang])
		}
		// Sent between a few minutes and one lifetime ago: still pending, not expired.
		lastSent := s.now.Add(-time.Minute - time.Duration(s.rng.Int64N(int64(ttl-time.Hour)))).Truncate(time.Millisecond)
		created, sent := lastSent, 1
		if s.rng.Float64() < 0.2 {
			created, sent = lastSent.Add(-time.Duration(1+s.rng.IntN(5))*day), 2
		}
		t.add(newID(), date(created), date(lastSent), s.org.Id, strings.ToLower(email), string(role), string(ut), 0,
			0, 0, message, s.sec.tokenHash(), date(lastSent.Add(ttl)), "pending", pick(s.rng, inviters), sent, date(lastSent))
	}
	return n, t.flush(s.tx.DB())
}
