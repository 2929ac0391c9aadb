package pb_migrations_test

import (
	"testing"

	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }
