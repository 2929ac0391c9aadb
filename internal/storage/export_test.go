package storage

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// BareApp is a bootstrapped app on a scratch data dir with no checkpointer: tests that
// look at the write-ahead log itself must not race testapp.New's, which roster.Bind
// starts (and internal/testapp imports this package through roster: a test of package
// storage cannot import it).
func BareApp(t testing.TB) core.App {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := app.ResetBootstrapState(); err != nil {
			t.Error(err)
		}
	})
	return app
}
