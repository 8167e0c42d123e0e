// Command fakegosnn is the gosnn REPL over the fake evaluator of package
// repl/internal/fake: the tmux tests of package repl drive it to check terminal behaviour
// (multi-line input, completion, history, Ctrl-C) and the run command without building the
// interpreter. Its arguments are those of gosnn: [repl] flags, or run FILE flags.
package main

import (
	"os"

	"github.com/gosnn/gosnn/repl"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

func main() {
	newEv := func() (repl.Evaluator, error) { return &fake.Evaluator{}, nil }
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "run" {
		os.Exit(repl.RunMain(args[1:], newEv))
	}
	if len(args) > 0 && args[0] == "repl" {
		args = args[1:]
	}
	os.Exit(repl.Main(args, newEv))
}
