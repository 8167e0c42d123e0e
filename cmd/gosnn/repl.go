package main

import (
	"errors"

	"github.com/gosnn/gosnn/repl"
)

func init() {
	register("repl", "interactive Go session with the simulator (the default)", runRepl)
}

// newEvaluator creates the interpreter session used by repl and run.
func newEvaluator() (repl.Evaluator, error) {
	return nil, errors.New("gosnn: the interpreter session is not built into this binary yet")
}

func runRepl(args []string) int { return repl.Main(args, newEvaluator) }
