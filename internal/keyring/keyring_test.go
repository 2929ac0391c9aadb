package keyring_test

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/keyring"
)

// A derived key is the same in every process of one instance, differs per label and per
// instance key, and is not the instance key itself.
func TestDeriveGivesOneKeyPerUse(t *testing.T) {
	master := bytes.Repeat([]byte{3}, 32)
	t.Setenv(keyring.Env, base64.StdEncoding.EncodeToString(master))
	dir := t.TempDir()
	derive := func(label string) []byte {
		t.Helper()
		k, err := keyring.Derive(core.NewBaseApp(core.BaseAppConfig{DataDir: dir}), label)
		if err != nil || len(k) != 32 {
			t.Fatalf("%x %v", k, err)
		}
		return k
	}
	a := derive("roster audit chain v1")
	if !bytes.Equal(a, derive("roster audit chain v1")) {
		t.Fatal("two processes derive different keys")
	}
	if bytes.Equal(a, derive("roster audit chain v2")) || bytes.Equal(a, master) {
		t.Fatal("a derived key is shared with another use")
	}
	t.Setenv(keyring.Env, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{4}, 32)))
	if bytes.Equal(a, derive("roster audit chain v1")) {
		t.Fatal("another instance key derives the same key")
	}
}
