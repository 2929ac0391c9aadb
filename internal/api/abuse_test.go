package api_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/api"
	"roster/internal/members"
	"roster/internal/orgsettings"
	"roster/internal/security"
	"roster/internal/testapp"
)

// signInRaw is one password sign-in, optionally from a client address a trusted proxy
// reports (X-Forwarded-For); it answers the status and the body.
func signInRaw(t *testing.T, c *testapp.Client, identity, password, from string) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, identity, password)
	req, err := http.NewRequest("POST", c.URL+"/api/collections/users/auth-with-password", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	req.Header.Set("Content-Type", "application/json")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// TestPasswordSprayingIsRateLimited: one wrong password against each of 35 accounts at
// once from one address. The instance's sign-in rule (*:auth, 10 per 10 s per address,
// see the settings migration) lets ten through, each a generic failure, and answers
// the 25 others 429 before any password is compared; no account is locked by it.
func TestPasswordSprayingIsRateLimited(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	var accounts []*testapp.Member
	for range 35 {
		accounts = append(accounts, testapp.AddMember(t, app, org, access.RoleMember, access.Viewer))
	}
	statuses := make([]int, len(accounts))
	bodies := make([]string, len(accounts))
	var wg sync.WaitGroup
	for i, m := range accounts {
		wg.Go(func() { statuses[i], bodies[i] = signInRaw(t, c, m.Email, "Spring2026!", "") })
	}
	wg.Wait()
	failed, limited := 0, 0
	for i, s := range statuses {
		switch {
		case s == 400 && strings.Contains(bodies[i], "Failed to authenticate"):
			failed++
		case s == 429:
			limited++
		default:
			t.Errorf("account %d: %d %s", i, s, bodies[i])
		}
	}
	if failed != 10 || limited != 25 {
		t.Errorf("%d generic failures and %d answers 429, want 10 and 25", failed, limited)
	}
	for _, m := range accounts {
		u, err := app.FindRecordById("users", m.User.Id)
		if err != nil {
			t.Fatal(err)
		}
		if n := u.GetInt("failedLogins"); n > 1 || security.Locked(u, time.Now()) {
			t.Errorf("%s: %d failures, locked %v after one wrong password", m.Email, n, security.Locked(u, time.Now()))
		}
	}
}

// TestGuessingOneAccountFromManyAddressesLocksIt: the address limit does not protect an
// account guessed from a botnet (each guess from its own address, through a trusted
// proxy): the account lockout does. After ten wrong guesses the right password gets
// the very answer a wrong one gets, and so does an unknown account; an eleventh guess
// from one address is refused by the limit first.
func TestGuessingOneAccountFromManyAddressesLocksIt(t *testing.T) {
	app := testapp.New(t)
	t.Setenv("ROSTER_TRUSTED_PROXIES", "127.0.0.1/32") // the test client is the proxy (docs/operations.md)
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	var generic string
	for i := range 10 {
		s, body := signInRaw(t, c, m.Email, fmt.Sprintf("guess %d", i), fmt.Sprintf("198.51.100.%d", i+1))
		if s != 400 {
			t.Fatalf("guess %d from its own address: %d %s", i, s, body)
		}
		generic = body
	}
	u, err := app.FindRecordById("users", m.User.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !security.Locked(u, time.Now()) {
		t.Fatalf("ten wrong guesses from ten addresses: not locked (%d failures)", u.GetInt("failedLogins"))
	}
	if s, body := signInRaw(t, c, m.Email, m.Password, "198.51.100.200"); s != 400 || body != generic {
		t.Errorf("the right password on the locked account: %d %s, want %s", s, body, generic)
	}
	if s, body := signInRaw(t, c, "nobody@example.com", "guess", "198.51.100.201"); s != 400 || body != generic {
		t.Errorf("an unknown account: %d %s, want %s", s, body, generic)
	}
	statuses := []int{}
	for i := range 11 {
		s, _ := signInRaw(t, c, m.Email, fmt.Sprintf("guess %d", i), "203.0.113.7")
		statuses = append(statuses, s)
	}
	if statuses[10] != 429 {
		t.Errorf("eleven guesses from one address: %v, want the last refused 429", statuses)
	}
}

// TestUnknownAndKnownAccountsAnswerAlike: a wrong password for an existing account and
// any password for an unknown one get byte-identical answers, and both pay a bcrypt
// comparison (PocketBase's dummy check for the unknown one): their median times over
// 21 interleaved tries are within a factor of two, a bound noise does not reach and a
// path without bcrypt (about a hundred times faster) could not meet.
func TestUnknownAndKnownAccountsAnswerAlike(t *testing.T) {
	app := testapp.New(t)
	app.Settings().RateLimits.Enabled = false
	c := testapp.Serve(t, app)
	org := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	var known, unknown []time.Duration
	var knownBody, unknownBody string
	for i := range 21 {
		start := time.Now()
		s, body := signInRaw(t, c, m.Email, fmt.Sprintf("wrong %d", i%5), "")
		known = append(known, time.Since(start))
		if s != 400 {
			t.Fatalf("known account: %d %s", s, body)
		}
		knownBody = body
		start = time.Now()
		s, body = signInRaw(t, c, fmt.Sprintf("nobody%d@example.com", i), "wrong", "")
		unknown = append(unknown, time.Since(start))
		if s != 400 || body != knownBody {
			t.Fatalf("unknown account: %d %s, want %s", s, body, knownBody)
		}
		unknownBody = body
		if i%5 == 4 { // stay below the lockout: a success resets the count
			if tok, r := c.SignIn(m.Email, m.Password); tok == "" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	k, u := median(known), median(unknown)
	t.Logf("medians: known account %v, unknown account %v; answer %s", k, u, unknownBody)
	if u < k/2 || u > 2*k {
		t.Errorf("an unknown account answers in %v (median), a known one in %v: not comparable", u, k)
	}
}

// sizedJSON is a JSON object of exactly n bytes (n ≥ 18).
func sizedJSON(n int) []byte {
	return []byte(`{"description":"` + strings.Repeat("a", n-18) + `"}`)
}

// uploadRouteLimits are the routes that take a file, and the most each reads; every
// other Roster route reads at most api.MaxJSONBody.
var uploadRouteLimits = map[string]int{
	"PATCH /api/orgs/{org}/members/{id}": members.MaxAvatarSize + 1<<20,
	"PATCH /api/account/profile":         members.MaxAvatarSize + 1<<20,
	"POST /api/orgs/{org}/invitations":   2 << 20,
	"PATCH /api/orgs/{org}/settings":     orgsettings.MaxLogoSize + 1<<20,
}

// TestOversizedBodiesAre413: every write route refuses a body one byte over its limit
// with 413 (the JSON error), before reading it, and takes one at the limit (whatever
// it then answers, it is not 413 and not a 5xx).
func TestOversizedBodiesAre413(t *testing.T) {
	w := newFuzzWorld(t)
	routes := w.writeRoutes(t)
	for _, rt := range routes {
		limit := api.MaxJSONBody
		if n, ok := uploadRouteLimits[rt.method+" "+rt.pattern]; ok {
			limit = n
		}
		tok := ""
		if !rt.public {
			tok = w.token(t)
		}
		what := rt.method + " " + rt.pattern
		res := exchange(t, w.c.URL, rt.method, w.path(t, rt.pattern), tok, "application/json", sizedJSON(limit+1), lastRequest)
		checkFraming(t, what, res)
		if checkAnswer(t, what, res[0].status, res[0].contentType, res[0].body); res[0].status != 413 {
			t.Errorf("%s with %d bytes: %d %.200s, want 413", what, limit+1, res[0].status, res[0].body)
		}
		res = exchange(t, w.c.URL, rt.method, w.path(t, rt.pattern), tok, "application/json", sizedJSON(limit), lastRequest)
		checkFraming(t, what, res)
		if checkAnswer(t, what, res[0].status, res[0].contentType, res[0].body); res[0].status == 413 {
			t.Errorf("%s with %d bytes (the limit): 413", what, limit)
		}
		if res[0].status < 300 {
			w.reseed(t)
		}
	}
	t.Logf("%d write routes refuse one byte over their limit", len(routes))
}

// TestOversizedFiles: a picture, a logo or a CSV over its own maximum but within the
// route's body limit is a 400 naming its field (the form is read, the file judged);
// over the body limit it is a 413 before anything is read.
func TestOversizedFiles(t *testing.T) {
	w := newFuzzWorld(t)
	pad := func(n int) []byte { return append(slices.Clone(tinyPNG), bytes.Repeat([]byte{0}, n-len(tinyPNG))...) }
	multipartOf := func(field, name string, data []byte) ([]byte, string) {
		body, ct := avatarForm(data, name, "image/png")
		return bytes.Replace(body, []byte(`name="avatar"`), []byte(`name="`+field+`"`), 1), ct
	}
	cases := []struct {
		name, method, pattern, field, file string
		size                               int
		status                             int
	}{
		{"a picture over 5 MB", "PATCH", "/api/orgs/{org}/members/{id}", "avatar", "me.png", members.MaxAvatarSize + 1, 400},
		{"a picture over the route's limit", "PATCH", "/api/orgs/{org}/members/{id}", "avatar", "me.png", members.MaxAvatarSize + 1<<20, 413},
		{"one's own picture over 5 MB", "PATCH", "/api/account/profile", "avatar", "me.png", members.MaxAvatarSize + 1, 400},
		{"a logo over 2 MB", "PATCH", "/api/orgs/{org}/settings", "logo", "logo.png", orgsettings.MaxLogoSize + 1, 400},
		{"a logo over the route's limit", "PATCH", "/api/orgs/{org}/settings", "logo", "logo.png", orgsettings.MaxLogoSize + 1<<20, 413},
		{"a CSV over 1 MB", "POST", "/api/orgs/{org}/invitations", "file", "people.csv", 1<<20 + 1, 400},
		{"a CSV over the route's limit", "POST", "/api/orgs/{org}/invitations", "file", "people.csv", 2 << 20, 413},
	}
	for _, c := range cases {
		data := pad(c.size)
		if c.field == "file" {
			data = append([]byte("email\n"), bytes.Repeat([]byte("a@x.org\n"), c.size/8)...)[:c.size]
		}
		body, ct := multipartOf(c.field, c.file, data)
		res := exchange(t, w.c.URL, c.method, w.path(t, c.pattern), w.token(t), ct, body, lastRequest)
		checkFraming(t, c.name, res)
		status, raw := res[0].status, res[0].body
		errData := checkAnswer(t, c.name, status, res[0].contentType, raw)
		if status != c.status || c.status == 400 && errData[c.field] == nil {
			t.Errorf("%s (%d bytes): %d %.300s, want %d", c.name, len(body), status, raw, c.status)
		}
	}
}

// answer is one response read off a connection.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// lastRequest asks for the health check and the end of the connection: sent after a
// request whose body the server reads whole, it ends an exchange.
var lastRequest = []byte("GET /api/health HTTP/1.1\r\nHost: roster\r\nConnection: close\r\n\r\n")

// checkFraming fails when an exchange ended by lastRequest got other answers than the
// request's own and, if the connection was kept, the health check's.
func checkFraming(t *testing.T, what string, res []answer) {
	t.Helper()
	if len(res) > 2 || len(res) == 2 && !bytes.Contains(res[1].body, []byte("healthy")) {
		t.Errorf("%s: %d answers, the last %d %.100s: the body was read as requests", what, len(res), res[len(res)-1].status, res[len(res)-1].body)
	}
}

// exchange writes one request on a connection of its own, as a client that sends its
// whole body before reading (whatever the server answers early), then the bytes of
// after (more requests, the last with Connection: close), and answers every response
// the server writes on that connection until it closes it.
func exchange(t *testing.T, baseURL, method, path, token, contentType string, body, after []byte) []answer {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: roster\r\nAuthorization: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			method, path, token, contentType, len(body))
		conn.Write(body)
		conn.Write(after)
	}()
	if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var out []answer
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			break // the server closed the connection (or reset it, with the body unread)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		out = append(out, answer{res.StatusCode, res.Header.Get("Content-Type"), raw})
	}
	if len(out) == 0 {
		t.Fatalf("%s %s: no answer", method, path)
	}
	return out
}

// TestAnUnreadBodyCannotSmuggleARequest: a body the server does not read (a route that
// takes none, a 413, a PocketBase route that stops at bad JSON) that is itself a
// request, padded past what net/http drains, gets one answer and the connection ends:
// the body is never read as a second request. A small body keeps the connection.
func TestAnUnreadBodyCannotSmuggleARequest(t *testing.T) {
	w := newFuzzWorld(t)
	smuggled := []byte("GET /api/health?smuggled HTTP/1.1\r\nHost: roster\r\nX-Pad: " + strings.Repeat("a", 300<<10) + "\r\n\r\n")
	for _, route := range []string{"DELETE /api/orgs/{org}/groups/{id}", "POST /api/orgs/{org}/items",
		"POST /api/orgs/{org}/leave", "POST /api/collections/users/auth-with-password"} {
		method, pattern, _ := strings.Cut(route, " ")
		for _, body := range [][]byte{smuggled, append(slices.Clone(smuggled), make([]byte, api.MaxJSONBody)...)} {
			res := exchange(t, w.c.URL, method, w.path(t, pattern), w.token(t), "application/json", body, nil)
			if len(res) != 1 {
				t.Errorf("%s with a %d-byte body that is a request: %d answers, the last %d %.100s", route, len(body), len(res),
					res[len(res)-1].status, res[len(res)-1].body)
			}
			w.reseed(t)
		}
	}
	res := exchange(t, w.c.URL, "DELETE", w.path(t, "/api/orgs/{org}/groups/{id}"), w.token(t), "application/json",
		[]byte("GET /api/health?small HTTP/1.1\r\nHost: roster\r\n\r\n"),
		lastRequest)
	if len(res) != 2 || res[0].status != 204 || res[1].status != 200 {
		t.Errorf("a small unread body, then a request on the same connection: %d answers %v", len(res), res)
	}
}

// serveForReal runs app through PocketBase's own serve (its http.Server and timeouts,
// Roster's OnServe hooks) on a loopback port until the test ends; it answers the base
// URL and the server as the hooks left it.
func serveForReal(t *testing.T, app core.App) (string, *http.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var server *http.Server
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Listener = ln
		se.InstallerFunc = nil
		server = se.Server
		return se.Next()
	})
	done := make(chan error, 1)
	go func() { done <- apis.Serve(app, apis.ServeConfig{HttpAddr: ln.Addr().String()}) }()
	base := "http://" + ln.Addr().String()
	for range 500 {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, server
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the server did not answer /api/health")
	return "", nil
}

