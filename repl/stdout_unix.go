//go:build unix

package repl

import (
	"os"
	"syscall"
)

// terminalStdout returns a duplicate of the process's standard output, made before any
// cell runs, so that front-end output still reaches the terminal when the session
// redirects file descriptor 1 to capture what compiled code prints.
func terminalStdout() *os.File {
	fd, err := syscall.Dup(int(os.Stdout.Fd()))
	if err != nil {
		return os.Stdout
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "/dev/stdout")
}
