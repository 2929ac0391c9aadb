package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The load test's request kinds, in report order, and their classes.
var loadKinds = []struct{ name, class string }{
	{"list (random filters, sort, page)", "read"},
	{"search", "read"},
	{"member view", "read"},
	{"disable", "write"},
	{"enable", "write"},
	{"user type viewer → contributor", "write"},
	{"sign-in", "sign-in"},
}

const (
	kList = iota
	kSearch
	kView
	kDisable
	kEnable
	kUserType
	kSignIn
)

// loadPlan is who the load test reads, changes and signs in as. The three write pools
// and the sign-in accounts are disjoint, and each write takes a member from its pool
// for good, so no two writes touch the same member.
type loadPlan struct {
	org, ownerEmail string
	views           []string // membership ids to view
	signIns         []string // emails
	pools           [3]pool  // disable, enable, user type
}

type pool struct {
	ids  []string
	next atomic.Int64
}

func (p *pool) take() (string, bool) {
	i := int(p.next.Add(1) - 1)
	if i >= len(p.ids) {
		return "", false
	}
	return p.ids[i], true
}

func newLoadPlan(app core.App) *loadPlan {
	owner, org := ownerOf(app)
	p := &loadPlan{org: org, ownerEmail: owner.Email(), signIns: signInEmails(app.DB(), org, 200)}
	signers := map[string]bool{}
	for _, e := range p.signIns {
		signers[e] = true
	}
	var ms []struct {
		ID       string `db:"id"`
		Email    string `db:"email"`
		Status   string `db:"status"`
		UserType string `db:"userType"`
		Signed   bool   `db:"signed"`
	}
	must(app.DB().NewQuery(`SELECT m.id, u.email, m.status, m.userType, u.lastLogin != '' AS signed
		FROM memberships m JOIN users u ON u.id = m.user WHERE m.org = {:o} AND m.role = 'member' ORDER BY m.id`).
		Bind(dbx.Params{"o": org}).All(&ms))
	const maxPool = 20_000
	add := func(k int, id string) {
		if len(p.pools[k].ids) < maxPool {
			p.pools[k].ids = append(p.pools[k].ids, id)
		}
	}
	for i, m := range ms {
		if i%50 == 0 || len(p.views) < 100 {
			p.views = append(p.views, m.ID)
		}
		switch {
		case signers[m.Email]:
		case m.Status == "disabled":
			add(1, m.ID)
		case m.UserType == "viewer" && m.Signed:
			add(2, m.ID)
		case m.Signed:
			add(0, m.ID)
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(p.views), func(i, j int) { p.views[i], p.views[j] = p.views[j], p.views[i] })
	return p
}

// loadResult is what the load test saw.
type loadResult struct {
	c             int
	took          time.Duration
	requests      int
	lat           [7][]time.Duration
	errs          [7]int
	errorSamples  []string
	busyResponses int
	writesSkipped int     // writes turned into reads because every pool was empty
	rss           []int64 // the server's anonymous RSS (kB), every second
}

func (r *loadResult) errors() int {
	n := 0
	for _, e := range r.errs {
		n += e
	}
	return n
}

// runLoad sends mixed traffic to srv for -load (at most -load-max requests) on -load-c
// workers: 90 % reads (list 50, search 20, member view 20), 8 % writes (disable, enable,
// user type, a third each), 2 % sign-ins; it samples the server's RSS every second.
func runLoad(srv *server, plan *loadPlan) *loadResult {
	st, body, err := do("POST", srv.url+signInPath, "", signInBody(plan.ownerEmail))
	must(err)
	if st != 200 {
		log.Fatalf("owner sign-in: %d %.300s", st, body)
	}
	tok := jsonString(body, "token")
	r := &loadResult{c: *loadC}
	var mu sync.Mutex
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			_, _, anon := memory(srv.cmd.Process.Pid)
			mu.Lock()
			r.rss = append(r.rss, anon)
			mu.Unlock()
			select {
			case <-stopRSS:
				return
			case <-t.C:
			}
		}
	}()

	var issued, signIdx atomic.Int64
	base := srv.url + "/api/orgs/" + plan.org + "/members"
	t0 := time.Now()
	deadline := t0.Add(*loadDur)
	var wg sync.WaitGroup
	for w := range *loadC {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(42, uint64(w)))
			var lat [7][]time.Duration
			var errs [7]int
			var samples []string
			busyN, skipped := 0, 0
			for time.Now().Before(deadline) && issued.Add(1) <= int64(*loadMax) {
				k := pickKind(rng)
				var method, target, auth string
				var in any
				if k >= kDisable && k <= kUserType {
					id, ok := "", false
					for j := range 3 {
						kk := kDisable + (k-kDisable+j)%3
						if id, ok = plan.pools[kk-kDisable].take(); ok {
							k = kk
							break
						}
					}
					if !ok {
						skipped++
						k = kView
					} else {
						method, auth = "POST", tok
						switch k {
						case kDisable:
							target = base + "/" + id + "/disable"
						case kEnable:
							target = base + "/" + id + "/enable"
						default:
							target, in = base+"/"+id+"/user-type", map[string]any{"userType": "contributor"}
						}
					}
				}
				switch k {
				case kList:
					method, target, auth = "GET", base+"?"+randomList(rng), tok
				case kSearch:
					method, target, auth = "GET", base+"?search="+url.QueryEscape(searchTerms[rng.IntN(len(searchTerms))]), tok
				case kView:
					method, target, auth = "GET", base+"/"+plan.views[rng.IntN(len(plan.views))], tok
				case kSignIn:
					method, target = "POST", srv.url+signInPath
					in = signInBody(plan.signIns[int(signIdx.Add(1))%len(plan.signIns)])
				}
				s := time.Now()
				st, body, err := do(method, target, auth, in)
				lat[k] = append(lat[k], time.Since(s))
				if busy(body) {
					busyN++
				}
				if err != nil || st != 200 {
					errs[k]++
					if len(samples) < 3 {
						samples = append(samples, fmt.Sprintf("%s %s: %d %v %.200s", method, target[len(srv.url):], st, err, body))
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k := range lat {
				r.lat[k] = append(r.lat[k], lat[k]...)
				r.errs[k] += errs[k]
				r.requests += len(lat[k])
			}
			r.errorSamples = append(r.errorSamples, samples...)
			r.busyResponses += busyN
			r.writesSkipped += skipped
		}()
	}
	wg.Wait()
	r.took = time.Since(t0)
	close(stopRSS)
	<-rssDone
	log.Printf("load: %d requests in %s (%.0f/s), %d errors, %d busy", r.requests, r.took.Round(time.Millisecond),
		float64(r.requests)/r.took.Seconds(), r.errors(), r.busyResponses)
	for _, s := range r.errorSamples {
		log.Printf("load error: %s", s)
	}
	return r
}

