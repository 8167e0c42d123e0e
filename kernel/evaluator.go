package kernel

import (
	"context"

	"github.com/gosnn/gosnn/display"
)

// Evaluator runs code for the kernel. The session package implements it with a Yaegi
// interpreter; tests use a fake.
type Evaluator interface {
	// Execute runs one cell. Output produced while it runs goes to out (streams, displays,
	// input requests when out implements display.Inputter). It returns the cell's result
	// bundle (nil when the cell has no result to show) or an error. An error from user code
	// (compile error, panic, runtime error) should implement UserError; ctx is cancelled on
	// interrupt and the evaluator must keep its state.
	Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error)
	// Complete returns completion candidates for code at byte offset cursor, and the byte
	// range [start, end) that a chosen candidate replaces.
	Complete(code string, cursor int) (matches []string, start, end int)
	// Inspect returns documentation of the symbol at byte offset cursor; found is false
	// when there is nothing to show. detailLevel is 0 or 1 as in the Jupyter protocol.
	Inspect(code string, cursor int, detailLevel int) (b display.Bundle, found bool)
	// IsComplete reports whether code is a complete cell: "complete", "incomplete",
	// "invalid" or "unknown", with the indent to use on the next line when incomplete.
	IsComplete(code string) (status, indent string)
}

// UserError is implemented by errors that come from user code (compile error, panic, runtime
// error, interrupt). The kernel reports them as one Jupyter "error" message; any other error
// is reported with ename "Error" and its message.
type UserError interface {
	error
	// ErrorName is the Jupyter ename, e.g. "CompileError", "panic", "Interrupted".
	ErrorName() string
	// ErrorTraceback is the traceback shown to the user, one line per element.
	ErrorTraceback() []string
}
