//go:build !(linux || darwin)

package repl

import "os"

// terminalWidth returns 0 (unknown) where the window size cannot be queried.
func terminalWidth(f *os.File) int { return 0 }
