//go:build unix

package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

func acquire(dir, command string) (*Lock, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("gosnn: lock %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return nil, fmt.Errorf("gosnn: %s is in use by %v", dir, readHolder(path))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("gosnn: lock %s: %w", dir, err)
	}
	if err := writeHolder(f, command); err != nil {
		f.Close()
		return nil, fmt.Errorf("gosnn: lock %s: %w", dir, err)
	}
	return &Lock{dir: dir, f: f, held: true}, nil
}
