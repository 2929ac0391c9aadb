package hooks

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/fail"
	"roster/internal/people"
)

// operatorPath says what PocketBase's records API (the operator's dashboard /_/,
// /api/collections/{c}/records and /api/batch) may change in one of Roster's collections.
// Roster's services write with app.Save inside their own transactions, with the seat
// ledger, the audit row and every precondition; a write through the records API skips
// all of that, so it is refused (403 use_roster, naming where to make the change
// instead), except an update of harmless profile fields, which is made with an audit
// row (actor "superuser") in the same transaction. docs/reliability.md §9.
type operatorPath struct {
	editable []string // fields an operator may edit in place
	instead  string   // the Roster route or CLI command that makes every other change
}

// operatorPaths covers every collection Roster's migrations create
// (TestOperatorWritesFollowRoster tries every one).
var operatorPaths = map[string]operatorPath{
	"users": {editable: []string{"givenName", "familyName", "description"},
		instead: "edit a member with PATCH /api/orgs/{org}/members/{id}; add people with POST /api/orgs/{org}/invitations or `roster invite`; " +
			"remove them with DELETE /api/orgs/{org}/members/{id}; reset a password or two-factor with POST /api/orgs/{org}/members/{id}/reset-password or …/disable-mfa"},
	"memberships": {instead: "change a member with POST /api/orgs/{org}/members/{id}/role, …/user-type, …/disable, …/enable, …/partner-access or …/credits, " +
		"remove one with DELETE /api/orgs/{org}/members/{id}, add people with POST /api/orgs/{org}/invitations or `roster invite`; " +
		"ownership moves only with POST /api/orgs/{org}/transfer-ownership or `roster org transfer-ownership`"},
	"organizations": {editable: []string{"name"},
		instead: "create an organisation with `roster org create` (or POST /api/setup on a new instance); change its settings with PATCH /api/orgs/{org}/settings"},
	"invitations":    {instead: "invite with POST /api/orgs/{org}/invitations or `roster invite`; resend with POST /api/orgs/{org}/invitations/{id}/resend; revoke with DELETE /api/orgs/{org}/invitations/{id}"},
	"subscriptions":  {instead: "change the plan with POST /api/orgs/{org}/subscription/plan; seats follow the members"},
	"seatLedger":     {instead: "seats are billed as members are added, changed and removed through Roster; check the ledger with `roster doctor`"},
	"invoices":       {instead: "invoices are issued by `roster billing close-period` and paid with POST /api/orgs/{org}/invoices/{id}/pay"},
	"paymentMethods": {instead: "manage payment methods with POST /api/orgs/{org}/payment-methods, PATCH or DELETE /api/orgs/{org}/payment-methods/{id}"},
	"creditLedger":   {instead: "set a member's credits with POST /api/orgs/{org}/members/{id}/credits; spend with POST /api/orgs/{org}/credits/consume"},
	"licenses": {editable: []string{"name"},
		instead: "manage licences with POST /api/orgs/{org}/licenses, PATCH or DELETE /api/orgs/{org}/licenses/{id}"},
	"licenseAssignments": {instead: "assign and revoke licences with POST /api/orgs/{org}/licenses/{id}/assign and …/revoke"},
	"plans":              {instead: "an organisation changes plan with POST /api/orgs/{org}/subscription/plan; the plans themselves are Roster's migrations"},
	"groups": {editable: []string{"title"},
		instead: "manage groups with POST /api/orgs/{org}/groups, PATCH or DELETE /api/orgs/{org}/groups/{id}, POST /api/orgs/{org}/groups/{id}/members"},
	"items": {editable: []string{"title"},
		instead: "manage content with POST /api/orgs/{org}/items, PATCH or DELETE /api/orgs/{org}/items/{id}"},
	audit.Collection: {instead: "the audit log is written by Roster only; read it with GET /api/orgs/{org}/audit and check it with `roster audit verify`"},
	"mailOutbox":     {instead: "the outbox is written by Roster only; read it with GET /api/orgs/{org}/outbox"},
	"mfaAttempts":    {instead: "two-factor authentication state is kept by the sign-in itself (POST /api/auth/totp)"},
}

// schemaOwned is why Roster's collections keep their schema.
const schemaOwned = "its fields, indexes and API rules are Roster's migrations (`roster migrate`)"

