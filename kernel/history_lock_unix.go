//go:build unix

package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockHistory takes an exclusive advisory lock (flock) on path.lock, so that kernels sharing
// one history file do their read-merge-write one at a time; the returned function releases it.
func lockHistory(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("kernel: history: %v", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("kernel: history: %v", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("kernel: history: lock %s: %v", f.Name(), err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
