package main

import (
	"fmt"
	"log"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"
)

// runSize runs the in-process parts at n members; the audit log, sign-in and flood parts
// run only at the largest size (last).
func runSize(rep *report, n int, levels []int, last bool) {
	reads, muts := want("list"), want("mutation") || want("bulk")
	extra := last && (want("audit") || want("signin") || want("flood"))
	if !reads && !muts && !extra {
		return
	}
	if last && want("audit") {
		seedAudit(template(n), *auditRows)
		rep.auditRows = *auditRows
	}
	t0 := time.Now()
	e := setup(n)
	defer e.close()
	rep.dbBytes[n] = dbSize(e.app.DataDir())
	log.Printf("%d members: app ready in %s", n, time.Since(t0).Round(time.Millisecond))
	add := func(rs ...result) { rep.results[n] = append(rep.results[n], rs...) }
	if reads {
		for _, c := range levels {
			add(e.reads(c)...)
		}
	}
	if last && want("audit") {
		for _, c := range levels {
			add(e.auditPage(c))
		}
	}
	if last && (want("signin") || want("flood")) {
		emails := signInEmails(e.app.DB(), e.org, 1000)
		if want("signin") {
			rep.signin, rep.cost = e.signIn(n, emails)
		}
		if want("flood") {
			rep.flood = e.flood(emails)
		}
	}
	if want("mutation") {
		add(e.mutation(n))
	}
	if want("bulk") {
		add(e.bulk(n))
	}
}

// listBase is Roster's list of the read workloads: creators, active, by name, with total.
func (e *env) listBase() string {
	return "/api/orgs/" + e.org + "/members?userType=creator&status=active&sort=name"
}

// reads: list page 1, page 50 and search, three ways, at concurrency c.
func (e *env) reads(c int) []result {
	db := e.app.DB()
	o := e.org
	q := url.QueryEscape
	listPB := func(page int) string {
		return "/api/collections/memberships/records?perPage=50&page=" + strconv.Itoa(page) +
			"&filter=" + q(fmt.Sprintf("org='%s' && userType='creator' && status='active'", o)) +
			"&sort=" + q("user.familyName,user.givenName") + "&expand=user"
	}
	// The floors run Roster's own SQL (internal/members' list) and nothing else: the total
	// from the member counters, the page picked from the name index alone, then joined.
	page := func(where string, p dbx.Params, index string, offset int) (int, error) {
		var rows []dbx.NullStringMap
		p["off"] = offset
		err := db.NewQuery("SELECT ms.*, u.* FROM (SELECT x.membership AS membership, x.sortName AS k FROM memberIndex x INDEXED BY " + index +
			" WHERE " + where + " ORDER BY x.sortName, x.membership LIMIT 50 OFFSET {:off}) p" +
			" CROSS JOIN memberships ms ON ms.id = p.membership CROSS JOIN users u ON u.id = ms.user ORDER BY p.k, p.membership").
			Bind(p).All(&rows)
		return len(rows), err
	}
	listFloor := func(n int) error {
		var total int
		err := db.NewQuery("SELECT COALESCE(SUM(n), 0) FROM memberCounts WHERE org = {:o} AND userType = 'creator' AND status = 'active'").
			Bind(dbx.Params{"o": o}).Row(&total)
		if err != nil {
			return err
		}
		k, err := page("x.org = {:o} AND x.userType = 'creator' AND x.status = 'active'", dbx.Params{"o": o}, "memberIndex_by_name", (n-1)*50)
		if err == nil && k != 50 {
			err = fmt.Errorf("floor page %d: %d rows", n, k)
		}
		return err
	}
	searchFloor := func(int) error {
		const where = "x.org = {:o} AND x.membership IN (SELECT membership FROM membersSearch WHERE membersSearch MATCH {:m})"
		p := dbx.Params{"o": o, "m": `"helene"`}
		var total int
		if err := db.NewQuery("SELECT count(*) FROM memberIndex x WHERE " + where).Bind(p).Row(&total); err != nil {
			return err
		}
		_, err := page(where, p, "sqlite_autoindex_memberIndex_1", 0)
		return err
	}
	read := func(key, name, rosterPath, pbPath string, floor way) result {
		return measure(key, name, c, *nFlag, [3]way{
			func(int) error { return e.try("GET", rosterPath, e.owner, nil) },
			func(int) error { return e.try("GET", pbPath, e.su, nil) },
			floor,
		})
	}
	base := e.listBase()
	// Warm both paths and the page cache once.
	e.call("GET", base, e.owner, nil)
	e.call("GET", listPB(1), e.su, nil)
	// Page 50, or the last full page of a smaller organisation.
	var creators int
	must(db.NewQuery("SELECT COUNT(*) FROM memberIndex WHERE org = {:o} AND userType = 'creator' AND status = 'active'").
		Bind(dbx.Params{"o": o}).Row(&creators))
	deep := max(1, min(50, creators/50))
	return []result{
		read("list1", "list page 1 (creator, active, by name, total)", base, listPB(1), func(int) error { return listFloor(1) }),
		read("listDeep", fmt.Sprintf("list page %d", deep), base+"&page="+strconv.Itoa(deep), listPB(deep), func(int) error { return listFloor(deep) }),
		read("search", "search 'helene'", "/api/orgs/"+o+"/members?search=helene",
			"/api/collections/memberships/records?perPage=50&expand=user&sort="+q("user.familyName,user.givenName")+"&filter="+
				q(fmt.Sprintf("org='%s' && (user.familyName ~ 'helene' || user.givenName ~ 'helene' || user.email ~ 'helene')", o)),
			searchFloor),
	}
}

