package e2e

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestBackupRestoreDrill is the operator's drill of docs/operations.md: while members are
// invited, disabled and moved to another user type through the API, the instance
// operator takes a PocketBase backup (POST /api/backups). The backup holds exactly the
// writes finished before it began and none begun after it ended. PocketBase's own
// restore (POST /api/backups/{key}/restore) brings the instance back to that moment in
// place; and the zip unpacked into a fresh directory, as on a new machine, starts too:
// `roster doctor` passes, the owner sees every member, a write works, the audit chain
// verifies, an avatar is served, and a member with two-factor sign-in completes it — the
// backup carries the key that decrypts TOTP secrets (.roster_key). Restored without that
// key, a TOTP code answers 409 totp_key_mismatch, recovery codes still work, and an
// administrator can turn the member's two-factor sign-in off.
func TestBackupRestoreDrill(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if out, code := roster(t, dir, "demo", "--org", "drill", "--members", "200", "--seed", "4", "--password", demoPassword); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	const opEmail, opPassword = "ops@drill.example", "operator password 7"
	if out, code := roster(t, dir, "superuser", "upsert", opEmail, opPassword); code != 0 {
		t.Fatalf("superuser upsert: exit %d\n%s", code, out)
	}
	db := openReadOnly(t, dir)
	disableQueue := column(t, db, `SELECT m.id FROM memberships m JOIN users u ON u.id = m.user WHERE m.role != 'owner'
		AND m.status = 'active' AND m.userType IN ('creator', 'professional') AND COALESCE(u.lastLogin, '') != ''`)
	typeQueue := column(t, db, `SELECT id FROM memberships WHERE role = 'member' AND userType IN ('viewer', 'contributor')`)
	var totpID, totpEmail string
	if err := db.QueryRow(`SELECT m.id, u.email FROM memberships m JOIN users u ON u.id = m.user WHERE m.role = 'member'
		AND m.status = 'active' AND m.userType = 'viewer' ORDER BY m.id LIMIT 1`).Scan(&totpID, &totpEmail); err != nil {
		t.Fatal(err)
	}
	db.Close()
	typeQueue = without(typeQueue, totpID)
	if len(disableQueue) < 50 || len(typeQueue) < 50 {
		t.Fatalf("the demo gave %d members to disable and %d to retype", len(disableQueue), len(typeQueue))
	}

	p := launch(t, dir)
	owner := apiSignIn(t, p.server, "owner@drill.example")
	org := orgOf(t, owner)

	// A member with two-factor sign-in (the first secret creates <data>/.roster_key) and an avatar.
	must(t, "MFA on", owner.send(t, "PATCH", "/api/orgs/"+org+"/settings", map[string]any{"mfaEnabled": true}, nil), 200)
	member := apiSignIn(t, p.server, totpEmail)
	var setup struct{ Secret string }
	must(t, "TOTP setup", member.send(t, "POST", "/api/account/totp/setup", nil, &setup), 200)
	// The previous step's code: sign-in after the restore may then use the current one at once.
	code, err := totp.GenerateCode(setup.Secret, time.Now().Add(-30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var enabled struct{ RecoveryCodes []string }
	must(t, "TOTP enable", member.send(t, "POST", "/api/account/totp/enable", map[string]string{"code": code}, &enabled), 200)
	if len(enabled.RecoveryCodes) == 0 {
		t.Fatal("no recovery codes")
	}
	avatarURL, avatar := uploadAvatar(t, owner, "/api/orgs/"+org+"/members/"+totpID)
	key, err := os.ReadFile(filepath.Join(dir, ".roster_key"))
	if err != nil {
		t.Fatalf("no key file after a TOTP enrolment: %v", err)
	}

	// Writes run throughout the backup.
	w := startDrillWriter(owner, org, disableQueue, typeQueue)
	w.waitFor(t, 15)
	op := superuserSignIn(t, p.server, opEmail, opPassword)
	backupStart := time.Now()
	must(t, "POST /api/backups", op.send(t, "POST", "/api/backups", map[string]string{"name": "drill.zip"}, nil), 204)
	backupEnd := time.Now()
	w.waitFor(t, w.done()+10)
	writes := w.stop()
	for _, wr := range writes {
		if wr.err != nil || wr.status != 200 {
			t.Fatalf("writer: %s %s answered %d, %v", wr.kind, wr.target, wr.status, wr.err)
		}
	}
	var list []struct {
		Key  string
		Size int64
	}
	must(t, "GET /api/backups", op.send(t, "GET", "/api/backups", nil, &list), 200)
	if len(list) != 1 || list[0].Key != "drill.zip" || list[0].Size == 0 {
		t.Fatalf("the backups list is %+v", list)
	}
	snap := snapshot{writes: writes, start: backupStart, end: backupEnd}

	// PocketBase's own restore, in place: it moves the directory's content aside, unpacks
	// the zip there and re-executes the process (same pid); what came after is gone.
	must(t, "POST /api/backups/drill.zip/restore", op.send(t, "POST", "/api/backups/drill.zip/restore", nil, nil), 204)
	p.waitStarted(t, 2)
	p.stop(t)
	snap.check(t, dir)
	if out, code := roster(t, dir, "doctor"); code != 0 {
		t.Fatalf("doctor after the restore in place: exit %d\n%s", code, out)
	}

	// A new machine: the zip unpacked into an empty directory.
	fresh := filepath.Join(t.TempDir(), "restored")
	names := unzip(t, filepath.Join(dir, "backups", "drill.zip"), fresh)
	for _, want := range []string{"data.db", "auxiliary.db", ".roster_key"} {
		if !contains(names, want) {
			t.Fatalf("the backup holds %q, not %s", names, want)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(fresh, ".roster_key")); !bytes.Equal(got, key) {
		t.Fatal("the backup's .roster_key is not the instance's key")
	}
	keyless := filepath.Join(t.TempDir(), "keyless")
	copyDir(t, fresh, keyless)
	if err := os.Remove(filepath.Join(keyless, ".roster_key")); err != nil {
		t.Fatal(err)
	}

	before, overlapping, after := snap.check(t, fresh)
	db = openReadOnly(t, fresh)
	var members int
	if err := db.QueryRow(`SELECT count(*) FROM memberships WHERE org = ?`, org).Scan(&members); err != nil {
		t.Fatal(err)
	}
	db.Close()
	t.Logf("%d writes: %d before the backup, %d during it (%v), %d after", len(writes), before, overlapping, snap.end.Sub(snap.start).Round(time.Millisecond), after)

	r := launch(t, fresh)
	if out, code := roster(t, fresh, "doctor"); code != 0 || !strings.Contains(out, "checks passed") {
		t.Fatalf("doctor on the restored instance: exit %d\n%s", code, out)
	}
	owner = apiSignIn(t, r.server, "owner@drill.example")
	if got := owner.count(t, org, ""); got != members {
		t.Fatalf("the restored member list has %d members, the backup %d", got, members)
	}
	must(t, "an invitation after the restore", owner.send(t, "POST", "/api/orgs/"+org+"/invitations",
		map[string]any{"emails": []string{"after.restore@drill.example"}}, nil), 200)
	if got := pendingInvitations(t, owner, org, "after.restore"); got != 1 {
		t.Fatalf("the invitation made after the restore: %d pending", got)
	}
	res, err := http.Get(r.URL + avatarURL)
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(served, avatar) {
		t.Fatalf("the restored avatar: status %d, %d bytes (uploaded %d)", res.StatusCode, len(served), len(avatar))
	}
	now, _ := totp.GenerateCode(setup.Secret, time.Now())
	if status, _ := completeTOTP(t, r.server, totpEmail, map[string]string{"code": now}); status != 200 {
		t.Fatalf("the TOTP member's code after the restore: status %d", status)
	}
	r.stop(t)
	if out, code := roster(t, fresh, "audit", "verify"); code != 0 || !strings.Contains(out, "chain verified") {
		t.Fatalf("audit verify on the restored instance: exit %d\n%s", code, out)
	}

	t.Run("restored without the key", func(t *testing.T) {
		k := launch(t, keyless)
		code, _ := totp.GenerateCode(setup.Secret, time.Now())
		// The code cannot be checked: a 409 that tells the member what to do.
		if status, code := completeTOTP(t, k.server, totpEmail, map[string]string{"code": code}); status != 409 || code != "totp_key_mismatch" {
			t.Fatalf("without the key, a right TOTP code answers %d %q, want 409 totp_key_mismatch", status, code)
		}
		// Recovery codes are hashed, not encrypted: they still work, and the member enrols again.
		if status, _ := completeTOTP(t, k.server, totpEmail, map[string]string{"recoveryCode": enabled.RecoveryCodes[0]}); status != 200 {
			t.Fatalf("a recovery code without the key: status %d", status)
		}
		owner := apiSignIn(t, k.server, "owner@drill.example")
		must(t, "disable the member's MFA", owner.send(t, "POST", "/api/orgs/"+org+"/members/"+totpID+"/disable-mfa", nil, nil), 200)
		if status := signInStatus(t, k.server, totpEmail, demoPassword); status != 200 {
			t.Fatalf("password sign-in once MFA is off: status %d", status)
		}
	})
}

// completeTOTP signs a member with two-factor sign-in in: the password answers a
// challenge (401 with an mfaId), which second completes; it answers the second step's
// status and, for an error, its data.code.
func completeTOTP(t *testing.T, s *server, email string, second map[string]string) (int, string) {
	t.Helper()
	body := strings.NewReader(`{"identity":` + jsString(email) + `,"password":` + jsString(demoPassword) + `}`)
	res, err := http.Post(s.URL+"/api/collections/users/auth-with-password", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	var challenge struct {
		Data struct {
			MfaID        string `json:"mfaId"`
			TotpRequired bool   `json:"totpRequired"`
		}
	}
	err = json.NewDecoder(res.Body).Decode(&challenge)
	res.Body.Close()
	if err != nil || res.StatusCode != 401 || !challenge.Data.TotpRequired || challenge.Data.MfaID == "" {
		t.Fatalf("password step of %s: status %d, %+v, %v", email, res.StatusCode, challenge, err)
	}
	in := map[string]any{"mfaId": challenge.Data.MfaID}
	for k, v := range second {
		in[k] = v
	}
	b, _ := json.Marshal(in)
	res, err = http.Post(s.URL+"/api/auth/totp", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		Data struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	_ = json.NewDecoder(res.Body).Decode(&answer)
	return res.StatusCode, answer.Data.Code
}

// superuserSignIn signs the instance operator in.
func superuserSignIn(t *testing.T, s *server, email, password string) client {
	t.Helper()
	var auth struct{ Token string }
	must(t, "superuser sign-in", client{s: s}.send(t, "POST", "/api/collections/_superusers/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth), 200)
	return client{s: s, token: auth.Token}
}

// uploadAvatar sets a member's avatar through the profile edit (multipart); it answers
// the avatar's file URL and the picture.
func uploadAvatar(t *testing.T, c client, path string) (string, []byte) {
	t.Helper()
	pic, err := os.ReadFile(writePNG(t))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("avatar", "avatar.png")
	fw.Write(pic)
	mw.Close()
	req, _ := http.NewRequest("PATCH", c.s.URL+path, &body)
	req.Header.Set("Authorization", c.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct{ Avatar string }
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 || m.Avatar == "" {
		t.Fatalf("avatar upload: status %d, %+v, %v", res.StatusCode, m, err)
	}
	url, _, _ := strings.Cut(m.Avatar, "?") // the original, not a thumbnail
	return url, pic
}

// unzip unpacks a backup into dest, as `unzip` would, and answers the names it holds.
func unzip(t *testing.T, src, dest string) []string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		to := filepath.Join(dest, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(to, filepath.Clean(dest)+string(os.PathSeparator)) {
			t.Fatalf("the backup holds a path outside its directory: %s", f.Name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func without(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// drillWrite is one write of the drill's writer.
type drillWrite struct {
	kind, target string // invite: an address; disable, userType: a membership id
	start, end   time.Time
	status       int
	err          error
}

// inBackup says whether the write is in the backup's database.
func (w drillWrite) inBackup(t *testing.T, db *sql.DB) bool {
	t.Helper()
	var n int
	var err error
	switch w.kind {
	case "invite":
		err = db.QueryRow(`SELECT count(*) FROM invitations WHERE email = ? AND status = 'pending'`, w.target).Scan(&n)
	case "disable":
		err = db.QueryRow(`SELECT count(*) FROM memberships WHERE id = ? AND status = 'disabled'`, w.target).Scan(&n)
	case "userType":
		err = db.QueryRow(`SELECT count(*) FROM memberships WHERE id = ? AND userType = 'creator'`, w.target).Scan(&n)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// snapshot is a backup's moment, between start and end, and the writes around it.
type snapshot struct {
	writes     []drillWrite
	start, end time.Time
}

// check proves the data directory holds the backup's moment: every write answered
// before the backup began, none begun after it ended. It answers how many writes came
// before, during and after the backup.
func (s snapshot) check(t *testing.T, dir string) (before, overlapping, after int) {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	for _, wr := range s.writes {
		in := wr.inBackup(t, db)
		switch {
		case wr.end.Before(s.start):
			before++
			if !in {
				t.Errorf("%s: %s %s finished before the backup began but is not in it", dir, wr.kind, wr.target)
			}
		case wr.start.After(s.end):
			after++
			if in {
				t.Errorf("%s: %s %s began after the backup ended but is in it", dir, wr.kind, wr.target)
			}
		default:
			overlapping++
		}
	}
	if after == 0 {
		t.Errorf("no write came after the backup: nothing shows that later writes are left out")
	}
	return before, overlapping, after
}

// drillWriter invites, disables and retypes members, one write after another, until stopped.
type drillWriter struct {
	mu     sync.Mutex
	writes []drillWrite
	quit   chan struct{}
	ended  chan struct{}
}

// drillWriterMax bounds the writes, under the API's rate limit (300 per 10 s).
const drillWriterMax = 150

func startDrillWriter(c client, org string, disable, retype []string) *drillWriter {
	w := &drillWriter{quit: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(w.ended)
		for i := 0; i < drillWriterMax; i++ {
			select {
			case <-w.quit:
				return
			default:
			}
			var wr drillWrite
			var path string
			var body any
			switch i % 3 {
			case 0:
				wr.kind, wr.target = "invite", fmt.Sprintf("writer%d@drill.example", i)
				path, body = "/api/orgs/"+org+"/invitations", map[string]any{"emails": []string{wr.target}}
			case 1:
				wr.kind, wr.target = "disable", disable[i/3]
				path = "/api/orgs/" + org + "/members/" + wr.target + "/disable"
			case 2:
				wr.kind, wr.target = "userType", retype[i/3]
				path, body = "/api/orgs/"+org+"/members/"+wr.target+"/user-type", map[string]string{"userType": "creator"}
			}
			wr.start = time.Now()
			wr.status, wr.err = post(c, path, body)
			wr.end = time.Now()
			w.mu.Lock()
			w.writes = append(w.writes, wr)
			w.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return w
}

// post sends a JSON POST without failing the test (it runs in the writer's goroutine).
func post(c client, path string, body any) (int, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.s.URL+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func (w *drillWriter) done() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes)
}

// waitFor waits until n writes are done.
func (w *drillWriter) waitFor(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); w.done() < n; time.Sleep(5 * time.Millisecond) {
		select {
		case <-w.ended:
			t.Fatalf("the writer stopped after %d writes, before %d", w.done(), n)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes of %d after 2 minutes", w.done(), n)
		}
	}
}

// stop ends the writer and answers its writes.
func (w *drillWriter) stop() []drillWrite {
	close(w.quit)
	<-w.ended
	return w.writes
}
