package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cast"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/demo"
	"roster/internal/doctor"
	"roster/internal/testapp"
)

// operatorWorld is a demo organisation holding a row of every one of Roster's
// collections, its operator (a PocketBase superuser) and the batch API turned on, as an
// operator can.
type operatorWorld struct {
	app   core.App
	c     *testapp.Client
	tok   string
	org   string
	names []string // Roster's collections
}

func newOperatorWorld(t *testing.T) *operatorWorld {
	t.Helper()
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	app.Settings().Batch.Enabled = true
	c := testapp.Serve(t, app)
	res, err := demo.Run(app, demo.Options{Org: "carto", Members: 30, Seed: 3, Password: "demo password 42"})
	if err != nil {
		t.Fatal(err)
	}
	w := &operatorWorld{app: app, c: c, tok: operatorToken(t, app), org: res.Org.Id}
	owner, err := app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'owner'", dbx.Params{"org": w.org})
	if err != nil {
		t.Fatal(err)
	}
	// What the demo leaves out: credits spent, a payment method, an invoice, a mail and a
	// sign-in attempt.
	ownerActor := access.Actor{Org: w.org, Member: access.Member{ID: owner.Id, Role: access.RoleOwner, UserType: access.Creator, Status: access.Active}}
	if _, err := billing.Consume(app, ownerActor, 1, "a test"); err != nil {
		t.Fatal(err)
	}
	if _, err := billing.AddPaymentMethod(app, ownerActor,
		[]byte(`{"kind":"card","brand":"Visa","last4":"4242","expMonth":12,"expYear":`+fmt.Sprint(time.Now().Year()+2)+`,"holder":"Olivia Owner"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := billing.ClosePeriod(app, w.org, time.Now().AddDate(0, 2, 0), true, audit.ActorSuperuser); err != nil {
		t.Fatal(err)
	}
	for name, fields := range map[string]map[string]any{
		"mfaAttempts": {"mfa": "someMfaId000000"},
		"mailOutbox":  {"org": w.org, "to": "someone@example.com", "template": "invitation", "status": "queued"},
	} {
		col, _ := app.FindCollectionByNameOrId(name)
		r := core.NewRecord(col)
		r.Load(fields)
		if err := app.SaveNoValidate(r); err != nil {
			t.Fatal(err)
		}
	}
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		if !col.System {
			w.names = append(w.names, col.Name)
		}
	}
	return w
}

func (w *operatorWorld) first(t *testing.T, name string) *core.Record {
	t.Helper()
	rs, err := w.app.FindRecordsByFilter(name, "", "id", 1, 0)
	if err != nil || len(rs) == 0 {
		t.Fatalf("the world has no %s row: %v", name, err)
	}
	return rs[0]
}

// batch sends one request through /api/batch and answers the sub-request's own answer.
func (w *operatorWorld) batch(method, url string, body any) testapp.Response {
	r := w.c.Do("POST", "/api/batch", w.tok, map[string]any{"requests": []any{map[string]any{"method": method, "url": url, "body": body}}})
	if r.Status == 200 {
		return r
	}
	data, _ := r.JSON["data"].(map[string]any)
	reqs, _ := data["requests"].(map[string]any)
	sub, _ := reqs["0"].(map[string]any)
	inner, _ := sub["response"].(map[string]any)
	status := cast.ToInt(inner["status"])
	return testapp.Response{Status: status, Raw: r.Raw, JSON: inner}
}

// another is a value of field f other than old, whatever its type.
func another(f core.Field, old any) any {
	switch f := f.(type) {
	case *core.BoolField:
		return !cast.ToBool(old)
	case *core.NumberField:
		return cast.ToFloat64(old) + 1
	case *core.SelectField:
		if f.IsMultiple() {
			if len(cast.ToStringSlice(old)) == 0 {
				return f.Values[:1]
			}
			return []string{}
		}
		for _, v := range f.Values {
			if v != cast.ToString(old) {
				return v
			}
		}
	case *core.JSONField:
		return map[string]any{"changed": true}
	case *core.DateField:
		return "2031-01-02 03:04:05.000Z"
	case *core.EmailField:
		return "changed.by.operator@example.com"
	case *core.PasswordField:
		return "an operator's password 42"
	case *core.RelationField:
		if f.IsMultiple() {
			return []string{"zzzzzzzzzzzzzzz"}
		}
	}
	return cast.ToString(old) + "x"
}

// refused checks an answer is 403 use_roster saying where to go instead.
func refused(t *testing.T, what string, r testapp.Response) {
	t.Helper()
	msg, _ := r.JSON["message"].(string)
	if r.Status != 403 || r.Code() != "use_roster" || !strings.HasPrefix(msg, "Roster's rules hold on ") || !strings.ContainsAny(msg, "/`") {
		t.Errorf("%s: %d %.400s", what, r.Status, r.Raw)
	}
}

// TestOperatorWritesFollowRoster is the operator suite: with a superuser token, every
// create, delete and update of every field of every one of Roster's collections, through
// the records API under three spellings and through /api/batch, is refused with
// 403 use_roster naming the route or command to use, and changes nothing; the harmless
// edits left (names, titles) are made with their audit row (actor "superuser"); the
// collections API cannot change Roster's collections' schema or rules, delete, import
// over or truncate them; the SQL console only reads. After all of it `roster doctor` is
// green.
func TestOperatorWritesFollowRoster(t *testing.T) {
	w := newOperatorWorld(t)
	editable := map[string][]string{"users": {"givenName", "familyName", "description"}, "organizations": {"name"},
		"licenses": {"name"}, "groups": {"title"}, "items": {"title"}}
	before := snapshot(t, w.app)
	requests := 0
	for _, name := range w.names {
		col, err := w.app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		row := w.first(t, name)
		spellings := []string{name, strings.ToUpper(name), col.Id}
		sample := map[string]any{}
		for _, f := range col.Fields {
			if f.GetName() != "id" {
				sample[f.GetName()] = row.Get(f.GetName())
			}
		}
		for i, base := range spellings {
			refused(t, name+" create via "+base, w.c.Do("POST", "/api/collections/"+base+"/records", w.tok, sample))
			refused(t, name+" delete via "+base, w.c.Do("DELETE", "/api/collections/"+base+"/records/"+row.Id, w.tok, nil))
			requests += 2
			for j, f := range col.Fields {
				if j%len(spellings) != i || f.GetName() == "id" || f.Type() == core.FieldTypeAutodate || slices.Contains(editable[name], f.GetName()) {
					continue
				}
				body := map[string]any{f.GetName(): another(f, row.Get(f.GetName()))}
				if f.Type() == core.FieldTypePassword {
					body["passwordConfirm"] = body[f.GetName()]
				}
				refused(t, fmt.Sprintf("%s update of %s via %s", name, f.GetName(), base), w.c.Do("PATCH", "/api/collections/"+base+"/records/"+row.Id, w.tok, body))
				refused(t, fmt.Sprintf("%s update of %s via the batch API", name, f.GetName()), w.batch("PATCH", "/api/collections/"+base+"/records/"+row.Id, body))
				requests += 2
			}
		}
		refused(t, name+" create via the batch API", w.batch("POST", "/api/collections/"+name+"/records", sample))
		refused(t, name+" upsert via the batch API", w.batch("PUT", "/api/collections/"+name+"/records", sample))
		refused(t, name+" delete via the batch API", w.batch("DELETE", "/api/collections/"+name+"/records/"+row.Id, nil))
		requests += 3
		if fields := editable[name]; len(fields) > 0 {
			// An editable field and a guarded one together: all of it is refused.
			guarded := col.Fields.GetByName(map[string]string{"users": "email", "organizations": "slug", "licenses": "seats", "groups": "owner", "items": "sharing"}[name])
			refused(t, name+" mixed update", w.c.Do("PATCH", "/api/collections/"+name+"/records/"+row.Id, w.tok,
				map[string]any{fields[0]: "Mixed", guarded.GetName(): another(guarded, row.Get(guarded.GetName()))}))
			requests++
		}
	}
	for _, role := range []string{"owner", "admin"} {
		// Promotions, which once moved ownership silently, and an admin of type viewer.
		m, err := w.app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'member' && userType = 'viewer'", dbx.Params{"org": w.org})
		if err != nil {
			t.Fatal(err)
		}
		refused(t, "promotion to "+role, w.c.Do("PATCH", "/api/collections/memberships/records/"+m.Id, w.tok, map[string]any{"role": role}))
	}
	if len(w.names) < 17 {
		t.Errorf("only %d of Roster's collections found: %v", len(w.names), w.names)
	}
	sameRows(t, "after the refused writes", before, snapshot(t, w.app))
	t.Logf("%d refused requests over %d collections", requests, len(w.names))

	// The collections API: Roster's collections keep their schema, rules and records.
	members, _ := w.app.FindCollectionByNameOrId("memberships")
	for _, base := range []string{"memberships", "MEMBERSHIPS", members.Id} {
		refused(t, "opening the memberships' rules via "+base, w.c.Do("PATCH", "/api/collections/"+base, w.tok, map[string]any{"updateRule": ""}))
	}
	refused(t, "a field removed", w.c.Do("PATCH", "/api/collections/users", w.tok, map[string]any{"fields": []any{}}))
	refused(t, "deleting the audit log", w.c.Do("DELETE", "/api/collections/auditLog", w.tok, nil))
	for _, base := range []string{"auditLog", "AUDITLOG", "seatLedger"} {
		refused(t, "truncating "+base, w.c.Do("DELETE", "/api/collections/"+base+"/truncate", w.tok, nil))
	}
	exported, err := w.app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	var all []any
	for _, c := range exported {
		if c.Name == "memberships" {
			c.UpdateRule = new(string)
		}
		all = append(all, c)
	}
	refused(t, "an import opening a rule", w.c.Do("PUT", "/api/collections/import", w.tok, map[string]any{"collections": all}))
	notes := map[string]any{"name": "notes", "type": "base", "fields": []any{map[string]any{"name": "text", "type": "text"}}}
	refused(t, "an import deleting the rest", w.c.Do("PUT", "/api/collections/import", w.tok, map[string]any{"collections": []any{notes}, "deleteMissing": true}))
	// PocketBase's SQL console reads, and writes nothing however the query is written.
	if r := w.c.Do("POST", "/api/sql", w.tok, map[string]any{"query": "SELECT count(*) AS n FROM memberships"}); r.Status != 200 || !strings.Contains(r.Raw, `"rows":[["31"]]`) {
		t.Errorf("a read through the SQL console: %d %.300s", r.Status, r.Raw)
	}
	for _, q := range []string{
		"UPDATE memberships SET role = 'owner'",
		"DELETE FROM auditLog",
		"WITH x AS (SELECT 1) UPDATE memberships SET userType = 'viewer'",
		"INSERT INTO seatLedger (id, org, delta) VALUES ('x00000000000000', 'o', 1) RETURNING id",
		"PRAGMA query_only = OFF; DELETE FROM seatLedger",
		"DROP TABLE auditHeads",
		"CREATE TABLE operatorNotes (x)",
		"ALTER TABLE memberships ADD COLUMN extra TEXT",
	} {
		refused(t, "the SQL console: "+q, w.c.Do("POST", "/api/sql", w.tok, map[string]any{"query": q}))
	}
	if r := w.c.Do("POST", "/api/sql", "", map[string]any{"query": "SELECT 1"}); r.Status != 401 {
		t.Errorf("the SQL console without a token: %d", r.Status)
	}
	sameRows(t, "after the refused collection changes and SQL", before, snapshot(t, w.app))
	if r := w.c.Do("PUT", "/api/collections/import", w.tok, map[string]any{"collections": []any{notes}}); r.Status != 204 {
		t.Errorf("an import adding a collection of the operator's own: %d %s", r.Status, r.Raw)
	}
	if r := w.c.Do("PATCH", "/api/collections/users", w.tok, map[string]any{"authToken": map[string]any{"duration": 7200}}); r.Status != 200 {
		t.Errorf("an option of the users collection: %d %s", r.Status, r.Raw)
	}
	for _, name := range []string{"memberships", "users", "auditLog"} {
		c, err := w.app.FindCachedCollectionByNameOrId(name)
		if err != nil || c.UpdateRule != nil || len(c.Fields) < 5 {
			t.Errorf("%s after the refused changes: %v", name, err)
		}
	}

	// The harmless edits, each with its audit row in its organisation.
	rowsBefore := count(t, w.app, audit.Collection, dbx.HashExp{"org": w.org})
	member := w.first(t, "memberships")
	edits := []struct {
		collection, id, field, action string
	}{
		{"users", member.GetString("user"), "givenName", string(access.MembersUpdateProfile)},
		{"Organizations", w.org, "name", string(access.OrgSettings)},
		{"licenses", w.first(t, "licenses").Id, "name", "operator.edit"},
		{"groups", w.first(t, "groups").Id, "title", "operator.edit"},
		{"items", w.first(t, "items").Id, "title", "operator.edit"},
	}
	for _, e := range edits {
		r := w.c.Do("PATCH", "/api/collections/"+e.collection+"/records/"+e.id, w.tok, map[string]any{e.field: "Édité par l’opérateur"})
		if r.Status != 200 {
			t.Errorf("%s %s: %d %s", e.collection, e.field, r.Status, r.Raw)
			continue
		}
		rows, err := w.app.FindRecordsByFilter(audit.Collection, "org = {:org} && actor = 'superuser' && action = {:a}", "-seq", 1, 0, dbx.Params{"org": w.org, "a": e.action})
		if err != nil || len(rows) != 1 || !strings.Contains(rows[0].GetString("details"), "Édité par l’opérateur") {
			t.Errorf("%s %s: no audit row (%v)", e.collection, e.field, err)
		}
	}
	if n := count(t, w.app, audit.Collection, dbx.HashExp{"org": w.org}); n != rowsBefore+len(edits) {
		t.Errorf("%d audit rows for %d edits", n-rowsBefore, len(edits))
	}
	rep, err := doctor.Run(w.app)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		var b strings.Builder
		rep.Write(&b)
		t.Fatalf("roster doctor after the operator's requests:\n%s", b.String())
	}
}
