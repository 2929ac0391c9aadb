package invariants_test

import (
	"flag"
	"os"
	"testing"

	"roster/internal/testapp"
)

// TestMain keeps the default run short enough for CI: rapid's own defaults (100
// sequences of about 30 steps) would take minutes here. -rapid.checks and -rapid.steps
// on the command line, or RAPID_CHECKS and RAPID_STEPS in the environment, ask for a
// longer run; CONCURRENT_WORKERS and CONCURRENT_OPS size the concurrent variant.
func TestMain(m *testing.M) {
	flag.Parse()
	defaultFlag("rapid.checks", "RAPID_CHECKS", "15")
	defaultFlag("rapid.steps", "RAPID_STEPS", "40")
	testapp.Main(m)
}

// defaultFlag sets flag name from the environment variable env, else to def, unless it
// was given on the command line.
func defaultFlag(name, env, def string) {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	if given {
		return
	}
	v := os.Getenv(env)
	if v == "" {
		v = def
	}
	if err := flag.Set(name, v); err != nil {
		panic(err)
	}
}
