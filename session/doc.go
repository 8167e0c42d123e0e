// Package session is the interpreted environment shared by the Jupyter kernel and the
// terminal REPL: one Yaegi interpreter with the Go standard library, gonum, gonum/plot, snn,
// snnplot and display preloaded, driven a cell at a time.
//
// A cell is split into runs of declarations and of statements (a repeated import is
// dropped); go statements are guarded so that a panic in a goroutine is reported on the
// cell's stderr stream instead of crashing the process; the trailing expression of a cell is
// its result (not shown when it has no value or looks like fmt.Println's (n, err)), rendered
// through the session's formatters: *plot.Plot as PNG, types with PNG/SVG/HTML/Markdown
// methods in their rich form, and text/plain always.
//
// Conventions: cursor positions and ranges in Complete and Inspect are byte offsets into the
// cell. Errors from user code are *Error values (kernel.UserError); other errors carry the
// prefix "session: ". With Options.Capture (Linux), file descriptors 1 and 2 belong to the
// session while it is open: hosts write to Session.Stdout and Session.Stderr.
//
// Input: interpreted fmt.Scan/Scanln/Scanf read lines asked from the running cell's sink when
// it implements display.Inputter (Jupyter input_request), and display.Input(prompt) asks
// explicitly; without an Inputter, reads see end of file.
package session
