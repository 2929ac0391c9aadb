package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/security"
	"roster/internal/testapp"
)

// closedWorld is an office (owner, admin, member, disabled member, outsider next door)
// with an instance operator (a PocketBase superuser) and a row in every collection.
type closedWorld struct {
	*office
	superuser *core.Record
	actors    []closedActor
}

// closedActor is someone who is not the instance operator; user is nil for anonymous.
type closedActor struct {
	name  string
	user  *core.Record
	token string
}

func newClosedWorld(t *testing.T) *closedWorld {
	t.Helper()
	w := &closedWorld{office: newOffice(t)}
	col, err := w.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	w.superuser = core.NewRecord(col)
	w.superuser.SetEmail("operator@example.com")
	w.superuser.SetPassword("operator password 1")
	w.save(t, w.superuser)
	w.actors = []closedActor{{name: "anonymous"}}
	for _, a := range []struct {
		name string
		m    *testapp.Member
	}{{"member", w.member}, {"admin", w.admin}, {"owner", w.owner}, {"disabled member", w.disabled}, {"other org's owner", w.outsider}} {
		w.actors = append(w.actors, closedActor{a.name, a.m.User, a.m.Token(t)})
	}
	w.seed(t)
	return w
}

// seed puts rows in every collection, through Roster's routes where they make them,
// and for both the owner and the member in PocketBase's per-account system collections.
func (w *closedWorld) seed(t *testing.T) {
	t.Helper()
	tok := w.owner.Token(t)
	must := func(method, path string, body any) testapp.Response {
		t.Helper()
		r := w.c.Do(method, w.url(path), tok, body)
		if r.Status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
		}
		return r
	}
	must("PATCH", "/settings", map[string]any{"creditBudgeting": true, "creditsPool": 1000, "mfaEnabled": true})
	must("POST", "/invitations", map[string]any{"emails": []string{"invitee@example.net"}})
	group := idOf(t, must("POST", "/groups", map[string]any{"title": "Closed doors", "members": []string{w.member.ID()}}))
	must("POST", "/items", map[string]any{"kind": "map", "title": "Closed map", "sharing": "groups", "groups": []string{group}})
	lic := idOf(t, must("POST", "/licenses", map[string]any{"code": "PRO", "name": "Pro", "compatibleTypes": []string{"creator"}, "seats": 5}))
	must("POST", "/licenses/"+lic+"/assign", map[string]any{"members": []string{w.member.ID()}})
	must("POST", "/payment-methods", visa)
	must("POST", "/members/"+w.member.ID()+"/credits", map[string]any{"allocated": 50})
	if r := w.c.Do("POST", w.url("/credits/consume"), w.member.Token(t), map[string]any{"amount": 1}); r.Status != 200 {
		t.Fatalf("consume: %d %s", r.Status, r.Raw)
	}
	if _, err := billing.ClosePeriod(w.app, w.org.ID, time.Now().UTC(), true, audit.ActorSystem); err != nil {
		t.Fatal(err)
	}
	users, err := w.app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []*core.Record{w.owner.User, w.member.User} {
		if _, err := security.Challenge(w.app, u, "password", nil); err != nil { // _mfas and mfaAttempts
			t.Fatal(err)
		}
		otp := core.NewOTP(w.app)
		otp.SetCollectionRef(users.Id)
		otp.SetRecordRef(u.Id)
		otp.SetPassword("87654321")
		ext := core.NewExternalAuth(w.app)
		ext.SetCollectionRef(users.Id)
		ext.SetRecordRef(u.Id)
		ext.SetProvider("oidc")
		ext.SetProviderId(fmt.Sprint("subject-", i))
		origin := core.NewAuthOrigin(w.app)
		origin.SetCollectionRef(users.Id)
		origin.SetRecordRef(u.Id)
		origin.SetFingerprint(fmt.Sprint("fingerprint-", i))
		for _, m := range []core.Model{otp, ext, origin} {
			if err := w.app.Save(m); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// collections lists every collection of the running app, PocketBase's own included.
func (w *closedWorld) collections(t *testing.T) []*core.Collection {
	t.Helper()
	cols, err := w.app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range cols {
		names[c.Name] = true
	}
	for _, must := range []string{"_superusers", "_mfas", "_otps", "_externalAuths", "_authOrigins", "users", "memberships", "auditLog"} {
		if !names[must] {
			t.Fatalf("collection %s missing from %v", must, names)
		}
	}
	return cols
}

// TestPocketBaseCollectionsAreClosed sends PocketBase's record API, for every collection
// of the schema, as everyone but the instance operator: list, view, create, update and
// delete of a row that is not theirs. Nothing is readable, not even the caller's own rows
// of PocketBase's per-account collections (pb_migrations 1795600940), and nothing changes.
func TestPocketBaseCollectionsAreClosed(t *testing.T) {
	w := newClosedWorld(t)
	before := snapshot(t, w.app)
	var sent int
	for _, col := range w.collections(t) {
		var rows []*core.Record
		if err := w.app.RecordQuery(col).All(&rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) < 1 {
			t.Errorf("%s has no row: seed one in closedWorld.seed so that its doors are tried on data", col.Name)
			continue
		}
		for _, a := range w.actors {
			// A row that is not the actor's (nor the actor itself).
			target := "nosuchrecord000"
			for _, r := range rows {
				if a.user == nil || r.Id != a.user.Id && r.GetString("recordRef") != a.user.Id {
					target = r.Id
					break
				}
			}
			for _, base := range []string{"/api/collections/" + col.Name + "/records", "/api/collections/" + col.Id + "/records"} {
				for _, req := range []struct {
					method, path string
					body         any
				}{
					{"GET", base + "?perPage=500", nil},
					{"GET", base + "?filter=" + "id%21%3D%27%27&expand=org,user,recordRef", nil},
					{"GET", base + "/" + target, nil},
					{"POST", base, map[string]any{"org": w.org.ID, "user": w.member.User.Id, "role": "owner", "email": "x@example.com",
						"password": "12345678", "passwordConfirm": "12345678", "recordRef": w.owner.User.Id}},
					{"PATCH", base + "/" + target, map[string]any{"role": "owner", "status": "active", "name": "x"}},
					{"DELETE", base + "/" + target, nil},
				} {
					r := w.c.Do(req.method, req.path, a.token, req.body)
					sent++
					if r.Status < 400 || r.Status >= 500 {
						t.Errorf("%s %s %s: %d %.300s", a.name, req.method, req.path, r.Status, r.Raw)
					}
				}
			}
		}
	}
	sameRows(t, "after PocketBase's record API", before, snapshot(t, w.app))
	t.Logf("%d requests over the record API", sent)

	t.Run("an account cannot read or delete its own rows of PocketBase's account tables", func(t *testing.T) {
		for _, name := range []string{core.CollectionNameMFAs, core.CollectionNameOTPs, core.CollectionNameExternalAuths, core.CollectionNameAuthOrigins} {
			own, err := w.app.FindFirstRecordByData(name, "recordRef", w.member.User.Id)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			base := "/api/collections/" + name + "/records/" + own.Id
			for _, method := range []string{"GET", "DELETE"} {
				if r := w.c.Do(method, base, w.member.Token(t), nil); r.Status != 403 {
					t.Errorf("%s %s of their own row: %d %s", method, name, r.Status, r.Raw)
				}
			}
			if _, err := w.app.FindRecordById(name, own.Id); err != nil {
				t.Errorf("%s: their own row is gone: %v", name, err)
			}
			// The instance operator still reads it (the door is closed to others only).
			su, err := w.superuser.NewAuthToken()
			if err != nil {
				t.Fatal(err)
			}
			if r := w.c.Do("GET", base, su, nil); r.Status != 200 || r.JSON["id"] != own.Id {
				t.Errorf("the operator's GET of a %s row: %d %s", name, r.Status, r.Raw)
			}
		}
	})
	t.Run("a member cannot give themselves another role through PocketBase", func(t *testing.T) {
		r := w.c.Do("PATCH", "/api/collections/memberships/records/"+w.member.ID(), w.member.Token(t), map[string]string{"role": "owner"})
		if r.Status != 403 && r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = w.c.Do("PATCH", "/api/collections/users/records/"+w.member.User.Id, w.member.Token(t), map[string]string{"role": "admin", "username": "root"})
		if r.Status != 403 && r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		m, _ := w.app.FindRecordById("memberships", w.member.ID())
		if m.GetString("role") != "member" {
			t.Fatal("role changed")
		}
	})
	t.Run("public sign-up is closed, whoever asks and however", func(t *testing.T) {
		for i, a := range w.actors {
			email := fmt.Sprintf("signup%d@example.com", i)
			body := map[string]string{"email": email, "password": "12345678", "passwordConfirm": "12345678", "username": fmt.Sprint("newbie", i)}
			for _, path := range []string{"/api/collections/users/records", "/api/collections/_pb_users_auth_/records", "/api/collections/_superusers/records"} {
				if r := w.c.Do("POST", path, a.token, body); r.Status != 403 {
					t.Errorf("%s POST %s: %d %s", a.name, path, r.Status, r.Raw)
				}
			}
			for _, c := range []string{"users", "_superusers"} {
				if _, err := w.app.FindAuthRecordByEmail(c, email); err == nil {
					t.Fatalf("%s created an account in %s", a.name, c)
				}
			}
		}
	})
}

// TestPocketBaseOperatorRoutesAreClosed sends PocketBase's operator API (collections,
// settings, logs, backups, crons, SQL, impersonation) as everyone but the operator:
// 401 without a token, 403 with one, and nothing changes.
func TestPocketBaseOperatorRoutesAreClosed(t *testing.T) {
	w := newClosedWorld(t)
	before := snapshot(t, w.app)
	settingsBefore, _ := json.Marshal(w.app.Settings())
	reqs := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/collections", nil},
		{"POST", "/api/collections", map[string]any{"name": "open", "type": "base", "listRule": ""}},
		{"PUT", "/api/collections/import", map[string]any{"collections": []any{map[string]any{"name": "users", "type": "auth", "createRule": ""}}}},
		{"GET", "/api/collections/meta/scaffolds", nil},
		{"GET", "/api/collections/users", nil},
		{"PATCH", "/api/collections/users", map[string]any{"createRule": "", "listRule": ""}},
		{"PATCH", "/api/collections/memberships", map[string]any{"updateRule": ""}},
		{"DELETE", "/api/collections/auditLog", nil},
		{"DELETE", "/api/collections/auditLog/truncate", nil},
		{"GET", "/api/settings", nil},
		{"PATCH", "/api/settings", map[string]any{"batch": map[string]any{"enabled": true}, "meta": map[string]any{"appName": "Owned"}}},
		{"POST", "/api/settings/test/email", map[string]any{"email": "x@example.com", "template": "verification"}},
		{"POST", "/api/settings/test/s3", map[string]any{"filesystem": "storage"}},
		{"GET", "/api/logs", nil},
		{"GET", "/api/logs/stats", nil},
		{"GET", "/api/backups", nil},
		{"POST", "/api/backups", map[string]any{"name": "mine.zip"}},
		{"POST", "/api/backups/mine.zip/restore", nil},
		{"DELETE", "/api/backups/mine.zip", nil},
		{"GET", "/api/crons", nil},
		{"POST", "/api/crons/__pbDBOptimize__", nil},
		{"POST", "/api/sql", map[string]any{"query": "SELECT tokenKey, password FROM users"}},
		{"POST", "/api/collections/users/impersonate/" + w.owner.User.Id, map[string]any{"duration": 3600}},
		{"POST", "/api/collections/_superusers/impersonate/" + w.superuser.Id, map[string]any{}},
	}
	for _, a := range w.actors {
		for _, req := range reqs {
			r := w.c.Do(req.method, req.path, a.token, req.body)
			want := 403
			if a.user == nil {
				want = 401
			}
			if r.Status != want {
				t.Errorf("%s %s %s: %d %.300s, want %d", a.name, req.method, req.path, r.Status, r.Raw, want)
			}
		}
	}
	sameRows(t, "after the operator API", before, snapshot(t, w.app))
	if settingsAfter, _ := json.Marshal(w.app.Settings()); string(settingsAfter) != string(settingsBefore) {
		t.Error("the settings changed")
	}
	if _, err := w.app.FindCollectionByNameOrId("open"); err == nil {
		t.Error("a collection was created")
	}
}

// TestPocketBaseBatchIsClosedEvenWhenEnabled: the batch API is off; an operator who
// turns it on still gets sub-requests checked against the collections' rules, which
// refuse everyone else.
func TestPocketBaseBatchIsClosedEvenWhenEnabled(t *testing.T) {
	w := newClosedWorld(t)
	before := snapshot(t, w.app)
	batch := map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": "/api/collections/users/records",
			"body": map[string]any{"email": "batch@example.com", "password": "12345678", "passwordConfirm": "12345678", "username": "batcher"}},
		map[string]any{"method": "PATCH", "url": "/api/collections/memberships/records/" + w.member.ID(), "body": map[string]any{"role": "owner"}},
		map[string]any{"method": "DELETE", "url": "/api/collections/auditLog/records/" + w.auditRows(t, "")[0].Id},
		map[string]any{"method": "PUT", "url": "/api/collections/invitations/records", "body": map[string]any{"org": w.org.ID, "email": "b@example.com"}},
	}}
	for _, enabled := range []bool{false, true} {
		w.app.Settings().Batch.Enabled = enabled
		for _, a := range w.actors {
			r := w.c.Do("POST", "/api/batch", a.token, batch)
			if enabled && r.Status != 400 || !enabled && r.Status != 403 {
				t.Errorf("batch enabled=%v as %s: %d %.300s", enabled, a.name, r.Status, r.Raw)
			}
		}
	}
	sameRows(t, "after batch requests", before, snapshot(t, w.app))
}

