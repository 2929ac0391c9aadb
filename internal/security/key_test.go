package security

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func bareApp(t *testing.T) core.App {
	t.Helper()
	return core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
}

func TestParseKey(t *testing.T) {
	k := bytes.Repeat([]byte{7}, 32)
	for _, raw := range []string{hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k),
		base64.RawURLEncoding.EncodeToString(k)} {
		got, err := ParseKey(raw)
		if err != nil || !bytes.Equal(got, k) {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, raw := range []string{"", "short", base64.StdEncoding.EncodeToString(k[:16]), strings.Repeat("zz", 32)} {
		if _, err := ParseKey(raw); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

func TestKeyIsGeneratedOnceIntoTheDataDirWithMode0600(t *testing.T) {
	t.Setenv(KeyEnv, "")
	app := bareApp(t)
	sealed, err := seal(app, "JBSWY3DPEHPK3PXP", "user1")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(app.DataDir(), KeyFile)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	// A new process (a new app on the same directory) reads the same key.
	again := core.NewBaseApp(core.BaseAppConfig{DataDir: app.DataDir()})
	if got, err := open(again, sealed, "user1"); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("reopened: %q %v", got, err)
	}
	raw, _ := os.ReadFile(path)
	if _, err := ParseKey(strings.TrimSpace(string(raw))); err != nil {
		t.Fatal(err)
	}
}

func TestSealedSecretsAreAESGCMBoundToTheirRecord(t *testing.T) {
	t.Setenv(KeyEnv, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)))
	app := bareApp(t)
	a, err := seal(app, "SECRET", "user1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := seal(app, "SECRET", "user1")
	if a == b || strings.Contains(a, "SECRET") || !strings.HasPrefix(a, "v1:") {
		t.Fatalf("%s / %s", a, b)
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), KeyFile)); !os.IsNotExist(err) {
		t.Fatal("a key file was written although ROSTER_ENCRYPTION_KEY is set")
	}
	if _, err := open(app, a, "user2"); err == nil {
		t.Fatal("a secret copied to another record decrypted")
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "v1:"))
	raw[len(raw)-1] ^= 1
	if _, err := open(app, "v1:"+base64.StdEncoding.EncodeToString(raw), "user1"); err == nil {
		t.Fatal("a tampered secret decrypted")
	}
	other := bareApp(t)
	t.Setenv(KeyEnv, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32)))
	if _, err := open(other, a, "user1"); err == nil {
		t.Fatal("another key decrypted the secret")
	}
	t.Setenv(KeyEnv, "not a key")
	if _, err := seal(bareApp(t), "x", "y"); err == nil {
		t.Fatal("a bad ROSTER_ENCRYPTION_KEY was accepted")
	}
}
