package doctor_test

import (
	"os"
	"path/filepath"
)

func mkfile(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "avatar.png"), []byte("x"), 0o644)
}
