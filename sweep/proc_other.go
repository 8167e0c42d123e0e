//go:build !unix

package sweep

import (
	"errors"
	"os"
)

// terminate stops process pid (there is no SIGTERM here: the process is killed, and a task
// it was running resumes only as far as its last snapshot); a process that no longer exists
// is not an error.
func terminate(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
