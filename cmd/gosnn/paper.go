package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/snn/paper"
	"github.com/gosnn/gosnn/sweep"
)

// gosnn paper makes the runs of the reproduction report (package snn/paper) and writes it.

func init() {
	register("paper", "reproduce the paper's figures and acceptance items (run|report|list; gosnn paper -h)", func(args []string) int {
		ctx, stop := interruptContext()
		defer stop()
		return paperCmd(ctx, args, os.Stdout, os.Stderr)
	})
}

const paperUsage = `usage: gosnn paper COMMAND ...

  run --out DIR [--scale quick|full] [--only IDS] [--threads N] [--executor local|slurm] [--jobs N] [--run NAME] [--slurm FILE]
          make the runs and sweeps the entries need (resumable: a second call skips
          finished runs and tasks); --jobs N makes N runs at once, each in a gosnn process
          of its own and after the runs it reads, then N tasks of a sweep at once;
          --executor slurm submits each run as a Slurm job (after the jobs of the runs it
          reads; FILE: their Slurm options, as a sweep spec's slurm field) and a sweep's
          tasks (the size families of Fig 3 and A17) as one job array, and returns (gosnn
          paper report shows how far they have come); --run NAME makes that run alone
  cancel --out DIR [--only IDS]
          stop the runs' Slurm jobs and the sweeps that run left going (resumable)
  report --out DIR [--only IDS]
          write DIR/report.md, DIR/report.json and DIR/figures/*.png from the runs in DIR
  list    print the catalogue: ID, title, runs and sweeps; then every run (with its full
          options where they do not read another run's output) and sweep

IDS is a comma-separated list of entries: Fig1 … Fig7, A1 … A17, C1 … C4 (list prints them).`