func useRoster(collection, instead string) *fail.Error {
	return fail.Forbidden("use_roster", "Roster's rules hold on "+collection+": "+instead+".")
}

// bindOperatorWrites binds operatorPaths to the records API's request events (which
// /api/batch fires too, under any spelling of the collection: the events are bound to
// the collection), and keeps Roster's collections' schema, rules and records out of
// reach of the collections API (update, delete, import, truncate): these are Roster's
// migrations. PocketBase's SQL console only reads.
func bindOperatorWrites(app core.App) {
	names := make([]string, 0, len(operatorPaths))
	for name := range operatorPaths {
		names = append(names, name)
	}
	refuse := func(e *core.RecordRequestEvent) error {
		return useRoster(e.Collection.Name, operatorPaths[e.Collection.Name].instead)
	}
	app.OnRecordCreateRequest(names...).BindFunc(refuse)
	app.OnRecordDeleteRequest(names...).BindFunc(refuse)
	app.OnRecordUpdateRequest(names...).BindFunc(operatorUpdate)

	app.OnCollectionUpdateRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if stored, ok := rosterCollection(e.App, e.Collection.Id); ok && schemaOf(stored) != schemaOf(e.Collection) {
			return useRoster(stored.Name, schemaOwned+"; only its options may change here")
		}
		return e.Next()
	})
	app.OnCollectionDeleteRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if _, ok := rosterCollection(e.App, e.Collection.Id); ok {
			return useRoster(e.Collection.Name, schemaOwned+"; it is never deleted")
		}
		return e.Next()
	})
	app.OnCollectionsImportRequest().BindFunc(func(e *core.CollectionsImportRequestEvent) error {
		// An import rewrites many collections at once: run it, then undo it if it changed
		// one of Roster's.
		return e.App.RunInTransaction(func(tx core.App) error {
			before := schemas(tx)
			outer := e.App
			e.App = tx
			defer func() { e.App = outer }()
			if err := e.Next(); err != nil {
				return err
			}
			after := schemas(tx)
			for name, s := range before {
				if after[name] != s {
					return useRoster(name, schemaOwned+"; an import may only add or change other collections")
				}
			}
			return nil
		})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Two superuser routes have no request event of their own: truncating (every record
		// deleted with app.Delete) and the SQL console. This middleware knows them by their
		// registered patterns (not the URL) and resolves the collection as PocketBase does;
		// anyone but a superuser is PocketBase's to refuse.
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if !e.HasSuperuserAuth() {
				return e.Next()
			}
			switch e.Request.Pattern {
			case http.MethodDelete + " /api/collections/{collection}/truncate":
				if c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection")); err == nil {
					if p, ok := operatorPaths[c.Name]; ok {
						return useRoster(c.Name, p.instead)
					}
				}
			case http.MethodPost + " /api/sql":
				return readOnlySQL(e)
			}
			return e.Next()
		})
		return se.Next()
	})
}

// operatorUpdate lets an update through when it changes only editable fields, and
// records it in the audit log in the same transaction; any other change is refused.
func operatorUpdate(e *core.RecordRequestEvent) error {
	p := operatorPaths[e.Collection.Name]
	before, after := map[string]any{}, map[string]any{}
	old := e.Record.Original()
	for _, f := range e.Collection.Fields {
		name := f.GetName()
		if f.Type() == core.FieldTypeAutodate || reflect.DeepEqual(old.GetRaw(name), e.Record.GetRaw(name)) {
			continue
		}
		if !slices.Contains(p.editable, name) {
			return useRoster(e.Collection.Name, p.instead)
		}
		before[name], after[name] = old.GetRaw(name), e.Record.GetRaw(name)
	}
	if len(after) == 0 {
		return e.Next()
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		outer := e.App
		e.App = tx
		defer func() { e.App = outer }()
		if err := e.Next(); err != nil {
			return err
		}
		entries, err := operatorEntries(tx, e.Record, before, after, e.RealIP())
		if err != nil {
			return err
		}
		return audit.WriteMany(tx, entries)
	})
}