// TestSlowClientsDoNotBlockOthers: 50 connections dribble a request one byte at a
// time (25 in their headers, slowloris; 25 in the body of a write), and meanwhile
// another client reads and writes normally: each of its requests completes (a generous
// 5 s deadline, a liveness check). The server behind it is PocketBase's serve, whose
// header timeout Roster shortens (api.ReadHeaderTimeout): a slow client is dropped
// after it.
func TestSlowClientsDoNotBlockOthers(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	m := testapp.AddMember(t, app, org, access.RoleMember, access.Creator)
	base, server := serveForReal(t, app)
	if server.ReadHeaderTimeout != api.ReadHeaderTimeout || server.ReadTimeout <= 0 {
		t.Errorf("server timeouts: headers %v, whole request %v; want headers %v", server.ReadHeaderTimeout, server.ReadTimeout, api.ReadHeaderTimeout)
	}
	tok := org.Owner.Token(t)
	host := strings.TrimPrefix(base, "http://")
	body := `{"kind":"map","title":"Slow"}`
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 50 {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		var msg string
		if i%2 == 0 {
			msg = "GET /api/me HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + tok + "\r\nX-Padding: " + strings.Repeat("x", 200) + "\r\n\r\n"
		} else {
			msg = "POST /api/orgs/" + org.ID + "/items HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + tok +
				"\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n"
			if _, err := io.WriteString(conn, msg); err != nil {
				t.Fatal(err)
			}
			msg = body
		}
		wg.Go(func() {
			defer conn.Close()
			for j := range len(msg) - 1 { // never the last byte: the request stays incomplete
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := conn.Write([]byte{msg[j]}); err != nil {
					return
				}
			}
			<-stop
		})
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(300 * time.Millisecond) // every slow client has started its request
	hc := &http.Client{Timeout: 5 * time.Second}
	do := func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s beside 50 slow clients: %v", method, path, err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s %s beside 50 slow clients: %d %s", method, path, res.StatusCode, raw)
		}
	}
	for range 3 {
		do("GET", "/api/me", "")
		do("GET", "/api/orgs/"+org.ID+"/members", "")
		do("PATCH", "/api/orgs/"+org.ID+"/members/"+m.ID(), `{"description":"Still here"}`)
	}
}

// A body sent in chunks (no Content-Length) is refused with 413 once it passes the
// limit while being read, not as invalid JSON. (Twice the limit: a JSON value that the
// very read crossing the limit completes is decoded before the error is seen.)
func TestChunkedOversizedBodyIs413(t *testing.T) {
	w := newFuzzWorld(t)
	body := io.MultiReader(bytes.NewReader(sizedJSON(2 * api.MaxJSONBody)))
	req, err := http.NewRequest("POST", w.c.URL+w.path(t, "/api/orgs/{org}/members/bulk"), body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", w.token(t))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if req.ContentLength != 0 || res.StatusCode != http.StatusRequestEntityTooLarge {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("chunked %d bytes: %d %.200s (request length %d), want 413", 2*api.MaxJSONBody, res.StatusCode, msg, req.ContentLength)
	}
}