// TestClosedAuthRoutesLeakNothing: PocketBase's auth routes answer the same for an
// address with an account and one without, issue no token but through a sign-in, and
// cannot change an account behind Roster's back (email change is Roster's profile edit,
// under the policy and the audit log).
func TestClosedAuthRoutesLeakNothing(t *testing.T) {
	w := newClosedWorld(t)
	same := func(what string, send func(email string) testapp.Response) {
		t.Helper()
		known, unknown := send(w.member.Email), send("nobody.here@example.com")
		if known.Status != unknown.Status || known.Raw != unknown.Raw {
			t.Errorf("%s tells an account from none: %d %s / %d %s", what, known.Status, known.Raw, unknown.Status, unknown.Raw)
		}
		if known.Status >= 500 || strings.Contains(known.Raw, "token") {
			t.Errorf("%s: %d %s", what, known.Status, known.Raw)
		}
	}
	for _, col := range []string{"users", "_superusers"} {
		base := "/api/collections/" + col
		for _, path := range []string{"/request-password-reset", "/request-otp", "/request-verification"} {
			same(col+path, func(email string) testapp.Response {
				return w.c.Do("POST", base+path, "", map[string]string{"email": email})
			})
		}
		same(col+"/auth-with-password", func(email string) testapp.Response {
			return w.c.Do("POST", base+"/auth-with-password", "", map[string]string{"identity": email, "password": "not the password"})
		})
		if r := w.c.Do("POST", base+"/auth-with-otp", "", map[string]string{"otpId": "nosuchotp000000", "password": "12345678"}); r.Status < 400 || r.JSON["token"] != nil {
			t.Errorf("%s auth-with-otp: %d %s", col, r.Status, r.Raw)
		}
		r := w.c.Do("GET", base+"/auth-methods", "", nil)
		if r.Status != 200 || strings.Contains(strings.ToLower(r.Raw), "secret") {
			t.Errorf("%s auth-methods: %d %s", col, r.Status, r.Raw)
		}
	}
	if r := w.c.Do("POST", "/api/collections/_superusers/auth-with-password", "", map[string]string{"identity": w.owner.Email, "password": w.owner.Password}); r.Status != 400 {
		t.Errorf("an owner's password opened the operator's collection: %d %s", r.Status, r.Raw)
	}

	t.Run("a refresh renews one's own session only, never a disabled member's or an operator's", func(t *testing.T) {
		for _, a := range w.actors {
			r := w.c.Do("POST", "/api/collections/users/auth-refresh", a.token, nil)
			rec, _ := r.JSON["record"].(map[string]any)
			switch {
			case a.user == nil:
				if r.Status != 401 {
					t.Errorf("anonymous refresh: %d %s", r.Status, r.Raw)
				}
			case a.name == "disabled member":
				if r.Status != 403 || r.Code() != "account_disabled" {
					t.Errorf("disabled refresh: %d %s", r.Status, r.Raw)
				}
			case r.Status != 200 || rec["id"] != a.user.Id:
				t.Errorf("%s refresh: %d %s", a.name, r.Status, r.Raw)
			}
			if r := w.c.Do("POST", "/api/collections/_superusers/auth-refresh", a.token, nil); r.Status != 401 && r.Status != 403 {
				t.Errorf("%s refresh as an operator: %d %s", a.name, r.Status, r.Raw)
			}
		}
	})

	t.Run("an email change goes through Roster's profile edit, not PocketBase's", func(t *testing.T) {
		mails := w.app.TestMailer.TotalSend()
		for _, a := range w.actors[1:] {
			r := w.c.Do("POST", "/api/collections/users/request-email-change", a.token, map[string]string{"newEmail": "elsewhere" + a.user.Id + "@evil.example"})
			if r.Status != 403 {
				t.Errorf("%s request-email-change: %d %s", a.name, r.Status, r.Raw)
			}
			// A token PocketBase would have mailed, used directly.
			u, err := w.app.FindRecordById("users", a.user.Id)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := u.NewEmailChangeToken("stolen" + a.user.Id + "@evil.example")
			if err != nil {
				t.Fatal(err)
			}
			r = w.c.Do("POST", "/api/collections/users/confirm-email-change", "", map[string]string{"token": tok, "password": testapp.Password})
			if r.Status != 403 {
				t.Errorf("%s confirm-email-change: %d %s", a.name, r.Status, r.Raw)
			}
			if u, _ := w.app.FindRecordById("users", a.user.Id); u.Email() != a.user.Email() {
				t.Errorf("%s's email changed to %s", a.name, u.Email())
			}
		}
		if got := w.app.TestMailer.TotalSend(); got != mails {
			t.Errorf("%d mails sent", got-mails)
		}
	})
}

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// sseClient is a realtime connection to PocketBase's /api/realtime.
type sseClient struct {
	id     string
	events chan sseEvent
}

