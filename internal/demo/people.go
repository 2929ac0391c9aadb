package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
)

// member is one synthetic account and its membership.
type member struct {
	userID, membershipID               string
	given, family, username, email     string
	language, units, visibility, about string
	role                               access.Role
	userType                           access.UserType
	status                             access.Status
	added, lastLogin                   time.Time // lastLogin zero: never signed in
	creditsLimited                     bool
	creditsAllocated, creditsUsed      int
	partnerAccess                      bool
}

const (
	day  = 24 * time.Hour
	year = 365 * day
)

// person draws a name and the language that goes with it: mostly French, many English,
// a few from elsewhere in Europe, and some mixed couples' names.
func person(rng *rand.Rand) (given, family, language string) {
	var givens, families []string
	switch x := rng.Float64(); {
	case x < 0.55:
		givens, families, language = frenchGiven, frenchFamily, "fr"
	case x < 0.95:
		givens, families, language = englishGiven, englishFamily, "en"
	default:
		givens, families, language = otherGiven, otherFamily, "en"
	}
	if rng.Float64() < 0.15 {
		families = [][]string{frenchFamily, englishFamily, otherFamily}[rng.IntN(3)]
	}
	if rng.Float64() < 0.1 {
		language = map[string]string{"fr": "en", "en": "fr"}[language]
	}
	return pick(rng, givens), pick(rng, families), language
}

func pick[T any](rng *rand.Rand, from []T) T { return from[rng.IntN(len(from))] }

// weighted returns the index drawn with the given weights (summing to about 1).
func weighted(rng *rand.Rand, weights ...float64) int {
	x := rng.Float64()
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// newMember draws everything about member i except its ids and handle: role and type
// (about 2 % admins, all creator or professional), dates (joined over two years, last
// sign-in over the last year, 8 % never), status (3 % disabled, only among those who
// signed in), credits and partner access.
func newMember(rng *rand.Rand, now time.Time) member {
	m := member{status: access.Active, role: access.RoleMember}
	m.given, m.family, m.language = person(rng)
	m.units = "metric"
	if m.language == "en" && rng.Float64() < 0.35 {
		m.units = "imperial"
	}
	m.visibility = []string{"org", "public", "private"}[weighted(rng, 0.7, 0.15, 0.15)]
	if rng.Float64() < 0.4 {
		m.about = pick(rng, jobs[m.language])
	}

	if rng.Float64() < 0.02 {
		m.role = access.RoleAdmin
		m.userType = []access.UserType{access.Creator, access.Professional}[weighted(rng, 0.6, 0.4)]
	} else {
		m.userType = access.UserTypes[weighted(rng, 0.20, 0.25, 0.40, 0.15)]
	}

	m.added = now.Add(-time.Duration(rng.Int64N(int64(2*year/time.Millisecond))) * time.Millisecond)
	if rng.Float64() >= 0.08 {
		// Most people signed in recently; some have not been seen for months.
		var from, to time.Duration
		switch weighted(rng, 0.45, 0.30, 0.25) {
		case 0:
			from, to = 0, 14*day
		case 1:
			from, to = 14*day, 90*day
		default:
			from, to = 90*day, year
		}
		m.lastLogin = now.Add(-from - time.Duration(rng.Int64N(int64(to-from))))
		if m.lastLogin.Before(m.added) { // one cannot sign in before joining
			m.lastLogin = m.added.Add(time.Duration(rng.Int64N(int64(now.Sub(m.added)) + 1)))
		}
		m.lastLogin = m.lastLogin.Truncate(time.Millisecond)
		if rng.Float64() < 0.03/0.92 {
			m.status = access.Disabled
		}
	}

	if rng.Float64() < 0.35 {
		m.creditsLimited = true
		m.creditsAllocated = pick(rng, []int{50, 100, 200, 250, 500, 1000, 2500})
		if !m.lastLogin.IsZero() && rng.Float64() < 0.75 {
			m.creditsUsed = rng.IntN(m.creditsAllocated + 1)
		}
	} else if !m.lastLogin.IsZero() && rng.Float64() < 0.5 {
		m.creditsUsed = rng.IntN(800)
	}
	m.partnerAccess = m.status == access.Active && rng.Float64() < 0.05
	return m
}

// handles hands out usernames and email addresses that are free in the whole instance:
// "helene.dupre", then "helene.dupre2"…, and the address "<username>@<domain>".
type handles struct {
	domain    string
	usernames map[string]bool
	emails    map[string]bool
	next      map[string]int
}

func (h *handles) take(given, family string) (username, email string) {
	base := fold(given) + "." + fold(family)
	if len(base) > 26 {
		base = strings.TrimRight(base[:26], ".-")
	}
	for len(base) < 3 {
		base += "0"
	}
	n := max(h.next[base], 1)
	for {
		username = base
		if n > 1 {
			username += strconv.Itoa(n)
		}
		email = username + "@" + h.domain
		n++
		if !h.usernames[username] && !h.emails[email] {
			break
		}
	}
	h.next[base] = n
	h.usernames[username], h.emails[email] = true, true
	return username, email
}

// newID is PocketBase's default record id.
func newID() string { return core.GenerateDefaultRandomId() }