// auditPage: the audit log's newest page of 50 filtered by one actor, three ways.
func (e *env) auditPage(c int) result {
	var total int
	must(e.app.DB().NewQuery("SELECT count(*) FROM auditLog WHERE org = {:o}").Bind(dbx.Params{"o": e.org}).Row(&total))
	actor := auditActors(e.app, e.org)[1].ID
	var mine int
	must(e.app.DB().NewQuery("SELECT count(*) FROM auditLog WHERE org = {:o} AND actor = {:a}").Bind(dbx.Params{"o": e.org, "a": actor}).Row(&mine))
	if mine < 51 {
		log.Fatalf("the audit actor has %d rows: the audit part needs -audit-rows of at least a few thousand", mine)
	}
	roster := "/api/orgs/" + e.org + "/audit?actor=" + actor
	pb := "/api/collections/auditLog/records?perPage=50&skipTotal=1&sort=-seq&filter=" +
		url.QueryEscape(fmt.Sprintf("org='%s' && actor='%s'", e.org, actor))
	e.call("GET", roster, e.owner, nil)
	e.call("GET", pb, e.su, nil)
	name := fmt.Sprintf("audit log newest 50, by actor (%s rows, %s the actor's)", count(total), count(mine))
	return measure("audit", name, c, *nFlag, [3]way{
		func(int) error { return e.try("GET", roster, e.owner, nil) },
		func(int) error { return e.try("GET", pb, e.su, nil) },
		func(int) error {
			var rows []dbx.NullStringMap
			return e.app.DB().NewQuery("SELECT * FROM auditLog WHERE org = {:o} AND actor = {:a} ORDER BY seq DESC LIMIT 51").
				Bind(dbx.Params{"o": e.org, "a": actor}).All(&rows)
		},
	})
}

// signIn: password sign-ins per second through Roster (its hooks: lockout, second step,
// lastLogin), through stock PocketBase on a copy of the same data, and the floor (the
// user's SELECT and one bcrypt comparison at the stored hash's cost), at concurrency 1
// and NumCPU.
func (e *env) signIn(n int, emails []string) ([]rate, int) {
	st := stock(n)
	defer st.close()
	stockURL := st.url
	db := e.app.DB()
	call(e.url, "POST", signInPath, "", signInBody(emails[0]))
	call(stockURL, "POST", signInPath, "", signInBody(emails[0]))
	signIn := func(base string) way {
		return func(i int) error { return try(base, "POST", signInPath, "", signInBody(emails[i%len(emails)])) }
	}
	ways := [3]way{
		signIn(e.url),
		signIn(stockURL),
		func(i int) error {
			row := dbx.NullStringMap{}
			err := db.NewQuery("SELECT * FROM users WHERE email = {:e} LIMIT 1").Bind(dbx.Params{"e": emails[i%len(emails)]}).One(row)
			if err != nil {
				return err
			}
			return bcrypt.CompareHashAndPassword([]byte(row["password"].String), []byte(benchPassword))
		},
	}
	var out []rate
	for _, c := range uniq(1, runtime.NumCPU()) {
		out = append(out, throughput("sign-in", c, *signinRounds, *signinDur, ways))
	}
	var hash string
	must(db.NewQuery("SELECT password FROM users WHERE email = {:e}").Bind(dbx.Params{"e": emails[0]}).Row(&hash))
	cost, err := bcrypt.Cost([]byte(hash))
	must(err)
	return out, cost
}

// floodResult is Roster's list page 1 alone and under a flood of concurrent sign-ins.
type floodResult struct {
	signers      int
	idle, loaded []time.Duration
	signIns      int
	floodTook    time.Duration
	failed       failures // sign-ins of the flood answered otherwise than 200
	listFailed   failures // lists, idle or not, answered otherwise than 200
}

