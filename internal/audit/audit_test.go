package audit_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func writeN(t *testing.T, app core.App, org string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := audit.Write(app, audit.Entry{Org: org, Actor: "m1", ActorLabel: "Zoë <z@example.com>", Action: "members.disable",
			TargetType: "membership", TargetID: fmt.Sprint("t", i), Details: map[string]any{"before": map[string]any{"status": "active"}, "after": map[string]any{"status": "disabled", "n": i}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifies(t *testing.T) {
	app := testapp.New(t)
	writeN(t, app, "orgA", 5)
	writeN(t, app, "orgB", 3)
	reports, err := audit.VerifyAll(app)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 2 || !reports[0].OK || reports[0].Rows != 5 || !reports[1].OK || reports[1].Rows != 3 {
		t.Fatalf("%v", reports)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name   string
		tamper string
		at     int64
	}{
		{"a modified action", "UPDATE auditLog SET action = 'members.enable' WHERE org = 'orgA' AND seq = 3", 3},
		{"modified details", `UPDATE auditLog SET details = '{"after":{"status":"active"}}' WHERE org = 'orgA' AND seq = 2`, 2},
		{"a deleted row", "DELETE FROM auditLog WHERE org = 'orgA' AND seq = 4", 5},
		{"a forged row re-hashed without its successor", "UPDATE auditLog SET actor = 'intruder', hash = 'x' WHERE org = 'orgA' AND seq = 1", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := testapp.New(t)
			writeN(t, app, "orgA", 6)
			if _, err := app.DB().NewQuery(tc.tamper).Execute(); err != nil {
				t.Fatal(err)
			}
			rep, err := audit.Verify(app, "orgA")
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.BrokeAt != tc.at || rep.Reason == "" {
				t.Fatalf("got %+v", rep)
			}
		})
	}
}

func TestWriteRollsBackWithItsTransaction(t *testing.T) {
	app := testapp.New(t)
	err := app.RunInTransaction(func(tx core.App) error {
		if err := audit.Write(tx, audit.Entry{Org: "orgA", Actor: "m1", Action: "x.y"}); err != nil {
			return err
		}
		return fmt.Errorf("the change failed")
	})
	if err == nil {
		t.Fatal("expected the error")
	}
	if n, _ := app.CountRecords("auditLog", dbx.HashExp{"org": "orgA"}); n != 0 {
		t.Fatalf("%d audit rows survived a rollback", n)
	}
}
