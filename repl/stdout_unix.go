//go:build unix

package repl

import (
	"os"
	"syscall"
)

// original returns a duplicate of f (os.Stdout or os.Stderr) made before any cell runs, so
// that front-end output still reaches the terminal when a session redirects file
// descriptors 1 and 2 to capture what compiled code prints.
func original(f *os.File) *os.File {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return f
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), f.Name())
}
