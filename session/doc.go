// Package session is the interpreted environment shared by the Jupyter kernel and the
// terminal REPL: one Yaegi interpreter with the Go standard library, gonum, gonum/plot, snn,
// snnplot and display preloaded, driven a cell at a time.
//
// A cell is split into runs of declarations and of statements (a repeated import is
// dropped). Packages used in almost every cell need no import: snn, snnplot, display, fmt,
// math, os, strings, time, filepath, sweep, mat, plot, plotter and vg are imported the first time a
// cell uses one of them (pkg.Name) without defining that name itself; a use of any other
// known package that is not imported fails with an error naming the import to add. A panic
// reports Go's wording ("runtime error: index out of range", where the interpreter's reflect
// says "reflect: slice index out of range") and the cell line of the statement it happened
// in: each statement of a run is preceded, on its line, by an assignment of a line mark
// (tight interpreted loops run about 10% slower for it). go statements are guarded so that a
// panic in a goroutine is reported on the cell's stderr stream instead of crashing the
// process; the trailing expression of a cell is its result (not shown when it has no value or
// looks like fmt.Println's (n, err)), rendered through the session's formatters: *plot.Plot
// as PNG (with Bundle.Figure to render it as SVG, PDF, ...), types with PNG/SVG/HTML/Markdown
// methods in their rich form (snn values render themselves this way: format.go imports no
// snn package), plain structs of snn and the packages under it without such methods as field
// tables, and text/plain always.
//
// Hosts: every network a cell creates gets a host of this session (snn.Host), through which
// its runs use the session's run context (an interrupt stops them, also runs in goroutines
// started by earlier cells) and show live progress. The session wraps, in its own
// interpreter's symbol tables, every exported function of snn and of the packages under it
// whose results include a *snn.Network or a struct with an snn.Host field (snn.Setup): a
// network without a host gets a new one, and a Host field left nil gets one, which
// Setup.Build attaches to the networks it builds (a Setup written as a literal in a cell has
// none until its Host is set). Nothing is registered process-wide, so two sessions in one
// process keep their networks apart. The host counts runs in flight by their Start and Final
// progress reports: an interrupted cell waits briefly for them to stop, and the next cell
// waits (up to 5 s) for the rest, so that it can run the same networks again.
//
// Completion offers members of imported packages and of the implicit set, fields and methods
// of variables, and those of the result of calls, indexes and composite literals
// (snn.DefaultConfig().Sc), typed from the symbol tables without running anything.
//
// Conventions: cursor positions and ranges in Complete and Inspect are byte offsets into the
// cell. Errors from user code are *Error values (kernel.UserError); other errors carry the
// prefix "session: ". With Options.Capture (Linux), file descriptors 1 and 2 belong to the
// session while it is open: hosts write to Session.Stdout and Session.Stderr. What a cell
// printed is forwarded to its sink before each display call, so the two keep their order. The
// stderr pipe is non-blocking for the runtime (os.Stderr is replaced by a file that waits for
// room), so a fatal runtime error's report never blocks on a pipe that no goroutine drains any
// more: the process dies instead of hanging. Cells see os.Stdin, os.Stdout and os.Stderr as
// duplicates of fds 0, 1 and 2: closing one in a cell leaves the process's descriptors open,
// and the next cell gets a fresh duplicate.
//
// Fatal errors (stack overflow, out of memory) cannot be recovered in the process. CrashLog
// (OpenCrashLog, Begin, End, Close) records the running cell and the runtime's crash output
// (runtime/debug.SetCrashOutput) in files under a base path (CrashBase); ReadCrash, in the
// next process, returns a *Crash whose Message names the cell and the fatal error.
//
// API for front ends: New(Options{Capture, Unrestricted}) and Close; the kernel.Evaluator
// methods Execute, Complete, Inspect and IsComplete; Stdout and Stderr (the process's original
// streams, to write to while capture owns fds 1 and 2); Displayer (what display.* calls in
// cells use); Interpreter (the Yaegi interpreter, for extra symbols); Text (the text/plain
// form of a value); *Error (user errors, with Name, Value and Traceback).
//
// Environment: cells see the process environment, as a compiled Go program does (yaegi's
// own default is an empty, private one): os.Getenv("GOSNN_DATA") reads what the kernel, the
// REPL or gosnn run was started with, and os.Setenv in a cell changes the process's
// environment, seen by compiled packages, by later cells and by commands that cells start.
//
// Input: interpreted fmt.Scan/Scanln/Scanf read lines asked from the running cell's sink when
// it implements display.Inputter (Jupyter input_request), and display.Input(prompt) asks
// explicitly; without an Inputter, reads see end of file.
//
// # Language limits
//
// Cells run in Yaegi v0.16.1, whose language level is about Go 1.21/1.22 (pinned by
// TestLanguageLimits, so an upgrade shows what changed):
//   - no range over an integer or a function (for i := range 10): use for i := 0; i < 10; i++;
//   - no min, max or clear builtins;
//   - loop variables are shared between iterations (Go 1.21 semantics): copy them (i := i)
//     before capturing them in a closure or goroutine;
//   - generic functions and types of compiled packages are not available (yaegi extract skips
//     them), e.g. sync.OnceValue; generic functions written in a cell work, and slices, maps
//     and cmp work (yaegi interprets their source);
//   - redefining a type in a later cell has no effect: the first definition stays (restart the
//     session); variables and functions can be redefined;
//   - interpreted values passed to compiled functions that take any lose their methods, except
//     for the functions the session registers (display.Show, display.Update, fmt's printers);
//     use display.Update(h, v), not h.Update(v), for interpreted types with rich methods;
//   - interpreted loops are about 80x slower than compiled code: per-neuron and per-step work
//     belongs in snn;
//   - interrupting a cell stops every goroutine started by cells, and every snn run.
package session
