// Command gosnn is the single gosnn binary: the terminal REPL (default), the Jupyter kernel and
// its installer, the headless notebook runner, batch benchmarks and experiments, parameter
// sweeps run here or as Slurm job arrays (gosnn sweep), and the fetching and checking of the
// authors' data (gosnn data).
//
// Each subcommand lives in its own file and registers itself in init with register. The REPL
// and run execute in a supervised child process of the same binary, which reports a fatal
// error of a cell on the terminal (crash.go).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: run receives the arguments after the subcommand name and returns
// the process exit status.
type command struct {
	summary string
	run     func(args []string) int
}

var commands = map[string]command{}

// register adds a subcommand; it is called from init functions only.
func register(name, summary string, run func(args []string) int) {
	if _, dup := commands[name]; dup {
		panic("gosnn: duplicate command " + name)
	}
	commands[name] = command{summary, run}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gosnn [command] [flags]")
	fmt.Fprintln(os.Stderr, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nWithout a command (or with only flags) gosnn starts the REPL. 'gosnn COMMAND -h' shows its flags.")
}

func main() {
	args := os.Args[1:]
	name := "repl"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help" || a == "help":
			usage()
			return
		case strings.HasPrefix(a, "-"):
			// Flags without a command belong to the default command: gosnn -images off.
		default:
			name, args = a, args[1:]
		}
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "gosnn: unknown command %q\n", name)
		usage()
		os.Exit(2)
	}
	os.Exit(cmd.run(args))
}

// interruptContext returns a context cancelled by the first SIGINT (Ctrl-C, a Jupyter or
// terminal interrupt) or SIGTERM (what Slurm sends a job it cancels or times out), so that a
// long command stops and leaves what it can resume; stop releases the signals.
func interruptContext() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
