// Package boundedread reads whole files whose size gosnn does not control (notebooks, scripts,
// history, connection files) without reading for ever or without bound: a link to /dev/zero,
// a directory or a file larger than a limit gets an error that names the file and the kind of
// file expected.
package boundedread

import (
	"fmt"
	"io"
	"os"
)

// ReadFile reads the file at path, at most limit bytes (a whole number of MiB in practice);
// what names the kind of file in errors ("notebooks"). A directory or a device is refused;
// with regularOnly, anything but a regular file is (a named pipe too). Errors carry no
// package prefix: callers add theirs.
func ReadFile(path string, limit int64, what string, regularOnly bool) ([]byte, error) {
	if regularOnly {
		// Stat before Open: opening a named pipe waits for a writer.
		if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file, not one of the %s", path, what)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch m := st.Mode(); {
	case regularOnly && !m.IsRegular():
		return nil, fmt.Errorf("%s is not a regular file, not one of the %s", path, what)
	case m.IsDir():
		return nil, fmt.Errorf("%s is a directory, not one of the %s", path, what)
	case m&os.ModeDevice != 0:
		return nil, fmt.Errorf("%s is a device, not one of the %s", path, what)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %d-MiB limit for %s", path, limit>>20, what)
	}
	return data, nil
}
