package api_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/access"
	"roster/internal/testapp"
)

// poolRefusal checks a 409 pool_exceeded and its numbers (available: -1 when absent).
func poolRefusal(t *testing.T, r testapp.Response, allocated, pool, requested, available float64) {
	t.Helper()
	d, _ := r.JSON["data"].(map[string]any)
	got, has := d["available"]
	if r.Status != 409 || r.Code() != "pool_exceeded" || d["allocated"] != allocated || d["pool"] != pool || d["requested"] != requested ||
		available < 0 && has || available >= 0 && got != available {
		t.Fatalf("%d %s, want 409 pool_exceeded {allocated %v, pool %v, requested %v, available %v}", r.Status, r.Raw, allocated, pool, requested, available)
	}
}

// concurrently sends n requests at once and counts their statuses.
func concurrently(n int, request func(i int) testapp.Response) map[int]int {
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses <- request(i).Status })
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	return count
}

// poolWorld is invWorld's organisation budgeting credits from a pool.
func poolWorld(t *testing.T, pool float64) *invWorld {
	t.Helper()
	w := newInvWorld(t, "business")
	o := w.record(t, "organizations", w.org.ID)
	o.Set("creditBudgeting", true)
	o.Set("creditsPool", pool)
	if err := w.app.Save(o); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *invWorld) allocate(t *testing.T, m *testapp.Member, allocated any) testapp.Response {
	t.Helper()
	return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/"+m.ID()+"/credits", w.admin.Token(t), map[string]any{"allocated": allocated})
}

func (w *invWorld) overview(t *testing.T) (allocated, left float64) {
	t.Helper()
	r := w.c.Do("GET", "/api/orgs/"+w.org.ID+"/credits", w.owner.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	return r.JSON["poolAllocated"].(float64), r.JSON["poolLeft"].(float64)
}

// With a pool set, the sum of what members take never exceeds it (docs/reliability.md §9): on an
// allocation, an accepted invitation, a settings change and a spend without a limit.
func TestCreditPoolAllocations(t *testing.T) {
	w := poolWorld(t, 1000)
	a := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)

	expectStatus(t, w.allocate(t, w.member, 600), 200, "")
	t.Run("an allocation past what is left is refused with the numbers", func(t *testing.T) {
		poolRefusal(t, w.allocate(t, a, 500), 600, 1000, 500, 400)
		if ms, _ := w.app.FindRecordById("memberships", a.ID()); ms.GetBool("creditsLimited") {
			t.Fatal("the refused allocation was saved")
		}
	})
	t.Run("what is left may be allocated, to the credit", func(t *testing.T) {
		expectStatus(t, w.allocate(t, a, 400), 200, "")
		if allocated, left := w.overview(t); allocated != 1000 || left != 0 {
			t.Fatalf("pool use %v, left %v", allocated, left)
		}
		poolRefusal(t, w.allocate(t, w.member, 600.5), 1000, 1000, 600.5, 600)
	})
	t.Run("taking less is always allowed", func(t *testing.T) {
		expectStatus(t, w.allocate(t, w.member, 100), 200, "")
		expectStatus(t, w.allocate(t, a, nil), 200, "")
		if allocated, left := w.overview(t); allocated != 100 || left != 900 {
			t.Fatalf("pool use %v, left %v", allocated, left)
		}
	})

	settings := func(body map[string]any) testapp.Response {
		return w.c.Do("PATCH", "/api/orgs/"+w.org.ID+"/settings", w.owner.Token(t), body)
	}
	t.Run("the pool cannot be lowered below what is taken", func(t *testing.T) {
		poolRefusal(t, settings(map[string]any{"creditsPool": 99}), 100, 1000, 99, -1)
		expectStatus(t, settings(map[string]any{"creditsPool": 100}), 200, "")
		expectStatus(t, settings(map[string]any{"creditsPool": 1000}), 200, "")
		expectStatus(t, w.allocate(t, w.member, 1000), 200, "")
	})
	t.Run("budgeting cannot be switched on over a smaller pool", func(t *testing.T) {
		expectStatus(t, settings(map[string]any{"creditBudgeting": false, "creditsPool": 10}), 200, "")
		poolRefusal(t, settings(map[string]any{"creditBudgeting": true}), 1000, 10, 10, -1)
		expectStatus(t, settings(map[string]any{"creditBudgeting": true, "creditsPool": 1500}), 200, "")
	})

	t.Run("invitations carry credits only as far as the pool goes", func(t *testing.T) {
		// 1000 of 1500 are taken: two invitations of 300 do not fit, one does.
		r := w.invite(w.owner.Token(t), map[string]any{"emails": []string{"ann@example.org", "bob@example.org"}, "credits": 300})
		poolRefusal(t, r, 1000, 1500, 600, 500)
		_, link := w.mustInvite(t, "ann@example.org", map[string]any{"credits": 300})
		_, free := w.mustInvite(t, "bob@example.org", map[string]any{"credits": nil})
		// The pool shrinks before Ann accepts: her credits no longer fit, she cannot join.
		expectStatus(t, settings(map[string]any{"creditsPool": 1200}), 200, "")
		poolRefusal(t, accept(w.c, link, enrolment("ann")), 1000, 1200, 300, 200)
		if n := w.count(t, "users", dbx.HashExp{"email": "ann@example.org"}); n != 0 {
			t.Fatalf("a refused join left %d account(s)", n)
		}
		wantCode(t, accept(w.c, free, enrolment("bob")), 200, "")
		expectStatus(t, settings(map[string]any{"creditsPool": 1300}), 200, "")
		wantCode(t, accept(w.c, link, enrolment("ann")), 200, "")
		if allocated, left := w.overview(t); allocated != 1300 || left != 0 {
			t.Fatalf("pool use %v, left %v", allocated, left)
		}
	})
}

