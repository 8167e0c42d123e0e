package repl

import (
	"context"
	"errors"
	"strings"

	"github.com/gosnn/gosnn/display"
)

// Evaluator runs code for the REPL and the notebook runner. It has the method set of the
// kernel's Evaluator (kernel/evaluator.go); the session package implements it, and tests use
// a fake. repl does not import kernel: the two interfaces match structurally.
type Evaluator interface {
	// Execute runs one cell, sending its output to out, and returns the cell's result
	// (nil when there is none) or an error. Cancelling ctx interrupts the cell; the
	// evaluator keeps its state.
	Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error)
	// Complete returns completion candidates for code at byte offset cursor and the byte
	// range [start, end) of code that a candidate replaces.
	Complete(code string, cursor int) (matches []string, start, end int)
	// Inspect returns the documentation of the symbol at byte offset cursor.
	Inspect(code string, cursor int, detailLevel int) (display.Bundle, bool)
	// IsComplete reports "complete", "incomplete", "invalid" or "unknown" for code, and
	// the indent of the next line when incomplete.
	IsComplete(code string) (status, indent string)
}

// userError is the method set of errors that come from user code (kernel.UserError).
type userError interface {
	error
	ErrorName() string
	ErrorTraceback() []string
}

// errorParts splits err into the Jupyter ename, evalue and traceback. Errors from user code
// give their own name and traceback; a cancelled context is reported as "Interrupted"; any
// other error is an "Error" whose traceback is its message.
func errorParts(err error) (ename, evalue string, traceback []string) {
	var ue userError
	if errors.As(err, &ue) {
		tb := ue.ErrorTraceback()
		if tb == nil {
			tb = []string{}
		}
		return ue.ErrorName(), ue.Error(), tb
	}
	if errors.Is(err, context.Canceled) {
		return "Interrupted", err.Error(), []string{err.Error()}
	}
	return "Error", err.Error(), strings.Split(err.Error(), "\n")
}
