package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBehindNginx runs the binary behind a real nginx on loopback, trusted through
// ROSTER_TRUSTED_PROXIES (docs/operations.md, "Behind a reverse proxy"). Two clients
// come from two loopback addresses: one exhausting the sign-in rate limit does not
// answer 429 to the other, and audit rows carry the client's address. A forged
// X-Forwarded-For is believed from neither the proxy's client nor a direct peer.
func TestBehindNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx" // Debian's package, outside a normal user's PATH
	}
	if _, err := os.Stat(nginx); err != nil {
		t.Fatalf("nginx is needed (.ci/run installs it): %v", err)
	}
	dir := t.TempDir()
	const owner, password = "boss@acme.example", "a long enough password"
	if out, code := roster(t, dir, "org", "create", "--name", "Acme", "--owner-email", owner, "--owner-password", password); code != 0 {
		t.Fatalf("org create: exit %d\n%s", code, out)
	}
	s := startServer(t, dir, "ROSTER_TRUSTED_PROXIES=127.0.0.1/32")
	front := startNginx(t, nginx, strings.TrimPrefix(s.URL, "http://"))

	attacker, ownerHTTP := from("127.0.0.2"), from("127.0.0.3")
	signIn := func(c *http.Client, base, identity, forged string) (int, string) {
		body := fmt.Sprintf(`{"identity":%q,"password":%q}`, identity, password)
		req, _ := http.NewRequest("POST", base+"/api/collections/users/auth-with-password", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if forged != "" {
			req.Header.Set("X-Forwarded-For", forged)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var auth struct{ Token string }
		_ = json.NewDecoder(res.Body).Decode(&auth)
		return res.StatusCode, auth.Token
	}

	// The "*:auth" rule allows 10 sign-ins per 10 s and per client. Each forged address
	// would be a fresh client if the header were believed.
	for i := range 10 {
		if code, _ := signIn(attacker, front, "nobody@acme.example", fmt.Sprintf("198.51.100.%d", i+1)); code != 400 {
			t.Fatalf("failed sign-in %d through nginx: status %d, want 400", i+1, code)
		}
	}
	if code, _ := signIn(attacker, front, "nobody@acme.example", "198.51.100.99"); code != 429 {
		t.Fatalf("11th sign-in of one client with a forged X-Forwarded-For: status %d, want 429", code)
	}
	if code, _ := signIn(attacker, s.URL, "nobody@acme.example", "198.51.100.98"); code != 429 {
		t.Fatalf("the same client straight to Roster, forging the header: status %d, want 429", code)
	}
	code, token := signIn(ownerHTTP, front, owner, "")
	if code != 200 {
		t.Fatalf("the owner, another client behind the same proxy: status %d, want 200", code)
	}

	// Audit rows name the client: through nginx, then straight to Roster with a forged
	// header, which an untrusted peer may not set.
	auditIP := func(base, forged, givenName string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"givenName": givenName})
		req, _ := http.NewRequest("PATCH", base+"/api/account/profile", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		if forged != "" {
			req.Header.Set("X-Forwarded-For", forged)
		}
		res, err := ownerHTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 204 {
			t.Fatalf("profile edit: status %d %s", res.StatusCode, raw)
		}
		c := client{s: s, token: token}
		var page struct {
			Items []struct{ Action, IP string }
		}
		c.get(t, "/api/orgs/"+orgOf(t, c)+"/audit?perPage=5", &page)
		for _, it := range page.Items {
			if it.Action == "members.updateProfile" {
				return it.IP
			}
		}
		t.Fatalf("no profile edit in the newest audit rows: %+v", page.Items)
		return ""
	}
	if ip := auditIP(front, "198.51.100.7", "Boss"); ip != "127.0.0.3" {
		t.Fatalf("audit IP through nginx with a forged header: %q, want the client 127.0.0.3", ip)
	}
	if ip := auditIP(s.URL, "198.51.100.8", "Big boss"); ip != "127.0.0.3" {
		t.Fatalf("audit IP straight to Roster with a forged header: %q, want the peer 127.0.0.3", ip)
	}
}

// from is an HTTP client whose connections leave from the loopback address ip (Linux
// routes all of 127.0.0.0/8 to the loopback interface).
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// startNginx runs nginx in the foreground as a reverse proxy to upstream (host:port),
// configured as docs/operations.md says, and answers its base URL once it accepts
// connections.
func startNginx(t *testing.T, nginx, upstream string) string {
	t.Helper()
	dir := t.TempDir()
	addr := freePort(t)
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  server {
    listen %[2]s;
    location / {
      proxy_pass http://%[3]s;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`, dir, addr, upstream)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, nginx, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %v\n%s\n%s", addr, err, out.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
