//go:build !unix

package repl

import "os"

// terminalStdout returns the process's standard output.
func terminalStdout() *os.File { return os.Stdout }