// flood measures list page 1 (one client, sequential) idle and while floodN clients sign
// in without pause, in two interleaved rounds of n/2 lists each (or as many as fit in
// -flood-cap, at least 5).
func (e *env) flood(emails []string) *floodResult {
	r := &floodResult{signers: *floodN}
	list := e.listBase()
	e.call("GET", list, e.owner, nil)
	lists := func(k int, into *[]time.Duration) {
		end := time.Now().Add(*floodCap)
		for i := 0; i < k && (i < 5 || time.Now().Before(end)); i++ {
			t0 := time.Now()
			r.listFailed.add(e.try("GET", list, e.owner, nil))
			*into = append(*into, time.Since(t0))
		}
	}
	var next atomic.Int64
	for range 2 {
		lists(*nFlag/2, &r.idle)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var done atomic.Int64
		for range *floodN {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := int(next.Add(1))
					if r.failed.add(try(e.url, "POST", signInPath, "", signInBody(emails[i%len(emails)]))) {
						done.Add(1)
					}
				}
			}()
		}
		time.Sleep(500 * time.Millisecond) // let the flood reach every client
		t0, d0 := time.Now(), done.Load()
		lists(*nFlag/2, &r.loaded)
		r.signIns += int(done.Load() - d0)
		r.floodTook += time.Since(t0)
		close(stop)
		wg.Wait()
	}
	log.Printf("list page 1 p95: idle %s ms, under %d sign-ins %s ms (%.1f sign-ins/s, %d failed)", ms(pct(r.idle, .95)), r.signers,
		ms(pct(r.loaded, .95)), float64(r.signIns)/r.floodTook.Seconds(), r.failed.n.Load())
	return r
}

// mutation: viewer -> contributor on a different member each call and way; stock
// PocketBase makes the write on its own copy (Roster refuses it on its records API: the
// seat ledger and the audit log would be skipped).
func (e *env) mutation(n int) result {
	st := stock(n)
	defer st.close()
	o, db := e.org, e.app.DB()
	viewers := e.ids("viewer", 3**mutN)
	return measure("mutation", "user type change (1 member)", 1, *mutN, [3]way{
		func(i int) error {
			return e.try("POST", "/api/orgs/"+o+"/members/"+viewers[3*i]+"/user-type", e.owner, map[string]any{"userType": "contributor"})
		},
		func(i int) error {
			return try(st.url, "PATCH", "/api/collections/memberships/records/"+viewers[3*i+1], st.su, map[string]any{"userType": "contributor"})
		},
		func(i int) error {
			_, err := db.NewQuery("UPDATE memberships SET userType = 'contributor' WHERE id = {:id}").Bind(dbx.Params{"id": viewers[3*i+2]}).Execute()
			return err
		},
	})
}

// bulk: disable of 100 distinct active members per call and way (stock PocketBase's
// batch on its own copy, as for mutation).
func (e *env) bulk(n int) result {
	st := stock(n)
	defer st.close()
	act := e.ids("", 300**bulkN)
	chunk := func(i, k int) []string { return act[(3*i+k)*100 : (3*i+k+1)*100] }
	return measure("bulk", "bulk disable 100", 1, *bulkN, [3]way{
		func(i int) error {
			return e.try("POST", "/api/orgs/"+e.org+"/members/bulk", e.owner, map[string]any{"action": "disable", "ids": chunk(i, 0)})
		},
		func(i int) error {
			reqs := []map[string]any{}
			for _, id := range chunk(i, 1) {
				reqs = append(reqs, map[string]any{"method": "PATCH", "url": "/api/collections/memberships/records/" + id, "body": map[string]any{"status": "disabled"}})
			}
			return try(st.url, "POST", "/api/batch", st.su, map[string]any{"requests": reqs})
		},
		func(i int) error {
			return e.app.RunInTransaction(func(tx core.App) error {
				ids := []any{}
				for _, id := range chunk(i, 2) {
					ids = append(ids, id)
				}
				_, err := tx.DB().Update("memberships", dbx.Params{"status": "disabled"}, dbx.In("id", ids...)).Execute()
				return err
			})
		},
	})
}

func uniq(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// count writes 1000000 as "1M", 20000 as "20k".
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%100_000 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1000 && n%100 == 0:
		return strconv.FormatFloat(float64(n)/1e3, 'f', -1, 64) + "k"
	}
	return strconv.Itoa(n)
}

// failures counts the failed calls of a load whose calls do not stop the run, keeping
// the first few for the report.
type failures struct {
	n       atomic.Int64
	mu      sync.Mutex
	samples []string
}

// add says whether err is nil, and counts it when it is not.
func (f *failures) add(err error) bool {
	if err == nil {
		return true
	}
	f.n.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.samples) < 3 {
		f.samples = append(f.samples, err.Error())
	}
	return false
}
