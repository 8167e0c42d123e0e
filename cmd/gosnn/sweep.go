package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/gosnn/gosnn/sweep"
)

// gosnn sweep runs parameter sweeps (package sweep): locally or as Slurm job arrays.

func init() {
	register("sweep", "parameter sweeps, local or on Slurm (run|task|status|cancel|collect; gosnn sweep -h)", func(args []string) int {
		ctx, stop := interruptContext()
		defer stop()
		return sweepCmd(ctx, args, os.Stdout, os.Stderr, isTerminal(os.Stderr))
	})
}

const sweepUsage = `usage: gosnn sweep COMMAND ...

  run SPEC.json -out DIR [-executor local|slurm] [-workers N] [-detach] [-watch]
                      run the sweep's tasks that are not done (a rerun finishes what is missing)
  task DIR INDEX      run one task (what each Slurm array task runs)
  status DIR [-watch] per-state counts, failures with their exit code and stderr tail
  cancel DIR          cancel the sweep's Slurm arrays or its local executor
  collect DIR [-json] write DIR/results.csv and DIR/results.json, print the table (CSV)`

// sweepCmd runs gosnn sweep with its arguments; tty says whether stderr is a terminal.
func sweepCmd(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, sweepUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name, args := args[0], args[1:]
	fs := flag.NewFlagSet("sweep "+name, flag.ContinueOnError)
	var (
		out      = fs.String("out", "", "the sweep's directory (run)")
		executor = fs.String("executor", "local", "local or slurm (run)")
		workers  = fs.Int("workers", 0, "tasks at once, local executor (0: cores / threads per task)")
		detach   = fs.Bool("detach", false, "return once the Slurm array is submitted (run -executor slurm)")
		watch    = fs.Bool("watch", tty, "draw a live progress bar (run, status)")
		asJSON   = fs.Bool("json", false, "print the table as JSON (collect)")
	)
	var nargs int
	switch name {
	case "run", "status", "cancel", "collect":
		nargs = 1
	case "task":
		nargs = 2
	default:
		fmt.Fprintf(stderr, "gosnn sweep: unknown command %q\n%s\n", name, sweepUsage)
		return 2
	}
	pos, code := parseInterspersed(fs, args, stderr, sweepUsage)
	if code >= 0 {
		return code
	}
	if len(pos) != nargs {
		fmt.Fprintf(stderr, "gosnn sweep %s: want %d argument(s), have %d\n%s\n", name, nargs, len(pos), sweepUsage)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "gosnn:", err)
		return 1
	}
	progress := func(st sweep.Status) {}
	if *watch {
		last := ""
		progress = func(st sweep.Status) {
			line := st.Bar(30)
			if line == last {
				return
			}
			last = line
			if tty {
				fmt.Fprintf(stderr, "\r\x1b[K%s", line)
			} else {
				fmt.Fprintln(stderr, line)
			}
		}
	}
	endLine := func() {
		if *watch && tty {
			fmt.Fprintln(stderr)
		}
	}
	switch name {
	case "run":
		if *out == "" {
			fmt.Fprintln(stderr, "gosnn sweep run: -out DIR is required")
			return 2
		}
		data, err := os.ReadFile(pos[0])
		if err != nil {
			return fail(err)
		}
		spec, err := sweep.ParseSpec(data)
		if err != nil {
			return fail(fmt.Errorf("%v (in %s)", err, pos[0]))
		}
		s, err := sweep.Prepare(spec, *out)
		if err != nil {
			return fail(err)
		}
		var x sweep.Executor
		switch *executor {
		case "local":
			x = sweep.Local{Workers: *workers}
		case "slurm":
			x = sweep.Slurm{Detach: *detach}
		default:
			fmt.Fprintf(stderr, "gosnn sweep run: -executor %q: want local or slurm\n", *executor)
			return 2
		}
		err = x.Run(ctx, s, progress)
		endLine()
		if st, serr := s.Status(context.WithoutCancel(ctx), nil); serr == nil {
			fmt.Fprint(stdout, st.Report())
		}
		if err != nil {
			return fail(err)
		}
		return 0
	case "task":
		s, err := sweep.Open(pos[0])
		if err != nil {
			return fail(err)
		}
		i, err := strconv.Atoi(pos[1])
		if err != nil {
			return fail(fmt.Errorf("sweep task: index %q: not an integer", pos[1]))
		}
		err = s.RunTask(ctx, i, sweep.TaskOptions{Stderr: os.Stderr})
		switch {
		case err == nil:
			return 0
		case errors.Is(err, sweep.ErrInterrupted):
			fmt.Fprintln(stderr, "gosnn:", err)
			return sweep.ExitInterrupted
		}
		fmt.Fprintln(stderr, "gosnn:", err)
		if i >= 0 && i < len(s.Tasks) && s.Failures(s.Tasks[i]) <= s.Spec.Retries {
			return sweep.ExitRetry
		}
		return 1
	case "status":
		s, err := sweep.Open(pos[0])
		if err != nil {
			return fail(err)
		}
		for {
			st, err := s.Status(ctx, nil)
			if err != nil {
				return fail(err)
			}
			progress(st)
			if !*watch || st.Active() == 0 || ctx.Err() != nil {
				endLine()
				fmt.Fprint(stdout, st.Report())
				return 0
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	case "cancel":
		if err := sweep.Cancel(ctx, pos[0], nil); err != nil {
			return fail(err)
		}
		return 0
	case "collect":
		tb, err := sweep.Collect(pos[0])
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			err = tb.WriteJSON(stdout)
		} else {
			err = tb.WriteCSV(stdout)
		}
		if err != nil {
			return fail(err)
		}
		return 0
	}
	return 2
}

// parseInterspersed parses flags placed before, between or after the positional arguments
// and returns the positional ones; the exit status is -1 when the command should go on.
func parseInterspersed(fs *flag.FlagSet, args []string, stderr io.Writer, usage string) ([]string, int) {
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0
			}
			return nil, 2
		}
		if fs.NArg() == 0 {
			return pos, -1
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
