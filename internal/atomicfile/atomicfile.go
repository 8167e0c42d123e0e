// Package atomicfile writes files atomically: through a temporary file in the target's
// directory (named ".NAME.tmp-DIGITS", the pattern internal/dirlock removes when a writer died
// half-way), synced, given its permissions and renamed over the target, then the directory is
// synced where the platform allows it. A reader sees the old content or the new, never a
// partial file; on error the temporary file is removed and the target is untouched.
//
// It is the one atomic writer of gosnn: the kernel's history and installation, the REPL's
// history, notebooks, figures, experiment and simulation results all write through it.
// Errors are prefixed "atomicfile: " and name the path; an error returned by the caller's
// write function is returned as it is.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces path with what write writes, with permissions perm.
func Write(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // make the rename durable where directories can be synced
		d.Close()
	}
	return nil
}

// WriteFile creates or replaces path with data, with permissions perm.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("atomicfile: %s: %w", path, err)
		}
		return nil
	})
}
