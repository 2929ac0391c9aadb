package audit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/testapp"
)

func entries(org string, from, n int) []audit.Entry {
	out := make([]audit.Entry, n)
	for i := range out {
		out[i] = audit.Entry{Org: org, Actor: "m1", ActorLabel: "Zoë <z@example.com>", Action: "members.disable",
			TargetType: "membership", TargetID: fmt.Sprint("t", from+i), TargetLabel: "Élodie <e@example.com>", IP: "127.0.0.1",
			Details: map[string]any{"before": map[string]any{"status": "active"}, "after": map[string]any{"status": "disabled", "n": from + i}}}
	}
	return out
}

type stored struct {
	Seq         int64  `db:"seq"`
	TargetID    string `db:"targetId"`
	TargetLabel string `db:"targetLabel"`
	Details     string `db:"details"`
	At          string `db:"at"`
	Created     string `db:"created"`
	Updated     string `db:"updated"`
}

func rowsOf(t *testing.T, app core.App, org string) []stored {
	t.Helper()
	var rows []stored
	err := app.DB().NewQuery("SELECT seq, targetId, targetLabel, details, at, created, updated FROM auditLog WHERE org = {:o} ORDER BY seq").
		Bind(dbx.Params{"o": org}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// WriteMany continues each organisation's chain where Write left it, in order, over
// several INSERT batches, and the chain still verifies; its rows read back as records.
func TestWriteManyContinuesEachChain(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 3)
	many := append(entries("orgA", 3, 700), entries("orgB", 0, 2)...)
	many = append(many, entries("orgA", 703, 1)...)
	if err := audit.WriteMany(app, many); err != nil {
		t.Fatal(err)
	}
	writeN(t, app, "orgB", 1)

	reports, err := audit.VerifyAll(app)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 2 || !reports[0].OK || reports[0].Rows != 704 || !reports[1].OK || reports[1].Rows != 3 {
		t.Fatalf("%v", reports)
	}
	a := rowsOf(t, app, "orgA")
	for i, r := range a[3:] {
		if r.Seq != int64(i+4) || r.TargetID != fmt.Sprint("t", i+3) {
			t.Fatalf("row %d: seq %d target %s: not in the order given", i, r.Seq, r.TargetID)
		}
		if r.At == "" || r.Created != r.At || r.Updated != r.At {
			t.Fatalf("row %d dated %q, created %q, updated %q", i, r.At, r.Created, r.Updated)
		}
	}
	if a[703].TargetLabel != "Élodie <e@example.com>" || !strings.Contains(a[703].Details, `"n":703`) {
		t.Fatalf("%+v", a[703])
	}
	rec, err := app.FindFirstRecordByData(audit.Collection, "targetId", "t700")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetInt("seq") != 701 || rec.GetString("actorLabel") != "Zoë <z@example.com>" || rec.GetString("ip") != "127.0.0.1" {
		t.Fatalf("as a record: %v", rec.PublicExport())
	}

	// Tampering with a row WriteMany wrote is still seen.
	if _, err := app.DB().NewQuery("UPDATE auditLog SET targetLabel = 'x' WHERE org = 'orgA' AND seq = 400").Execute(); err != nil {
		t.Fatal(err)
	}
	if rep, _ := audit.Verify(app, "orgA"); rep.OK || rep.BrokeAt != 400 {
		t.Fatalf("%+v", rep)
	}
}

// A bad entry anywhere in the list writes nothing, and neither does a rollback.
func TestWriteManyIsAllOrNothing(t *testing.T) {
	app := testapp.New(t)
	long := strings.Repeat("é", 5001)
	huge := map[string]any{"blob": strings.Repeat("x", 1<<20)}
	for name, bad := range map[string]audit.Entry{
		"no actor":              {Org: "orgA", Action: "x.y"},
		"no action":             {Org: "orgA", Actor: "m1"},
		"a label too long":      {Org: "orgA", Actor: "m1", Action: "x.y", TargetLabel: long},
		"details too large":     {Org: "orgA", Actor: "m1", Action: "x.y", Details: huge},
		"details not JSON-able": {Org: "orgA", Actor: "m1", Action: "x.y", Details: map[string]any{"f": func() {}}},
	} {
		t.Run(name, func(t *testing.T) {
			if err := audit.WriteMany(app, append(entries("orgA", 0, 3), bad)); err == nil {
				t.Fatal("accepted")
			}
			if n := len(rowsOf(t, app, "orgA")); n != 0 {
				t.Fatalf("%d rows written", n)
			}
		})
	}
	t.Run("a rollback takes every row back", func(t *testing.T) {
		err := app.RunInTransaction(func(tx core.App) error {
			if err := audit.WriteMany(tx, entries("orgA", 0, 50)); err != nil {
				return err
			}
			return fmt.Errorf("the change failed")
		})
		if err == nil || len(rowsOf(t, app, "orgA")) != 0 {
			t.Fatalf("%v, rows survived", err)
		}
	})
	t.Run("an empty list writes nothing", func(t *testing.T) {
		if err := audit.WriteMany(app, nil); err != nil || len(rowsOf(t, app, "orgA")) != 0 {
			t.Fatal(err)
		}
	})
}
