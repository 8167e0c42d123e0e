package boundedread

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	big := filepath.Join(dir, "big")
	zero := filepath.Join(dir, "zero")
	fifo := filepath.Join(dir, "fifo")
	if err := os.WriteFile(small, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, 1<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		regular bool
		want    string // error substring, "" for success
	}{
		{small, false, ""},
		{small, true, ""},
		{big, false, big + " is larger than the 1-MiB limit for notebooks"},
		{zero, false, zero + " is a device, not one of the notebooks"},
		{zero, true, zero + " is not a regular file"},
		{dir, false, dir + " is a directory, not one of the notebooks"},
		{dir, true, dir + " is not a regular file"},
		{fifo, true, fifo + " is not a regular file"},
	} {
		data, err := ReadFile(tc.path, 1<<20, "notebooks", tc.regular)
		switch {
		case tc.want == "" && (err != nil || len(data) != 1<<20):
			t.Errorf("ReadFile(%s, regular=%v) = %d bytes, %v", filepath.Base(tc.path), tc.regular, len(data), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ReadFile(%s, regular=%v) error %v, want %q", filepath.Base(tc.path), tc.regular, err, tc.want)
		}
	}
}
