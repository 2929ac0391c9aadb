package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"roster/internal/access"
	"roster/internal/audit"
	"roster/internal/billing"
	"roster/internal/testapp"
)

// fuzzWorld is what the fuzz targets write to: one app served over real HTTP (created
// once per fuzzing process), an organisation with its owner, and a record of every kind
// a write route takes an id of. A request that succeeds may consume a record (a
// removal, an accepted invitation): reseed puts one back, so that later inputs still
// reach the handlers rather than a 404.
type fuzzWorld struct {
	app *tests.TestApp
	c   *testapp.Client
	org *testapp.Org
	ids map[string]string // the path segment before {id} (members, items…) → an id; "token" → a join token
	hc  *http.Client
}

func newFuzzWorld(tb testing.TB) *fuzzWorld {
	app := testapp.New(tb)
	app.Settings().RateLimits.Enabled = false // thousands of requests a second from one address
	w := &fuzzWorld{app: app, c: testapp.Serve(tb, app), org: testapp.CreateOrg(tb, app, "Fuzz", "business"),
		ids: map[string]string{}, hc: &http.Client{Timeout: time.Minute}}
	w.reseed(tb)
	return w
}

// reseed (re)creates whatever a request consumed: the target member (active), the
// content records, an open invoice, a pending invitation and its join token; and lifts
// the restrictions a fuzzed settings change could put on every later request.
func (w *fuzzWorld) reseed(tb testing.TB) {
	tb.Helper()
	exists := func(col, kind string) bool {
		r, err := w.app.FindRecordById(col, w.ids[kind])
		return err == nil && r.GetString("org") == w.org.ID
	}
	owner := w.owner(tb)
	if !exists("memberships", "members") {
		m := testapp.AddMember(tb, w.app, w.org, access.RoleMember, access.Creator)
		w.ids["members"] = m.ID()
	}
	if m, _ := w.app.FindRecordById("memberships", w.ids["members"]); m.GetString("status") != string(access.Active) {
		m.Set("status", string(access.Active))
		w.save(tb, m)
	}
	tok := w.token(tb)
	create := func(kind, col string, body any) {
		if exists(col, kind) {
			return
		}
		var out struct{ ID string }
		if raw := w.post(tb, "/api/orgs/"+w.org.ID+"/"+kind, tok, body, &out); out.ID == "" {
			tb.Fatalf("seeding %s: %s", kind, raw)
		}
		w.ids[kind] = out.ID
	}
	create("payment-methods", "paymentMethods", visa)
	create("licenses", "licenses", map[string]any{"code": fmt.Sprintf("L%d", time.Now().UnixNano()), "name": "Fuzz licence",
		"compatibleTypes": []string{"creator", "professional"}, "seats": 1000})
	create("groups", "groups", map[string]any{"title": "Fuzz group"})
	create("items", "items", map[string]any{"kind": "map", "title": "Fuzz item"})
	if inv, err := w.app.FindRecordById("invoices", w.ids["invoices"]); err != nil || inv.GetString("status") != "open" {
		i, err := billing.ClosePeriod(w.app, w.org.ID, time.Now().UTC(), true, audit.ActorSystem)
		if err != nil {
			tb.Fatal(err)
		}
		w.ids["invoices"] = i.ID
	}
	if inv, err := w.app.FindRecordById("invitations", w.ids["invitations"]); err != nil || inv.GetString("status") != "pending" {
		w.invite(tb, tok)
	}
	org, err := w.app.FindRecordById("organizations", w.org.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if org.GetBool("mfaRequired") {
		org.Set("mfaRequired", false)
		w.save(tb, org)
	}
	if owner.GetBool("mustChangePassword") {
		owner.Set("mustChangePassword", false)
		w.save(tb, owner)
	}
}

// invite creates a pending invitation and keeps its id and join token.
func (w *fuzzWorld) invite(tb testing.TB, tok string) {
	tb.Helper()
	email := fmt.Sprintf("fuzz%d@example.com", time.Now().UnixNano())
	var res struct {
		Results []struct {
			Invitation struct{ ID, Link string }
		}
	}
	raw := w.post(tb, "/api/orgs/"+w.org.ID+"/invitations", tok, map[string]any{"emails": []string{email}, "userType": "viewer"}, &res)
	if len(res.Results) != 1 || !strings.Contains(res.Results[0].Invitation.Link, "/join/") {
		tb.Fatalf("seeding an invitation: %s", raw)
	}
	w.ids["invitations"] = res.Results[0].Invitation.ID
	w.ids["token"] = res.Results[0].Invitation.Link[strings.LastIndex(res.Results[0].Invitation.Link, "/")+1:]
}

func (w *fuzzWorld) save(tb testing.TB, r *core.Record) {
	tb.Helper()
	if err := w.app.Save(r); err != nil {
		tb.Fatal(err)
	}
}

// owner is the organisation's owner as stored now (a fuzzed request may have changed
// the account, or even handed the organisation over).
func (w *fuzzWorld) owner(tb testing.TB) *core.Record {
	tb.Helper()
	m, err := w.app.FindFirstRecordByFilter("memberships", "org = {:org} && role = 'owner'", dbx.Params{"org": w.org.ID})
	if err != nil {
		tb.Fatal(err)
	}
	u, err := w.app.FindRecordById("users", m.GetString("user"))
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// token is a fresh token of the owner.
func (w *fuzzWorld) token(tb testing.TB) string {
	tb.Helper()
	tok, err := w.owner(tb).NewAuthToken()
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// path fills a route pattern's wildcards with the world's ids.
func (w *fuzzWorld) path(tb testing.TB, pattern string) string {
	tb.Helper()
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		switch {
		case s == "{org}":
			segs[i] = w.org.ID
		case s == "{token}":
			segs[i] = w.ids["token"]
		case strings.HasPrefix(s, "{"):
			id := w.ids[segs[i-1]]
			if id == "" {
				tb.Fatalf("no id for %s in %s: add the kind to fuzzWorld.reseed", s, pattern)
			}
			segs[i] = id
		}
	}
	return strings.Join(segs, "/")
}

// post sends a JSON body and decodes the answer into out; it answers the raw answer.
func (w *fuzzWorld) post(tb testing.TB, path, token string, body, out any) []byte {
	tb.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	_, _, raw := w.send(tb, "POST", path, token, "application/json", b)
	_ = json.Unmarshal(raw, out)
	return raw
}

// send is one raw request; it answers the status, the content type and the body.
func (w *fuzzWorld) send(tb testing.TB, method, path, token, contentType string, body []byte) (int, string, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, w.c.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := w.hc.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), raw
}

// checkAnswer fails on a 5xx, and on a 4xx that is not Roster's JSON error
// ({status, message, data}); it answers the error's data.
func checkAnswer(tb testing.TB, what string, status int, contentType string, raw []byte) map[string]any {
	tb.Helper()
	if status >= 500 {
		tb.Fatalf("%s: %d %s", what, status, raw)
	}
	if status < 400 {
		return nil
	}
	var e struct {
		Status  *float64       `json:"status"`
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if err := json.Unmarshal(raw, &e); mt != "application/json" || err != nil || e.Status == nil || int(*e.Status) != status ||
		e.Message == "" || e.Data == nil {
		tb.Fatalf("%s: %d is not a JSON error (%s): %s", what, status, contentType, raw)
	}
	return e.Data
}

// writeRoute is a Roster route that takes a body, and whether it needs a signed-in member.
type writeRoute struct {
	method, pattern string
	public          bool
}

// writeRoutes lists every POST, PUT, PATCH and DELETE route Roster registers (the
// route table, see rosterRoutes), those that answer a guest something else than 401
// marked public.
func (w *fuzzWorld) writeRoutes(t *testing.T) []writeRoute {
	var out []writeRoute
	for _, rt := range rosterRoutes(t, w.app) {
		method, pattern, _ := strings.Cut(rt, " ")
		if method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE" {
			continue
		}
		status, _, _ := w.send(t, method, w.path(t, pattern), "", "application/json", []byte("{}"))
		out = append(out, writeRoute{method: method, pattern: pattern, public: status != 401})
	}
	if len(out) < 30 {
		t.Fatalf("only %d write routes: %v", len(out), out)
	}
	return out
}

// fuzzBodies are the seed bodies of the write routes. "$members", "$groups"… stand for
// the world's ids (see FuzzWriteRoutes); fuzzBodies[fieldsBody] names every field the
// routes read.
const fieldsBody = 4

var fuzzBodies = []string{
	``,
	`{}`,
	`null`,
	`[{"role":"admin"}]`,
	`{"role":"admin","userType":"creator","enabled":true,"allocated":25,"credits":null,"email":"fz@example.com",` +
		`"emails":["fz1@example.com","Zoë <fz2@example.com>"],"rows":[{"email":"fz3@example.com","role":"membre"}],"dryRun":true,` +
		`"action":"disable","ids":["$members"],"title":"Fuzz","kind":"map","sharing":"org","groups":["$groups"],` +
		`"members":["$members"],"add":["$members"],"remove":[],"code":"FZ","name":"Fuzz","compatibleTypes":["creator"],` +
		`"seats":3,"plan":"business","paymentMethod":"$payment-methods","amount":1,"givenName":"Fuzz","familyName":"Er",` +
		`"password":"a long fuzz password","description":"d","transferTo":"$members","to":"$members","brand":"Visa",` +
		`"last4":"4242","expMonth":12,"expYear":2031,"holder":"H","mfaId":"x","code2":"000000","language":"fr"}`,
	`{"role":7,"userType":["x"],"enabled":"yes","allocated":"1e999","ids":"$members","seats":-1,"amount":1e308,` +
		`"expYear":99999999999999999999,"members":[null],"title":"` + strings.Repeat("é", 300) + `","email":"\u0000@x\r\nBcc: y"}`,
}

// FuzzWriteRoutes sends arbitrary bodies, as JSON, to every write route Roster
// registers: as the owner, with valid ids in the path, or anonymously for the public
// routes (setup, the TOTP sign-in step, accepting an invitation). Whatever the body,
// the answer is below 500, and a 4xx is the JSON error shape. The input is a route
// number (modulo the number of routes) and the raw body; "$kind" in the body becomes
// the world's id of that kind. Seeds: every route with the body naming every field
// and one other of fuzzBodies, and testdata/fuzz/FuzzWriteRoutes.
func FuzzWriteRoutes(f *testing.F) {
	w := newFuzzWorld(f)
	var once sync.Once
	var routes []writeRoute
	// Two bodies per route (more would spend a short run on replaying seeds).
	for i := range 64 {
		f.Add(uint8(i), []byte(fuzzBodies[fieldsBody]))
		if other := i % len(fuzzBodies); other != fieldsBody {
			f.Add(uint8(i), []byte(fuzzBodies[other]))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		once.Do(func() { routes = w.writeRoutes(t) })
		if len(routes) == 0 {
			t.Fatal("no write routes")
		}
		rt := routes[int(route)%len(routes)]
		for kind, id := range w.ids {
			body = bytes.ReplaceAll(body, []byte("$"+kind), []byte(id))
		}
		tok := ""
		if !rt.public {
			tok = w.token(t)
		}
		path := w.path(t, rt.pattern)
		status, ct, raw := w.send(t, rt.method, path, tok, "application/json", body)
		checkAnswer(t, fmt.Sprintf("%s %s %q", rt.method, rt.pattern, body), status, ct, raw)
		if status < 300 {
			w.reseed(t)
		}
	})
}

// tinyPNG and tinyGIF are 1×1 images.
var (
	tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=")
	tinyGIF, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
)

// imageMagic says whether data starts as a JPEG, PNG, GIF or WebP file does: the only
// kinds of picture an avatar may be (judged here without PocketBase's detector).
func imageMagic(data []byte) bool {
	for _, p := range []string{"\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "GIF87a", "GIF89a"} {
		if bytes.HasPrefix(data, []byte(p)) {
			return true
		}
	}
	return len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP"
}

// avatarForm is a multipart profile edit whose avatar part carries data under the
// given file name and declared content type, written as they come (a fuzzed name may
// break the part's headers: that is part of the input).
func avatarForm(data []byte, filename, contentType string) (body []byte, formType string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="avatar"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(filename)+`"`)
	h.Set("Content-Type", contentType)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.WriteField("description", "Fuzzed picture")
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// FuzzAvatarUpload sends arbitrary files as a member's new picture (the multipart
// profile edit, PATCH /api/orgs/{org}/members/{id}, as the owner), with arbitrary file
// names and declared content types. The answer is never a 5xx; whenever the form
// carries a file (as Go's own multipart reader sees it) that does not start as a JPEG,
// PNG, GIF or WebP image, whatever its name and declared type, it is a 400 naming
// avatar. Seeds: f.Add below and testdata/fuzz/FuzzAvatarUpload.
func FuzzAvatarUpload(f *testing.F) {
	w := newFuzzWorld(f)
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>`)
	for _, s := range []struct {
		data           []byte
		name, declared string
	}{
		{tinyPNG, "me.png", "image/png"},
		{tinyGIF, "me.gif", "image/gif"},
		{jpeg, "me.jpg", "image/jpeg"},
		{tinyWEBP, "me.webp", "image/webp"},
		{tinyPNG, "me.txt", "text/plain"},
		{svg, "me.svg", "image/svg+xml"},
		{svg, "me.png", "image/png"},
		{[]byte("<html><script>alert(1)</script>"), "me.jpg", "image/jpeg"},
		{[]byte("%PDF-1.4\n%âãÏÓ\n"), "cv.pdf", "application/pdf"},
		{[]byte("MZ\x90\x00\x03\x00\x00\x00"), "setup.exe", "application/octet-stream"},
		{[]byte{}, "empty.png", "image/png"},
		{[]byte("GIF8"), "cut.gif", "image/gif"},
		{tinyPNG, "../../../etc/passwd", "image/png"},
		{tinyPNG, "a\r\nContent-Type: text/html", "image/png"},
		{tinyPNG, "", "image/png"},
		{tinyPNG, "zoë 李.png", ""},
	} {
		f.Add(s.data, s.name, s.declared)
	}
	f.Fuzz(func(t *testing.T, data []byte, filename, declared string) {
		body, formType := avatarForm(data, filename, declared)
		// What a Go server reads of this form: is there a file under avatar at all?
		local, err := http.NewRequest("PATCH", "/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		local.Header.Set("Content-Type", formType)
		hasFile := local.ParseMultipartForm(32<<20) == nil && len(local.MultipartForm.File["avatar"]) > 0
		path := w.path(t, "/api/orgs/{org}/members/{id}")
		status, ct, raw := w.send(t, "PATCH", path, w.token(t), formType, body)
		what := fmt.Sprintf("picture %q named %q declared %q", data[:min(len(data), 16)], filename, declared)
		errData := checkAnswer(t, what, status, ct, raw)
		if hasFile && !imageMagic(data) && (status != 400 || errData["avatar"] == nil) {
			t.Fatalf("%s: %d %s, want a 400 naming avatar", what, status, raw)
		}
		if hasFile && status == 400 && errData["avatar"] == nil {
			t.Fatalf("%s: a refusal that does not name avatar: %s", what, raw)
		}
		if status < 300 {
			w.reseed(t)
		}
	})
}

// TestUploadsTakeAnyFileName: a picture whose file name is not UTF-8 (found by
// FuzzAvatarUpload: the name went into the stored file's metadata, which must be UTF-8,
// and the save failed with a 500) is taken, as a member's or one's own picture or as
// the organisation's logo.
func TestUploadsTakeAnyFileName(t *testing.T) {
	w := newFuzzWorld(t)
	for _, c := range []struct{ pattern, field string }{
		{"/api/orgs/{org}/members/{id}", "avatar"},
		{"/api/account/profile", "avatar"},
		{"/api/orgs/{org}/settings", "logo"},
	} {
		body, ct := avatarForm(tinyPNG, "Zo\xeb\xc3.png", "image/png")
		body = bytes.Replace(body, []byte(`name="avatar"`), []byte(`name="`+c.field+`"`), 1)
		status, _, raw := w.send(t, "PATCH", w.path(t, c.pattern), w.token(t), ct, body)
		if status >= 300 {
			t.Errorf("%s with a Latin-1 file name: %d %s", c.pattern, status, raw)
		}
	}
}
