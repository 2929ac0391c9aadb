package api_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/demo"
	"roster/internal/security"
	"roster/internal/testapp"
)

// hiddenKeys are JSON keys no answer may carry: PocketBase's hidden fields and Roster's
// (pb_migrations: users' totpSecret, totpEnabled, totpLastStep, recoveryCodes,
// failedLogins, lockedUntil; invitations' tokenHash), as key and value. A field error
// (`"password":{"code":…}`) and the recovery codes shown once (a list) are not values.
var hiddenKeys = []string{`"tokenKey"`, `"password":"`, `"passwordHash"`, `"totpSecret"`, `"totpEnabled"`, `"totpLastStep"`,
	`"recoveryCodes":"`, `"recoveryCodes":{`, `"failedLogins"`, `"lockedUntil"`, `"tokenHash"`, `"secret":"`, `"temporaryPassword"`}

// hiddenColumns are the same names as a CSV header would spell them.
var hiddenColumns = []string{"tokenkey", "password", "totpsecret", "totpenabled", "totplaststep", "recoverycodes", "failedlogins",
	"lockeduntil", "tokenhash", "secret"}

// scanned is one answer kept for the scan, with the secret values and hidden keys it
// is the one place to show (a join link to its inviter, a temporary password to the
// administrator who reset it, an auth answer's own token).
type scanned struct {
	what  string
	body  string
	csv   bool
	allow map[string]bool
}

// scanner sends requests, keeps every answer, and remembers every secret the database
// holds at each point (sec.remember's users secrets, plus the operator's, invitation
// hashes, the collections' token secrets and the encryption key) and every secret seen
// in clear (TOTP seeds, recovery codes, join tokens, temporary and demo passwords).
type scanner struct {
	*sec
	answers []scanned
	sent    map[string]bool // "METHOD path" without the query
}