// openRealtime connects, reads the client id from PB_CONNECT and subscribes with the
// token's identity. The connection ends with the test, before the server closes.
func openRealtime(t *testing.T, c *testapp.Client, token string, topics []string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", c.URL+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sseClient{events: make(chan sseEvent, 1000)}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimPrefix(line, "event:")
			case strings.HasPrefix(line, "data:"):
				ev.data = strings.TrimPrefix(line, "data:")
			case line == "":
				s.events <- ev
				ev = sseEvent{}
			}
		}
	}()
	first := s.next(t)
	var connect struct {
		ClientID string `json:"clientId"`
	}
	if first.name != "PB_CONNECT" || json.Unmarshal([]byte(first.data), &connect) != nil || connect.ClientID == "" {
		t.Fatalf("first event: %+v", first)
	}
	s.id = connect.ClientID
	r := c.Do("POST", "/api/realtime", token, map[string]any{"clientId": s.id, "subscriptions": topics})
	if r.Status != 204 {
		t.Fatalf("subscribe: %d %s", r.Status, r.Raw)
	}
	return s
}

// next waits for the next event; the bound only turns a hang into a failure.
func (s *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("the realtime connection ended")
		}
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no realtime event")
	}
	return sseEvent{}
}

// TestClosedRealtimeDeliversNoRecordToMembers subscribes the instance operator, an anonymous
// visitor and every kind of account (member, administrator, owner, disabled member,
// another organisation's owner) to Roster's collections, then
// changes members, invitations and the audit log through Roster's API. The operator's
// connection receives the changes (so the subscriptions and the changes are real); the
// others receive none. PocketBase decides who gets a record before the change's request
// answers (it runs the enrich hooks for each allowed subscriber then), so after that
// answer a marker sent down each connection is a fence: nothing may come before it.
func TestClosedRealtimeDeliversNoRecordToMembers(t *testing.T) {
	w := newClosedWorld(t)
	var mu sync.Mutex
	delivered := map[string]int{} // who a record was enriched for, on realtime
	w.app.OnRecordEnrich().BindFunc(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo != nil && e.RequestInfo.Context == core.RequestInfoContextRealtime {
			who := "anonymous"
			if e.RequestInfo.Auth != nil {
				who = e.RequestInfo.Auth.Collection().Name + "/" + e.RequestInfo.Auth.Id
			}
			mu.Lock()
			delivered[who]++
			mu.Unlock()
		}
		return e.Next()
	})
	topics := []string{"memberships", "memberships/*", "memberships/" + w.member.ID(), "users", "users/*", "users/" + w.member.User.Id,
		"auditLog", "auditLog/*", "invitations/*", "organizations/*", "mailOutbox/*", "_pb_users_auth_/*", "*"}
	operatorTok, err := w.superuser.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	operator := openRealtime(t, w.c, operatorTok, topics)
	watchers := map[string]*sseClient{}
	for _, a := range w.actors {
		watchers[a.name] = openRealtime(t, w.c, a.token, topics)
	}

	tok := w.owner.Token(t)
	for _, ch := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", "/members/" + w.member.ID(), map[string]any{"description": "Realtime"}},
		{"POST", "/members/" + w.member.ID() + "/role", map[string]any{"role": "admin"}},
		{"POST", "/invitations", map[string]any{"emails": []string{"realtime@example.net"}}},
		{"PATCH", "/settings", map[string]any{"name": "Acme Realtime"}},
	} {
		if r := w.c.Do(ch.method, w.url(ch.path), tok, ch.body); r.Status != 200 {
			t.Fatalf("%s %s: %d %s", ch.method, ch.path, r.Status, r.Raw)
		}
	}
	// The positive control: the operator sees each kind of change.
	seen := map[string]bool{}
	for !seen["users"] || !seen["memberships"] || !seen["invitations"] || !seen["organizations"] {
		ev := operator.next(t)
		var data struct {
			Record struct {
				CollectionName string `json:"collectionName"`
			} `json:"record"`
		}
		_ = json.Unmarshal([]byte(ev.data), &data)
		seen[data.Record.CollectionName] = true
	}
	for name, s := range watchers {
		client, err := w.app.SubscriptionsBroker().ClientById(s.id)
		if err != nil {
			t.Fatal(err)
		}
		client.Send(subscriptions.Message{Name: "fence", Data: []byte(`{}`)})
		for ev := s.next(t); ev.name != "fence"; ev = s.next(t) {
			t.Errorf("%s received %s: %.300s", name, ev.name, ev.data)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for who, n := range delivered {
		if !strings.HasPrefix(who, core.CollectionNameSuperusers+"/") {
			t.Errorf("%d records were prepared for %s's realtime connection", n, who)
		}
	}
	if delivered[core.CollectionNameSuperusers+"/"+w.superuser.Id] == 0 {
		t.Error("the operator's connection got nothing: the control failed")
	}
	t.Logf("operator saw %v; records prepared per subscriber: %v", seen, delivered)
}

// TestClosedFileURLs uploads an avatar and a logo through Roster's routes and fetches them
// through PocketBase's file route as outsiders. Both file fields are public by an
// unguessable URL (the record id and a random name suffix): that is recorded here, with
// what keeps them private enough — nobody can list them, a replaced or removed picture
// is gone at once, and a new file field has to be decided on (this test fails).
func TestClosedFileURLs(t *testing.T) {
	w := newClosedWorld(t)
	public := map[string]bool{"users.avatar": true, "organizations.logo": true}
	for _, col := range w.collections(t) {
		for _, f := range col.Fields {
			ff, ok := f.(*core.FileField)
			if !ok {
				continue
			}
			key := col.Name + "." + ff.Name
			if !public[key] {
				t.Errorf("file field %s is new: decide whether it is public by URL (and add it here) or Protected", key)
			} else if ff.Protected {
				t.Errorf("%s became Protected: update this test and the web app, which loads it without a file token", key)
			}
		}
	}
	cr := &crew{app: w.app, c: w.c}
	ownerTok := w.owner.Token(t)
	avatarOf := func(m *testapp.Member) string {
		u, err := w.app.FindRecordById("users", m.User.Id)
		if err != nil {
			t.Fatal(err)
		}
		return u.GetString("avatar")
	}
	if r := cr.form(t, "PATCH", w.url("/members/"+w.member.ID()), ownerTok, nil, pngBytes(t), "face.png"); r.Status != 200 {
		t.Fatalf("avatar: %d %s", r.Status, r.Raw)
	}
	if r := w.multipartPatch(t, ownerTok, nil, map[string][]byte{"logo": logoPNG(t, 0)}); r.Status != 200 {
		t.Fatalf("logo: %d %s", r.Status, r.Raw)
	}
	avatar, logo := avatarOf(w.member), w.orgRecord(t).GetString("logo")
	files := map[string]string{
		"avatar": "/api/files/_pb_users_auth_/" + w.member.User.Id + "/" + avatar,
		"logo":   "/api/files/organizations/" + w.org.ID + "/" + logo,
	}
	for what, name := range map[string]string{"avatar": avatar, "logo": logo} {
		// PocketBase names a file <base>_<10 random characters>.<ext>.
		i := strings.LastIndex(name, "_")
		if i < 0 || len(strings.TrimSuffix(name[i+1:], ".png")) < 10 {
			t.Errorf("the %s's stored name %q has no random suffix: its URL could be guessed", what, name)
		}
	}
	outsiderFileTok, _ := w.c.Do("POST", "/api/files/token", w.outsider.Token(t), nil).JSON["token"].(string)
	if outsiderFileTok == "" {
		t.Fatal("no file token for the outsider")
	}
	fetches := map[string]string{"anonymous": "", "other org's owner": w.outsider.Token(t)}
	names := map[string]string{"avatar": avatar, "logo": logo}
	for what, path := range files {
		name := names[what]
		dir := strings.TrimSuffix(path, name)
		for who, tok := range fetches {
			for _, q := range []string{"", "?thumb=100x100", "?token=" + outsiderFileTok} {
				r := send(t, w.c, "GET", path+q, tok, nil)
				if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "image/") {
					t.Errorf("%s %s%s as %s: %d %s — not the public-by-URL picture this test records", what, path, q, who, r.Status, r.Header.Get("Content-Type"))
				}
			}
			// Nothing lists them, and a name near the real one is not found.
			for _, p := range []string{dir, strings.TrimSuffix(dir, "/"), path + "x", dir + strings.ToUpper(name), dir + "thumbs_" + name + "/100x100_" + name} {
				if r := send(t, w.c, "GET", p, tok, nil); r.Status < 300 {
					t.Errorf("%s: %d %.200s", p, r.Status, r.Raw)
				}
			}
		}
	}
	t.Run("a replaced or removed picture is gone at once", func(t *testing.T) {
		old := files["avatar"]
		if r := cr.form(t, "PATCH", w.url("/members/"+w.member.ID()), ownerTok, nil, pngBytes(t), "new.png"); r.Status != 200 {
			t.Fatalf("avatar: %d %s", r.Status, r.Raw)
		}
		current := "/api/files/_pb_users_auth_/" + w.member.User.Id + "/" + avatarOf(w.member)
		if r := send(t, w.c, "GET", old, "", nil); r.Status != 404 {
			t.Errorf("the replaced avatar: %d", r.Status)
		}
		if r := w.c.Do("PATCH", w.url("/settings"), ownerTok, map[string]any{"logo": nil}); r.Status != 200 {
			t.Fatalf("logo removal: %d %s", r.Status, r.Raw)
		}
		if r := send(t, w.c, "GET", files["logo"], "", nil); r.Status != 404 {
			t.Errorf("the removed logo: %d", r.Status)
		}
		if r := w.c.Do("DELETE", w.url("/members/"+w.member.ID()), ownerTok, map[string]any{"revokeLicenses": true, "deleteContent": true}); r.Status != 200 {
			t.Fatalf("removal: %d %s", r.Status, r.Raw)
		}
		if r := send(t, w.c, "GET", current, "", nil); r.Status != 404 {
			t.Errorf("a removed member's avatar: %d", r.Status)
		}
	})
}

func TestUnknownAPIRouteIsJSON404(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	for _, m := range []string{"GET", "POST"} {
		r := c.Do(m, "/api/no/such/route", "", nil)
		if r.Status != 404 || r.JSON == nil {
			t.Fatalf("%s: %d %q", m, r.Status, r.Raw)
		}
	}
}

func TestWebAppHeaders(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	for _, path := range []string{"/", "/members", "/join/sometoken"} {
		r := c.Do("GET", path, "", nil)
		if r.Status != 200 || !strings.Contains(r.Raw, "<div id=\"app\"") {
			t.Fatalf("%s: %d %q", path, r.Status, r.Raw)
		}
		h := r.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
			h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("%s: headers %v", path, h)
		}
	}
}
