//go:build !unix

package repl

import "os"

// original returns f: descriptor redirection is a Linux feature of the session.
func original(f *os.File) *os.File { return f }
