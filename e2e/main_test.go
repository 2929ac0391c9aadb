package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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

// startServer runs `roster serve` on a free loopback port until the test ends, when it
// is stopped as an operator does (SIGTERM), or killed if it has not ended 5 s later.
func startServer(t *testing.T, dataDir string, env ...string) *server {
	t.Helper()
	p := launch(t, dataDir, env...)
	t.Cleanup(func() { p.terminate(5 * time.Second) }) // before launch's kill: cleanups run last-first
	return p.server
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
