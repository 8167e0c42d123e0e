package snn

import (
	"fmt"
	"os"
	"path/filepath"
)

// readoutWriteFile writes data to path atomically: it writes a temporary file in the same
// directory, syncs it and renames it onto path, so readers never see a partial file.
func readoutWriteFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("snn: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("snn: writing %s: %w", path, err)
	}
	return nil
}
