package main

import (
	"github.com/gosnn/gosnn/repl"
	"github.com/gosnn/gosnn/session"
)

func init() {
	register("run", "execute a notebook (FILE.ipynb [-o OUT.ipynb] [-figures DIR] [-figure-format png,svg,pdf] [-p name=value]) or a Go script (FILE.go)", runRun)
}

// runRun executes a notebook or script. Its session captures stdout and stderr so that
// everything a cell prints, compiled code included, lands in that cell's outputs.
// It runs in a supervised child process that reports a fatal error (see crash.go).
func runRun(args []string) int {
	return supervised("run", args, func(args []string) int {
		return repl.RunMain(args, func() (repl.Evaluator, error) {
			s, err := session.New(session.Options{Capture: true})
			if err != nil {
				return nil, err
			}
			return withCrashLog(s), nil
		})
	})
}
