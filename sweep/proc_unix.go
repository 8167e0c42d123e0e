//go:build unix

package sweep

import (
	"errors"
	"syscall"
)

// terminate sends SIGTERM to process pid; a process that no longer exists is not an error.
func terminate(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// alive reports whether process pid exists.
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