func (s *scanner) do(t *testing.T, method, path, token string, body any, allow ...string) testapp.Response {
	t.Helper()
	r := send(t, s.c, method, path, token, body)
	a := scanned{what: method + " " + path, body: r.Raw, allow: map[string]bool{},
		csv: strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv")}
	for _, v := range allow {
		a.allow[v] = true
	}
	if strings.Contains(path, "/audit") {
		// The audit log records enrolments as {"totpEnabled": true, "recoveryCodes": 10}:
		// the flag's change, which its viewers see as the member's mfaEnabled anyway.
		a.allow[`"totpEnabled"`] = true
	}
	s.answers = append(s.answers, a)
	p, _, _ := strings.Cut(path, "?")
	s.sent[method+" "+p] = true
	if r.Status >= 500 {
		t.Errorf("%s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
	if method != "GET" {
		s.gather(t)
	}
	return r
}

// must is do for a step of the scenario, which has to succeed.
func (s *scanner) must(t *testing.T, method, path, token string, body any, allow ...string) testapp.Response {
	t.Helper()
	r := s.do(t, method, path, token, body, allow...)
	if r.Status >= 300 {
		t.Fatalf("%s %s: %d %.300s", method, path, r.Status, r.Raw)
	}
	return r
}

// gather adds the secrets the database holds now.
func (s *scanner) gather(t *testing.T) {
	t.Helper()
	s.remember(t)
	for _, q := range []string{"SELECT tokenKey AS a, password AS b FROM _superusers", "SELECT tokenHash AS a, '' AS b FROM invitations"} {
		var rows []struct {
			A string `db:"a"`
			B string `db:"b"`
		}
		if err := s.app.DB().NewQuery(q).All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			s.secrets[r.A] = "stored secret (" + q + ")"
			s.secrets[r.B] = "stored secret (" + q + ")"
		}
	}
	var sealed []string
	if err := s.app.DB().NewQuery("SELECT totpSecret FROM users WHERE totpSecret != ''").Column(&sealed); err != nil {
		t.Fatal(err)
	}
	for _, v := range sealed {
		s.secrets[strings.TrimPrefix(v, "v1:")] = "sealed totpSecret"
	}
	for _, name := range []string{"users", core.CollectionNameSuperusers} {
		col, err := s.app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for what, v := range map[string]string{"auth": col.AuthToken.Secret, "file": col.FileToken.Secret, "verification": col.VerificationToken.Secret,
			"passwordReset": col.PasswordResetToken.Secret, "emailChange": col.EmailChangeToken.Secret} {
			s.secrets[v] = name + " " + what + " token secret"
		}
	}
	if raw, err := os.ReadFile(filepath.Join(s.app.DataDir(), security.KeyFile)); err == nil {
		k, err := security.ParseKey(strings.TrimSpace(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{strings.TrimSpace(string(raw)), hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k),
			base64.RawURLEncoding.EncodeToString(k), string(k)} {
			s.secrets[v] = "encryption key"
		}
	}
	delete(s.secrets, "")
}

// check fails for every answer that holds a secret it is not the place for, or a
// hidden key. Secrets are found by a 12-byte fingerprint, so that a few hundred of them
// are looked for in thousands of answers in one pass each.
func (s *scanner) check(t *testing.T) {
	t.Helper()
	const fp = 12
	byPrint := map[string][]string{}
	for v := range s.secrets {
		if len(v) < fp {
			t.Fatalf("a %s is shorter than the fingerprint: %q", s.secrets[v], v)
		}
		byPrint[v[:fp]] = append(byPrint[v[:fp]], v)
	}
	failures, expected := 0, 0
	fail := func(format string, args ...any) {
		t.Helper()
		if failures++; failures <= 40 {
			t.Errorf(format, args...)
		}
	}
	for _, a := range s.answers {
		for i := 0; i+fp <= len(a.body); i++ {
			for _, v := range byPrint[a.body[i:i+fp]] {
				switch {
				case !strings.HasPrefix(a.body[i:], v):
				case a.allow[v]:
					expected++
				default:
					fail("%s holds a %s: %.300s", a.what, s.secrets[v], a.body)
				}
			}
		}
		for _, k := range hiddenKeys {
			if strings.Contains(a.body, k) && !a.allow[k] {
				fail("%s holds the hidden key %s: %.300s", a.what, k, a.body)
			}
		}
		if a.csv {
			header, _, _ := strings.Cut(strings.ToLower(a.body), "\n")
			for _, col := range strings.Split(header, ",") {
				for _, h := range hiddenColumns {
					if strings.Contains(col, h) {
						fail("%s has the column %q", a.what, col)
					}
				}
			}
		}
	}
	if failures > 40 {
		t.Errorf("… and %d more", failures-40)
	}
	// The answers that are the place for a secret (join links to their inviter, a
	// temporary password) hold it: the search works.
	if expected == 0 {
		t.Error("no secret found even where it belongs: the search is broken")
	}
}

// scanActor is someone whose every read is scanned; token "" is anonymous.
type scanActor struct {
	name  string
	token string
}

// TestScanFindsNoHiddenFieldInThousandsOfAnswers seeds an organisation of 200 members (every
// role, user type and status, TOTP on some, a restricted session, invitations,
// content, payment methods, invoices), changes it through every kind of write, and
// reads every readable route as the owner, an administrator, a member, a disabled
// member, a restricted member, another organisation's owner and anonymously. No answer
// may hold a hidden key or a stored secret's value.
func TestScanFindsNoHiddenFieldInThousandsOfAnswers(t *testing.T) {
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	s := &scanner{sec: &sec{crew: &crew{app: app, c: testapp.Serve(t, app)}, secrets: map[string]string{}}, sent: map[string]bool{}}
	const demoPassword = "scan demo password 42"
	res, err := demo.Run(app, demo.Options{Org: "scan", Members: 200, Seed: 10, Password: demoPassword})
	if err != nil {
		t.Fatal(err)
	}
	org := res.Org.Id
	other := testapp.CreateOrg(t, app, "Other", "")
	su := core.NewRecord(mustCollection(t, app, core.CollectionNameSuperusers))
	su.SetEmail("operator@example.com")
	su.SetPassword("operator password 1")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	s.secrets[demoPassword] = "demo password"
	s.secrets[testapp.Password] = "seeded password"
	s.secrets["operator password 1"] = "operator password"

	// The people: the owner and some of each kind, from the seeded rows.
	pick := func(where string, n int) []*testapp.Member {
		t.Helper()
		var ids []string
		err := app.DB().NewQuery("SELECT m.id FROM memberships m JOIN users u ON u.id = m.user WHERE m.org = {:org} AND " + where +
			" ORDER BY u.username LIMIT {:n}").Bind(dbx.Params{"org": org, "n": n}).Column(&ids)
		if err != nil || len(ids) < n {
			t.Fatalf("%d members where %s: %v", len(ids), where, err)
		}
		var out []*testapp.Member
		for _, id := range ids {
			m, err := app.FindRecordById("memberships", id)
			if err != nil {
				t.Fatal(err)
			}
			u, err := app.FindRecordById("users", m.GetString("user"))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, &testapp.Member{User: u, Membership: m, Email: u.Email(), Password: demoPassword})
		}
		return out
	}
	owner := pick("m.role = 'owner'", 1)[0]
	admin := pick("m.role = 'admin' AND m.status = 'active'", 1)[0]
	disabled := pick("m.status = 'disabled'", 1)[0]
	enrolled := pick("m.role = 'member' AND m.status = 'active' AND m.userType IN ('creator', 'professional') AND u.lastLogin != ''", 5)
	member := enrolled[0]
	url := func(p string) string { return "/api/orgs/" + org + p }
	ownerTok := owner.Token(t)

	// Seeding through the API: settings, TOTP, invitations, content, billing.
	s.must(t, "PATCH", url("/settings"), ownerTok, map[string]any{"mfaEnabled": true, "creditBudgeting": true, "creditsPool": 100000,
		"reportSections": map[string]any{"admin": []string{"seats", "members", "signins", "credits", "invitations"}, "member": []string{"members", "signins"}}})
	totpSecrets := map[*testapp.Member]string{}
	for _, m := range append(enrolled, admin) {
		secret, codes := s.enrol(t, m, m.Token(t))
		totpSecrets[m] = secret
		s.secrets[secret] = "TOTP secret in clear"
		for _, c := range codes {
			s.secrets[c] = "recovery code in clear"
		}
	}
	s.gather(t)
	var tokens []string // live join tokens
	r := s.must(t, "POST", url("/invitations"), ownerTok, map[string]any{"emails": []string{"scan1@example.net", "scan2@example.net", "scan3@example.net"}})
	var invIDs []string
	for _, row := range invRows(r) {
		inv := row["invitation"].(map[string]any)
		invIDs = append(invIDs, inv["id"].(string))
		tokens = append(tokens, tokenOf(inv["link"].(string)))
	}
	s.answers[len(s.answers)-1].allowAll(tokens)
	r = s.must(t, "POST", url("/invitations/"+invIDs[0]+"/resend"), ownerTok, nil)
	tokens[0] = tokenOf(r.JSON["link"].(string))
	s.answers[len(s.answers)-1].allowAll(tokens[:1])
	s.must(t, "DELETE", url("/invitations/"+invIDs[1]), ownerTok, nil)
	s.must(t, "POST", url("/invitations"), ownerTok, map[string]any{"emails": "dry@example.net, bad-address", "dryRun": true})
	for _, tok := range tokens {
		s.secrets[tok] = "join token"
	}
	s.do(t, "GET", "/api/invitations/"+tokens[0], "", nil)
	s.do(t, "GET", "/api/invitations/"+tokens[2], "", nil)
	joined := s.must(t, "POST", "/api/invitations/"+tokens[2]+"/accept", "", map[string]any{"username": "scan.joiner", "givenName": "Joël",
		"familyName": "Scan", "password": "joiner password 42", "language": "fr"})
	s.answers[len(s.answers)-1].allow[joined.JSON["token"].(string)] = true
	s.secrets["joiner password 42"] = "joiner's password"

	card := idOf(t, s.must(t, "POST", url("/payment-methods"), ownerTok, visa))
	sepa := idOf(t, s.must(t, "POST", url("/payment-methods"), ownerTok, map[string]any{"kind": "sepa", "label": "Compte", "holder": "Scan SA", "last4": "1234"}))
	s.must(t, "PATCH", url("/payment-methods/"+sepa), ownerTok, map[string]any{"label": "Compte courant"})
	var invoices []string
	for range 2 {
		inv, err := billing.ClosePeriod(app, org, time.Now().UTC(), true, audit.ActorSystem)
		if err != nil {
			t.Fatal(err)
		}
		invoices = append(invoices, inv.ID)
	}
	s.must(t, "POST", url("/invoices/"+invoices[0]+"/pay"), ownerTok, map[string]any{"paymentMethod": card})

	item := idOf(t, s.must(t, "POST", url("/items"), member.Token(t), map[string]any{"kind": "dataset", "title": "Scan data", "sharing": "private"}))
	s.must(t, "PATCH", url("/items/"+item), member.Token(t), map[string]any{"title": "Scan data 2"})
	group := idOf(t, s.must(t, "POST", url("/groups"), member.Token(t), map[string]any{"title": "Scanners"}))
	s.must(t, "POST", url("/groups/"+group+"/members"), member.Token(t), map[string]any{"add": []string{enrolled[1].ID()}})
	s.must(t, "PATCH", url("/groups/"+group), member.Token(t), map[string]any{"title": "Scanners 2"})
	lic := idOf(t, s.must(t, "POST", url("/licenses"), ownerTok, map[string]any{"code": "SCAN", "name": "Scan", "compatibleTypes": []string{"viewer", "contributor", "creator", "professional"}, "seats": 50}))
	s.must(t, "POST", url("/licenses/"+lic+"/assign"), admin.Token(t), map[string]any{"members": []string{member.ID(), enrolled[1].ID()}})
	s.must(t, "POST", url("/licenses/"+lic+"/revoke"), admin.Token(t), map[string]any{"members": []string{enrolled[1].ID()}})
	s.must(t, "PATCH", url("/licenses/"+lic), admin.Token(t), map[string]any{"seats": 60})

	// Member changes, each answering the member as they now are.
	target := enrolled[2]
	m := func(p string) string { return url("/members/" + target.ID() + p) }
	s.must(t, "PATCH", m(""), admin.Token(t), map[string]any{"description": "Scanned", "visibility": "private"})
	s.must(t, "POST", m("/credits"), admin.Token(t), map[string]any{"allocated": 5000})
	s.must(t, "POST", url("/credits/consume"), target.Token(t), map[string]any{"amount": 3})
	s.must(t, "POST", m("/partner-access"), admin.Token(t), map[string]any{"enabled": true})
	s.must(t, "POST", m("/user-type"), admin.Token(t), map[string]any{"userType": "professional"})
	s.must(t, "POST", m("/role"), ownerTok, map[string]any{"role": "admin"})
	s.must(t, "POST", m("/role"), ownerTok, map[string]any{"role": "member"})
	s.must(t, "POST", m("/disable"), admin.Token(t), nil)
	s.must(t, "POST", m("/enable"), admin.Token(t), nil)
	s.must(t, "POST", url("/members/bulk"), admin.Token(t), map[string]any{"action": "disable", "ids": []string{enrolled[3].ID(), disabled.ID()}, "skipIneligible": true})
	s.must(t, "POST", url("/members/bulk"), admin.Token(t), map[string]any{"action": "enable", "ids": []string{enrolled[3].ID()}})
	s.must(t, "POST", url("/members/"+enrolled[3].ID()+"/disable-mfa"), ownerTok, nil)
	restricted := enrolled[4]
	r = s.must(t, "POST", url("/members/"+restricted.ID()+"/reset-password"), admin.Token(t), nil)
	if tmp, _ := r.JSON["temporaryPassword"].(string); tmp != "" {
		s.secrets[tmp] = "temporary password"
		s.answers[len(s.answers)-1].allowAll([]string{tmp, `"temporaryPassword"`})
	}
	s.do(t, "PATCH", url("/members/"+member.ID()), member.Token(t), map[string]any{"email": "not.allowed@example.net"})
	s.must(t, "PATCH", "/api/account/profile", member.Token(t), map[string]any{"description": "Mine"})

	// Sign-ins: password, the TOTP step, a recovery code, a refresh, a password change.
	signIn := func(who *testapp.Member, password string) testapp.Response {
		r := s.do(t, "POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": who.Email, "password": password})
		if tok, _ := r.JSON["token"].(string); tok != "" {
			s.answers[len(s.answers)-1].allow[tok] = true
		}
		return r
	}
	for _, who := range []*testapp.Member{owner, disabled, restricted, admin, member} {
		signIn(who, demoPassword)
		signIn(who, "wrong password")
	}
	for _, who := range []*testapp.Member{admin, member} {
		s.forgetSteps(t, who)
		d, _ := signIn(who, demoPassword).JSON["data"].(map[string]any)
		mfa, _ := d["mfaId"].(string)
		s.do(t, "POST", "/api/auth/totp", "", map[string]string{"mfaId": mfa, "code": "000000"})
		r := s.must(t, "POST", "/api/auth/totp", "", map[string]string{"mfaId": mfa, "code": code(t, totpSecrets[who])})
		s.answers[len(s.answers)-1].allow[r.JSON["token"].(string)] = true
	}
	s.do(t, "POST", "/api/collections/users/auth-refresh", member.Token(t), nil)
	pw := s.must(t, "POST", "/api/account/password", enrolled[1].Token(t), map[string]any{"oldPassword": demoPassword, "password": "changed password 42"})
	s.answers[len(s.answers)-1].allow[pw.JSON["token"].(string)] = true
	s.secrets["changed password 42"] = "new password"
	s.do(t, "POST", "/api/collections/users/request-password-reset", "", map[string]string{"email": member.Email})

	// The readers, with tokens minted now (resets and password changes ended older ones).
	fresh := func(m *testapp.Member) string {
		u, err := app.FindRecordById("users", m.User.Id)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := u.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	actors := []scanActor{{"owner", fresh(owner)}, {"admin", fresh(admin)}, {"member", fresh(member)}, {"disabled member", fresh(disabled)},
		{"restricted member", fresh(restricted)}, {"other org's owner", other.Owner.Token(t)}, {"anonymous", ""}}

	var memberIDs, itemIDs, groupIDs, invoiceIDs []string
	column := func(q string, dst *[]string) {
		if err := app.DB().NewQuery(q).Bind(dbx.Params{"org": org}).Column(dst); err != nil {
			t.Fatal(err)
		}
	}
	column("SELECT id FROM memberships WHERE org = {:org} ORDER BY id", &memberIDs)
	column("SELECT id FROM items WHERE org = {:org} ORDER BY id LIMIT 120", &itemIDs)
	column("SELECT id FROM groups WHERE org = {:org} ORDER BY id", &groupIDs)
	column("SELECT id FROM invoices WHERE org = {:org} ORDER BY id", &invoiceIDs)
	reads := []string{"/api/me", "/api/setup", url(""), url("/members.csv"), url("/seats"), url("/members.csv?status=disabled&sort=-lastLogin"),
		url("/items"), url("/items?kind=map"), url("/items?search=a&perPage=200"), url("/groups"), url("/groups?member=me"), url("/licenses"),
		url("/invitations"), url("/invitations?status=pending"), url("/invitations?search=scan"), url("/invoices"),
		url("/payment-methods"), url("/subscription"), url("/credits"), url("/credits?limit=200"), url("/settings"),
		url("/settings/mfa-compliance"), url("/settings/mfa-compliance?perPage=200"), url("/reports"),
		url("/audit"), url("/audit?perPage=200"), url("/audit?action=members.changeRole"), url("/audit?target=" + target.ID()),
		url("/audit.csv"), url("/audit/verify"), url("/audit?lang=fr"), url("/outbox"), url("/outbox?perPage=200"), url("/outbox?page=2"),
		"/api/invitations/" + tokens[0]}
	for _, q := range []string{"", "?perPage=200", "?page=2", "?page=4&perPage=50", "?skipTotal=true", "?role=admin", "?role=owner",
		"?userType=viewer", "?userType=professional&status=active", "?status=disabled", "?neverSignedIn=true", "?search=ma",
		"?search=dupr", "?search=%C3%A9", "?creditsMin=10", "?creditsMax=100", "?lastLoginBefore=2026-06-01", "?lastLoginAfter=2025-01-01",
		"?group=" + groupIDs[0], "?license=" + lic} {
		reads = append(reads, url("/members"+q))
	}
	for _, key := range []string{"name", "username", "email", "role", "userType", "added", "lastLogin", "creditsRemaining"} {
		reads = append(reads, url("/members?perPage=100&sort="+key), url("/members?perPage=100&sort=-"+key))
	}
	for _, sec := range []string{"seats", "members", "signins", "credits", "invitations"} {
		reads = append(reads, url("/reports?sections="+sec))
	}
	for _, id := range memberIDs {
		reads = append(reads, url("/members/"+id))
	}
	for _, id := range memberIDs[:60] {
		reads = append(reads, url("/members/"+id+"/removal"))
	}
	for _, id := range itemIDs {
		reads = append(reads, url("/items/"+id))
	}
	for _, id := range groupIDs {
		reads = append(reads, url("/groups/"+id))
	}
	for _, id := range invoiceIDs {
		reads = append(reads, url("/invoices/"+id), url("/invoices/"+id+".html"))
	}
	for _, a := range actors {
		for _, p := range reads {
			s.do(t, "GET", p, a.token, nil)
		}
		// The audit log page by page, as far as the keyset goes.
		for cursor, pages := "", 0; pages < 10; pages++ {
			r := s.do(t, "GET", url("/audit?perPage=20"+cursor), a.token, nil)
			next, ok := r.JSON["nextCursor"].(float64)
			if !ok {
				break
			}
			cursor = fmt.Sprintf("&cursor=%d", int64(next))
		}
	}
	// Writes that end things, last: a removal and a departure.
	s.must(t, "DELETE", url("/members/"+enrolled[1].ID()), fresh(owner), map[string]any{"revokeLicenses": true, "deleteContent": true})
	s.must(t, "POST", url("/leave"), fresh(enrolled[3]), map[string]any{"deleteContent": true, "revokeLicenses": true})
	s.gather(t)

	// Every readable route was read.
	routes := rosterRoutes(t, app)
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		if method != "GET" || !strings.HasPrefix(pattern, "/api/") || strings.Contains(pattern, "...}") {
			continue // the web app's files are no data
		}
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(pattern), `[^/]+`) + "$")
		hit := false
		for sent := range s.sent {
			if m, p, _ := strings.Cut(sent, " "); m == "GET" && re.MatchString(p) {
				hit = true
				break
			}
		}
		if !hit {
			t.Errorf("GET %s was never read: add it to the scan", pattern)
		}
	}

	s.check(t)
	kinds := map[string]int{}
	for _, v := range s.secrets {
		kinds[v]++
	}
	var summary []string
	for k, n := range kinds {
		summary = append(summary, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(summary)
	var bytes int
	for _, a := range s.answers {
		bytes += len(a.body)
	}
	if len(s.answers) < 2000 {
		t.Errorf("only %d answers scanned", len(s.answers))
	}
	t.Logf("%d answers (%d KB) scanned for %d secret values (%s) and %d hidden keys", len(s.answers), bytes>>10, len(s.secrets),
		strings.Join(summary, ", "), len(hiddenKeys))
}

func (a *scanned) allowAll(values []string) {
	for _, v := range values {
		a.allow[v] = true
	}
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
