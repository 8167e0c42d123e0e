// Command fakegosnn is the gosnn REPL over the fake evaluator of package
// repl/internal/fake: the tmux tests of package repl drive it to check terminal behaviour
// (multi-line input, completion, history, Ctrl-C) without building the interpreter.
package main

import (
	"os"

	"github.com/gosnn/gosnn/repl"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

func main() {
	os.Exit(repl.Main(os.Args[1:], func() (repl.Evaluator, error) { return &fake.Evaluator{}, nil }))
}