// paperCmd runs gosnn paper with its arguments.
func paperCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, paperUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name, args := args[0], args[1:]
	fs := flag.NewFlagSet("paper "+name, flag.ContinueOnError)
	out := fs.String("out", "", "the output directory (runs in DIR/runs/NAME)")
	scaleName := fs.String("scale", "quick", "quick (minutes on 2 cores) or full (the paper's scale: hours to days)")
	only := fs.String("only", "", "comma-separated entry IDs (default: all)")
	threads := fs.Int("threads", 0, "worker threads per run (0: GOMAXPROCS)")
	executor := fs.String("executor", "local", "local or slurm: where the runs and a sweep's tasks are made (run)")
	jobs := fs.Int("jobs", 1, "runs, and tasks of a sweep, made at once here, each in a gosnn process of its own (run)")
	oneRun := fs.String("run", "", "make this run alone, one of the entries' runs (what --jobs starts in a process of its own) (run)")
	slurmFile := fs.String("slurm", "", "a JSON file of the Slurm options of the runs' jobs, as a sweep spec's slurm field (run, with --executor slurm)")
	switch name {
	case "run", "report", "list", "cancel":
	default:
		fmt.Fprintf(stderr, "gosnn paper: unknown command %q\n%s\n", name, paperUsage)
		return 2
	}
	usage := map[string]string{
		"run":    "gosnn paper run --out DIR [--scale quick|full] [--only IDS] [--threads N] [--executor local|slurm] [--jobs N] [--run NAME] [--slurm FILE]",
		"report": "gosnn paper report --out DIR [--only IDS]",
		"list":   "gosnn paper list [--only IDS]",
		"cancel": "gosnn paper cancel --out DIR [--only IDS]",
	}[name]
	if code := parseFlags(fs, args, stderr, usage); code >= 0 {
		return code
	}
	var ids []string
	if *only != "" {
		ids = strings.Split(*only, ",")
	}
	if _, err := paper.Select(ids); err != nil {
		fmt.Fprintf(stderr, "gosnn paper %s: %v\n", name, err)
		return 2
	}
	if name == "list" {
		es, _ := paper.Select(ids)
		for _, e := range es {
			fmt.Fprintf(stdout, "%-5s %s\n", e.ID, e.Title)
			if len(e.Runs) > 0 {
				fmt.Fprintf(stdout, "      runs: %s\n", strings.Join(e.Runs, ", "))
			}
			if len(e.Sweeps) > 0 {
				fmt.Fprintf(stdout, "      sweeps: %s\n", strings.Join(e.Sweeps, ", "))
			}
			if len(e.Beside) > 0 {
				fmt.Fprintf(stdout, "      shown beside: %s\n", strings.Join(e.Beside, ", "))
			}
		}
		if len(ids) == 0 {
			for _, r := range paper.Runs() {
				fmt.Fprintf(stdout, "run %s: %s\n", r.Name, r.About)
				if o, ok, err := r.Options(paper.Full, ""); ok && err == nil {
					var buf bytes.Buffer
					if js, err := experiment.EncodeOptions(o); err == nil && json.Compact(&buf, js) == nil {
						fmt.Fprintf(stdout, "      full: %s\n", buf.String())
					}
				}
			}
			for _, w := range paper.Sweeps() {
				fmt.Fprintf(stdout, "sweep %s: %s\n", w.Name, w.About)
			}
		}
		return 0
	}
	if *out == "" {
		fmt.Fprintf(stderr, "gosnn paper %s: give --out DIR\n", name)
		return 2
	}
	if name == "cancel" {
		done, err := paper.Cancel(ctx, *out, ids, nil)
		for _, c := range done {
			fmt.Fprintf(stdout, "cancelled %s\n", c)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gosnn paper cancel: %v\n", err)
			return 1
		}
		if len(done) == 0 {
			fmt.Fprintln(stdout, "nothing queued or running")
		}
		return 0
	}
	if name == "report" {
		rep, err := paper.Write(*out, ids)
		if err != nil {
			fmt.Fprintf(stderr, "gosnn paper report: %v\n", err)
			return 1
		}
		count := map[paper.Verdict]int{}
		for _, e := range rep.Entries {
			count[e.Verdict]++
		}
		fmt.Fprintf(stdout, "%s/report.md: %d agree, %d disagree, %d not run, %d without reference\n", *out,
			count[paper.Agrees], count[paper.Disagrees], count[paper.NotRun], count[paper.NoReference])
		return 0
	}
	scale, err := paper.ParseScale(*scaleName)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn paper run: %v\n", err)
		return 2
	}
	if *threads < 0 {
		fmt.Fprintf(stderr, "gosnn paper run: --threads %d: must be >= 0\n", *threads)
		return 2
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "gosnn paper run: --jobs %d: must be >= 1\n", *jobs)
		return 2
	}
	var x sweep.Executor // nil: paper.Run's default, here one task at a time
	switch *executor {
	case "local":
		if *jobs > 1 {
			x = sweep.Local{Workers: *jobs}
		}
	case "slurm": // each run a job, the sweeps' tasks arrays (their spec's max_running limits them)
		x = sweep.Slurm{Detach: true}
	default:
		fmt.Fprintf(stderr, "gosnn paper run: --executor %q: want local or slurm\n", *executor)
		return 2
	}
	command := "gosnn paper run --scale " + string(scale) + " --out " + *out
	if *only != "" {
		command += " --only " + *only
	}
	if *threads > 0 {
		command += fmt.Sprintf(" --threads %d", *threads)
	}
	if *oneRun != "" {
		command += " --run " + *oneRun
	}
	host := &stderrHost{ctx: ctx, w: stderr, last: time.Now()}
	var slurm sweep.SlurmOptions
	if *slurmFile != "" {
		if *executor != "slurm" {
			fmt.Fprintf(stderr, "gosnn paper run: --slurm needs --executor slurm\n")
			return 2
		}
		if slurm, err = readSlurmOptions(*slurmFile); err != nil {
			fmt.Fprintf(stderr, "gosnn paper run: %v\n", err)
			return 2
		}
	}
	sum, err := paper.Run(ctx, paper.RunConfig{Out: *out, Scale: scale, IDs: ids, Threads: *threads, Command: command, Log: stderr, Host: host,
		Executor: x, Jobs: *jobs, OneRun: *oneRun, Slurm: slurm})
	if err != nil {
		fmt.Fprintf(stderr, "gosnn paper run: %v\n", err)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "gosnn paper run: interrupted; run the same command again to resume\n")
			return sweep.ExitInterrupted // a Slurm job's script requeues it
		}
		return 1
	}
	fmt.Fprintf(stdout, "%d run(s) made, %d finished before, %d not available", len(sum.Ran), len(sum.Skipped), len(sum.Unavailable))
	if len(sum.Queued) > 0 {
		fmt.Fprintf(stdout, ", %d queued on Slurm: %s; `gosnn paper report --out %s` shows how far they have come, `gosnn paper cancel --out %s` stops them\n",
			len(sum.Queued), strings.Join(sum.Queued, ", "), *out, *out)
		return 0
	}
	fmt.Fprintf(stdout, "; now: gosnn paper report --out %s\n", *out)
	return 0
}

// readSlurmOptions reads a JSON file of Slurm options (a sweep spec's slurm field); an unknown
// field is an error.
func readSlurmOptions(path string) (sweep.SlurmOptions, error) {
	var o sweep.SlurmOptions
	data, err := os.ReadFile(path)
	if err != nil {
		return o, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, fmt.Errorf("%s: %v", path, err)
	}
	return o, nil
}