// pickKind draws a request kind: 90 % reads, 8 % writes, 2 % sign-ins.
func pickKind(rng *rand.Rand) int {
	x := rng.IntN(1000)
	switch {
	case x < 500:
		return kList
	case x < 700:
		return kSearch
	case x < 900:
		return kView
	case x < 980:
		return kDisable + (x-900)%3
	}
	return kSignIn
}

var (
	searchTerms = []string{"helene", "dupr", "martin", "marie", "smith", "jean", "léa", "garcon", "anne", "lefe", "thomas", "oliv", "du"}
	listTypes   = []string{"viewer", "contributor", "creator", "professional"}
	listSorts   = []string{"name", "username", "email", "role", "userType", "added", "lastLogin", "creditsRemaining"}
	listPages   = []int{1, 1, 1, 1, 2, 3, 5, 10, 20, 50}
)

// randomList is a member list query with random filters, sort and page.
func randomList(rng *rand.Rand) string {
	v := url.Values{}
	if rng.IntN(2) == 0 {
		v.Set("userType", listTypes[rng.IntN(len(listTypes))])
	}
	if rng.IntN(3) == 0 {
		v.Set("status", []string{"active", "disabled"}[rng.IntN(2)])
	}
	if rng.IntN(5) == 0 {
		v.Set("role", []string{"member", "admin"}[rng.IntN(2)])
	}
	if rng.IntN(8) == 0 {
		v.Set("neverSignedIn", "true")
	}
	sort := listSorts[rng.IntN(len(listSorts))]
	if rng.IntN(2) == 0 {
		sort = "-" + sort
	}
	v.Set("sort", sort)
	v.Set("page", strconv.Itoa(listPages[rng.IntN(len(listPages))]))
	return v.Encode()
}