// operatorEntries are the audit rows of an operator's edit of r: on a member's account,
// one per membership (as members.updateProfile); on an organisation, org.settings; on
// anything else, operator.edit in its organisation.
func operatorEntries(tx core.App, r *core.Record, before, after map[string]any, ip string) ([]audit.Entry, error) {
	details := map[string]any{"before": before, "after": after}
	switch r.Collection().Name {
	case "users":
		ms, err := tx.FindAllRecords("memberships", dbx.HashExp{"user": r.Id})
		if err != nil {
			return nil, err
		}
		out := make([]audit.Entry, len(ms))
		for i, m := range ms {
			out[i] = audit.Entry{Org: m.GetString("org"), Actor: audit.ActorSuperuser, Action: access.MembersUpdateProfile,
				TargetType: "membership", TargetID: m.Id, TargetLabel: people.Label(r.GetString("givenName"), r.GetString("familyName"), r.Email()),
				Details: details, IP: ip}
		}
		return out, nil
	case "organizations":
		return []audit.Entry{{Org: r.Id, Actor: audit.ActorSuperuser, Action: access.OrgSettings,
			TargetType: "organization", TargetID: r.Id, TargetLabel: r.GetString("name"), Details: details, IP: ip}}, nil
	}
	return []audit.Entry{{Org: r.GetString("org"), Actor: audit.ActorSuperuser, Action: access.OperatorEdit,
		TargetType: r.Collection().Name, TargetID: r.Id, TargetLabel: r.GetString("title") + r.GetString("name"), Details: details, IP: ip}}, nil
}

// errWrote is a query of the SQL console that wrote, or tried to.
var errWrote = errors.New("the SQL console wrote")

// readOnlySQL runs PocketBase's SQL console (POST /api/sql) read-only: raw SQL would skip
// every rule (seats, audit, owner). The query runs in a transaction with SQLite's
// query_only on, so SQLite itself refuses any write; should the query turn it off
// (several statements), the changes it made (total_changes, schema_version) undo the
// transaction. The answer is held until then, so a refused write never reads as done.
func readOnlySQL(e *core.RequestEvent) error {
	held := httptest.NewRecorder()
	err := e.App.RunInTransaction(func(tx core.App) error {
		state := func() (out [2]int64) {
			_ = tx.DB().NewQuery("SELECT total_changes()").Row(&out[0])
			_ = tx.DB().NewQuery("PRAGMA schema_version").Row(&out[1])
			return out
		}
		if _, err := tx.DB().NewQuery("PRAGMA query_only = ON").Execute(); err != nil {
			return err
		}
		defer tx.DB().NewQuery("PRAGMA query_only = OFF").Execute()
		before := state()
		app, w := e.App, e.Response
		e.App, e.Response = tx, held
		err := e.Next()
		e.App, e.Response = app, w
		if state() != before || err != nil && strings.Contains(err.Error(), "readonly database") {
			return errWrote
		}
		return err
	})
	if errors.Is(err, errWrote) {
		return useRoster("the database", "the SQL console only reads; change data through Roster's routes and CLI (`roster --help`)")
	}
	if err != nil {
		return err
	}
	maps.Copy(e.Response.Header(), held.Header())
	e.Response.WriteHeader(held.Code)
	_, err = e.Response.Write(held.Body.Bytes())
	return err
}

// rosterCollection answers the stored collection with this id, if it is one of Roster's.
func rosterCollection(app core.App, id string) (*core.Collection, bool) {
	c, err := app.FindCachedCollectionByNameOrId(id)
	if err != nil {
		return nil, false
	}
	_, ok := operatorPaths[c.Name]
	return c, ok
}

// schemaOf is what of a collection is Roster's: name, type, fields, indexes and rules
// (not its options, such as the OAuth2 providers an operator configures).
func schemaOf(c *core.Collection) string {
	b, _ := json.Marshal([]any{strings.ToLower(c.Name), c.Type, c.Fields, c.Indexes, c.ListRule, c.ViewRule,
		c.CreateRule, c.UpdateRule, c.DeleteRule, c.AuthRule, c.ManageRule})
	return string(b)
}

// schemas reads schemaOf every one of Roster's collections from the database ("" when
// one is missing).
func schemas(app core.App) map[string]string {
	out := make(map[string]string, len(operatorPaths))
	for name := range operatorPaths {
		if c, err := app.FindCollectionByNameOrId(name); err == nil {
			out[name] = schemaOf(c)
		} else {
			out[name] = ""
		}
	}
	return out
}