// A member without a limit spends from what the allocations leave of the pool, and
// what they spent counts against it; concurrent spends and allocations never pass it.
func TestCreditPoolSpendingAndRaces(t *testing.T) {
	w := poolWorld(t, 1000)
	expectStatus(t, w.allocate(t, w.member, 800), 200, "")
	free := testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)
	consume := func(m *testapp.Member, amount float64) testapp.Response {
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/credits/consume", m.Token(t), map[string]any{"amount": amount})
	}

	poolRefusal(t, consume(free, 200.5), 800, 1000, 200.5, 200)
	tok := free.Token(t)
	spends := concurrently(20, func(int) testapp.Response {
		return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/credits/consume", tok, map[string]any{"amount": 20})
	})
	if spends[200] != 10 || spends[409] != 10 {
		t.Fatalf("statuses %v of spends of 20 with 200 left in the pool, want 10 × 200 and 10 × 409", spends)
	}
	if allocated, left := w.overview(t); allocated != 1000 || left != 0 {
		t.Fatalf("pool use %v, left %v", allocated, left)
	}
	t.Run("what a member without a limit spent cannot be allocated", func(t *testing.T) {
		poolRefusal(t, w.allocate(t, w.member, 801), 1000, 1000, 801, 800)
	})
	t.Run("a limited member still spends their own allocation", func(t *testing.T) {
		expectStatus(t, consume(w.member, 800), 200, "")
		if r := consume(w.member, 1); r.Code() != "credits_exceeded" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a limit below what was spent still counts what was spent", func(t *testing.T) {
		expectStatus(t, w.allocate(t, free, 0), 200, "") // free spent 200
		if allocated, left := w.overview(t); allocated != 1000 || left != 0 {
			t.Fatalf("pool use %v, left %v", allocated, left)
		}
	})

	t.Run("concurrent allocations never pass the pool", func(t *testing.T) {
		w := poolWorld(t, 1000)
		ms := make([]*testapp.Member, 20)
		for i := range ms {
			ms[i] = testapp.AddMember(t, w.app, w.org, access.RoleMember, access.Creator)
		}
		tok := w.admin.Token(t)
		count := concurrently(len(ms), func(i int) testapp.Response {
			return w.c.Do("POST", "/api/orgs/"+w.org.ID+"/members/"+ms[i].ID()+"/credits", tok, map[string]any{"allocated": 100})
		})
		if count[200] != 10 || count[409] != 10 {
			t.Fatalf("statuses %v, want 10 × 200 and 10 × 409", count)
		}
		if allocated, left := w.overview(t); allocated != 1000 || left != 0 {
			t.Fatalf("pool use %v, left %v", allocated, left)
		}
		var sum float64
		if err := w.app.DB().NewQuery("SELECT SUM(creditsAllocated) FROM memberships WHERE org = {:o} AND creditsLimited").
			Bind(dbx.Params{"o": w.org.ID}).Row(&sum); err != nil || sum != 1000 {
			t.Fatal(fmt.Sprint(sum, err))
		}
	})
}
