package main

import (
	"github.com/gosnn/gosnn/repl"
	"github.com/gosnn/gosnn/session"
)

func init() {
	register("repl", "interactive Go session with the simulator (the default)", runRepl)
}

// runRepl starts the terminal REPL. Its session does not capture file descriptors 1 and 2:
// the line editor needs the terminal on them, and what cells print goes straight to it.
// It runs in a supervised child process that reports a fatal error (see crash.go).
func runRepl(args []string) int {
	return supervised("repl", args, func(args []string) int {
		return repl.Main(args, func() (repl.Evaluator, error) {
			s, err := session.New(session.Options{})
			if err != nil {
				return nil, err
			}
			return withCrashLog(s), nil
		})
	})
}
