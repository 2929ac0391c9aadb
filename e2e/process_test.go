package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// process is a `roster serve` the test controls: it can be stopped, or killed at a
// chosen moment, and the data directory restarted by another process. Its server
// carries the URL, the setup link and the output; startServer is launch with a graceful
// stop at the end of the test.
type process struct {
	*server
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has ended and been reaped
}

// launch starts `roster serve` on a free loopback port and waits until it answers
// /api/health; the setup link a fresh instance prints is kept (server.Setup). The
// process is killed when the test ends, if it still runs.
func launch(t *testing.T, dataDir string, env ...string) *process {
	t.Helper()
	addr := freePort(t)
	p := &process{server: &server{URL: "http://" + addr, DataDir: dataDir}, exited: make(chan struct{})}
	p.cmd = exec.Command(binary, "serve", "--http", addr, "--dir", dataDir)
	p.cmd.Env = append(os.Environ(), env...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.cmd.Stdout
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		ready := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.output.WriteString(line + "\n")
			if link := setupLink.FindString(line); link != "" {
				p.SetupURL = link
			}
			p.mu.Unlock()
			if !ready && strings.Contains(line, "Server started") {
				ready = true
				close(started)
			}
		}
		io.Copy(io.Discard, stdout)
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	select {
	case <-started:
	case <-p.exited:
		t.Fatalf("roster serve ended before starting:\n%s", p.Output())
	case <-time.After(30 * time.Second):
		t.Fatalf("roster serve did not start:\n%s", p.Output())
	}
	for i := 0; i < 200; i++ {
		if res, err := http.Get(p.URL + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("roster serve not healthy:\n%s", p.Output())
	return nil
}

// waitStarted waits until the process has said "Server started" n times: a process
// that restarts itself in place (execve, as PocketBase's restore does) says it again.
func (p *process) waitStarted(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); strings.Count(p.Output(), "Server started") < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("roster serve did not start %d times:\n%s", n, p.Output())
		}
	}
	for i := 0; i < 200; i++ {
		if res, err := http.Get(p.URL + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("roster serve not healthy after starting %d times:\n%s", n, p.Output())
}

// stop ends the process as an operator does (SIGTERM) and waits for it.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if !p.terminate(10 * time.Second) {
		t.Fatalf("roster serve did not stop on SIGTERM:\n%s", p.Output())
	}
}

// terminate sends SIGTERM and waits up to grace for the process to end; it reports
// whether it did.
func (p *process) terminate(grace time.Duration) bool {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return true
	case <-time.After(grace):
		return false
	}
}

// kill9 ends the process with SIGKILL and waits for it to be reaped.
func (p *process) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// copyDir copies a data directory (regular files and directories) into a new one.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// send sends a JSON request with the client's token, decodes a JSON answer into out
// (when out is not nil and the status is 2xx) and answers the status.
func (c client) send(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.s.URL+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

// must fails the test unless a request answered want.
func must(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// orgOf is the signed-in member's organisation id.
func orgOf(t *testing.T, c client) string {
	t.Helper()
	var me struct {
		Org struct{ ID string } `json:"org"`
	}
	c.get(t, "/api/me", &me)
	if me.Org.ID == "" {
		t.Fatal("/api/me names no organisation")
	}
	return me.Org.ID
}
