//go:build !linux

package session

import (
	"errors"
	"os"
)

// Output capture redirects file descriptors and is implemented on Linux only; elsewhere
// Options.Capture is refused and output goes to the process's own stdout and stderr.

const captureSupported = false

type capture struct {
	origOut, origErr *os.File
}

func startCapture(route func(name, text string)) (*capture, error) {
	return nil, errors.New("session: output capture is only supported on Linux")
}

func (c *capture) flush() {}

func (c *capture) stop() error { return nil }

// dupStd gives cells the process's own os.Stdout and os.Stderr outside Linux.
func dupStd(fd int, name string) *os.File { return nil }
