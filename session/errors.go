package session

import (
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Error is an error from user code: a compile error, a panic, a runtime error or an
// interrupt. It implements kernel.UserError.
type Error struct {
	// Name is the kind of error: "CompileError", "panic", "Interrupted" or "RuntimeError".
	Name string
	// Value is the message, without the kind.
	Value string
	// Traceback is what the user sees, one line per element.
	Traceback []string
}

// Error returns Value, the message alone: front ends show it next to Name (Jupyter's evalue
// beside ename), so neither the kind nor a package prefix is repeated here. Errors of the
// session itself (not of user code) carry the prefix "session: ".
func (e *Error) Error() string { return e.Value }

// ErrorName returns the Jupyter ename.
func (e *Error) ErrorName() string { return e.Name }

// ErrorTraceback returns the traceback lines.
func (e *Error) ErrorTraceback() []string { return e.Traceback }

// Error kinds.
const (
	ErrCompile     = "CompileError"
	ErrPanic       = "panic"
	ErrInterrupted = "Interrupted"
	ErrRuntime     = "RuntimeError"
)

// posRE matches a position "line:col: " at the start of a message, possibly after a file
// name, as yaegi and go/scanner print them.
var posRE = regexp.MustCompile(`^(?:[^\s:]*:)?(\d+):(\d+): `)

// innerPosRE matches positions inside a message ("previous declaration at _.go:1:18").
var innerPosRE = regexp.MustCompile(`_\.go:(\d+):\d+`)

// relocate rewrites the position at the start of msg, relative to a run that starts on
// cell line `line`, into a cell position "line N: ".
func relocate(msg string, line int) string {
	msg = innerPosRE.ReplaceAllStringFunc(msg, func(p string) string {
		m := innerPosRE.FindStringSubmatch(p)
		l, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("line %d", l+line-1)
	})
	m := posRE.FindStringSubmatchIndex(msg)
	if m == nil {
		return msg
	}
	l, _ := strconv.Atoi(msg[m[2]:m[3]])
	return fmt.Sprintf("line %d: %s", l+line-1, msg[m[1]:])
}

// userError turns an interpreter error into an *Error. diag holds the interpreter's own
// diagnostics written during the run (for panics, the interpreted call sites).
func userError(err error, compile bool, line int, diag []string) *Error {
	var ue *Error
	if errors.As(err, &ue) {
		return ue
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Name: ErrInterrupted, Value: "cell interrupted",
			Traceback: []string{"Interrupted: the cell was stopped; variables keep the values they had"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		v := fmt.Sprint(p.Value)
		tb := []string{"panic: " + v}
		for _, d := range diag {
			tb = append(tb, "  "+relocate(strings.TrimSpace(d), line))
		}
		return &Error{Name: ErrPanic, Value: v, Traceback: tb}
	}
	var el scanner.ErrorList
	if errors.As(err, &el) {
		var tb []string
		for _, e := range el {
			tb = append(tb, relocate(e.Error(), line))
		}
		return &Error{Name: ErrCompile, Value: strings.Join(tb, "; "), Traceback: tb}
	}
	msg := relocate(err.Error(), line)
	name := ErrRuntime
	if compile {
		name = ErrCompile
	}
	tb := []string{name + ": " + msg}
	if compile {
		if h := limitHint(msg); h != "" {
			tb = append(tb, "hint: "+h)
		}
	}
	return &Error{Name: name, Value: msg, Traceback: tb}
}

// diagFuncRE matches the function yaegi names in a panic diagnostic ("panic: main.f(...)").
var diagFuncRE = regexp.MustCompile(`panic: (?:main\.)?([\w.]+)\(\.\.\.\)`)

// panicError reports a panic in a cell: Go's wording (panicMessage), the line where it
// happened (from the line marks) and the cell-defined functions it went through (from the
// interpreter's diagnostics, innermost first).
func panicError(p interp.Panic, where string, diag []string) *Error {
	v := panicMessage(p.Value)
	tb := []string{"panic: " + v}
	if where != "" {
		tb = append(tb, "  at "+where)
	}
	for _, d := range diag {
		if m := diagFuncRE.FindStringSubmatch(d); m != nil && m[1] != "main" && m[1] != "func" && !strings.HasSuffix(m[1], ".func") {
			tb = append(tb, "  in "+m[1])
		}
	}
	return &Error{Name: ErrPanic, Value: v, Traceback: tb}
}

// limitHint explains compile errors that come from the interpreter's language level
// (README "Language limits").
func limitHint(msg string) string {
	switch {
	case strings.HasSuffix(msg, "nil type"):
		return "the interpreter does not support range over an integer or a function; use a three-clause for loop"
	case strings.HasSuffix(msg, "undefined: min"), strings.HasSuffix(msg, "undefined: max"):
		return "the min and max builtins (Go 1.21) are not available in the interpreter; use math.Min/math.Max or an if"
	case strings.HasSuffix(msg, "undefined: clear"):
		return "the clear builtin is not available in the interpreter; delete keys in a loop or make a new map"
	}
	return ""
}
