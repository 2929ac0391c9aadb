package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "roster-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "roster")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building roster:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// roster runs the binary to completion with a data directory and returns its output
// and exit code.
func roster(t *testing.T, dataDir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--dir", dataDir)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// server is a running `roster serve`.
type server struct {
	URL      string
	SetupURL string // printed on a fresh instance
	DataDir  string
	mu       sync.Mutex
	output   strings.Builder
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

var setupLink = regexp.MustCompile(`https?://\S+/setup\?token=\S+`)

// startServer runs `roster serve` on a free loopback port until the test ends.
func startServer(t *testing.T, dataDir string, env ...string) *server {
	t.Helper()
	addr := freePort(t)
	s := &server{URL: "http://" + addr, DataDir: dataDir}
	cmd := exec.Command(binary, "serve", "--http", addr, "--dir", dataDir)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.output.WriteString(line + "\n")
			if m := setupLink.FindString(line); m != "" {
				s.SetupURL = m
			}
			s.mu.Unlock()
			if strings.Contains(line, "Server started") {
				once.Do(func() { close(started) })
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", s.Output())
	}
	for i := 0; i < 100; i++ {
		if res, err := http.Get(s.URL + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server not healthy:\n%s", s.Output())
	return nil
}

func (s *server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output.String()
}

func (s *server) Setup() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.SetupURL
}
