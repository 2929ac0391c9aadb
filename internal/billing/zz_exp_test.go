package billing_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"roster/internal/demo"
	"roster/internal/testapp"
)

func TestZZExp(t *testing.T) {
	app := testapp.New(t)
	res, err := demo.Run(app, demo.Options{Org: "big", Members: 100000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	org := res.Org.Id
	var pragmas []string
	for _, p := range []string{"cache_size", "journal_mode", "synchronous", "page_size"} {
		var v string
		app.DB().NewQuery("PRAGMA " + p).Row(&v)
		pragmas = append(pragmas, p+"="+v)
	}
	t.Log(pragmas)
	t0 := time.Now()
	_, err = app.DB().NewQuery(`CREATE TEMP TABLE rp AS SELECT membership, userType, memberLabel, max(rowid) AS last FROM seatLedger WHERE org = {:org} AND membership != '' GROUP BY membership, userType HAVING SUM(delta) > 0`).Bind(dbx.Params{"org": org}).Execute()
	t.Log("temp", time.Since(t0), err)
	t0 = time.Now()
	_, err = app.DB().NewQuery(`INSERT INTO seatLedger (org, membership, memberLabel, userType, delta, monthlyDelta, reason, actor, at, created, updated)
		SELECT {:org}, membership, memberLabel, userType, -1, -100, 'plan_changed', 'x', '2026-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z' FROM rp ORDER BY last`).Bind(dbx.Params{"org": org}).Execute()
	t.Log("insert from temp", time.Since(t0), err)
}
