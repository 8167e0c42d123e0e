package paper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/sweep"
)

// runSideBySide makes the runs names, cfg.Jobs at a time, each once the runs it reads
// (RunSpec.After) among names are settled: made, finished before or unavailable. It counts
// them in sum in the order of names. A run that fails stops the start of others; those
// under way finish, and the first error is returned. Cancelling ctx interrupts the runs under
// way (they leave what they resume from).
func runSideBySide(ctx context.Context, cfg RunConfig, out string, names []string, sum *RunSummary, logMu *sync.Mutex, logf func(string, ...any)) error {
	bin := cfg.Binary
	if bin == "" {
		bin = sweep.SelfBinary()
	}
	if cfg.Log != nil { // the runs' own log lines, from runs made side by side in this process
		cfg.Log = &lockedWriter{mu: logMu, w: cfg.Log}
	}
	var child func(context.Context, string) error // nil: the runs are made in this process
	if bin != "" {
		child = func(ctx context.Context, n string) error { return runChild(ctx, cfg, out, bin, n, logf) }
	}
	const (
		waiting = iota
		running
		settled
	)
	state := make(map[string]int, len(names))
	status := make(map[string]runStatus, len(names))
	ready := func(n string) bool {
		r, _ := runSpec(n)
		for _, a := range r.After {
			if slices.Contains(names, a) && state[a] != settled {
				return false
			}
		}
		return true
	}
	type ended struct {
		name string
		st   runStatus
		err  error
	}
	done := make(chan ended)
	var firstErr error
	busy := 0
	for {
		for _, n := range names {
			if busy >= cfg.Jobs || firstErr != nil || ctx.Err() != nil {
				break
			}
			if state[n] != waiting || !ready(n) {
				continue
			}
			state[n] = running
			busy++
			go func() {
				st, err := makeRun(ctx, cfg, out, n, logf, child)
				done <- ended{n, st, err}
			}()
		}
		if busy == 0 {
			break
		}
		e := <-done
		busy--
		state[e.name] = settled
		if e.err == nil {
			status[e.name] = e.st
		} else if firstErr == nil {
			firstErr = e.err
		}
	}
	for _, n := range names {
		if st, ok := status[n]; ok {
			sum.add(n, st)
		}
	}
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("paper: stopped: %w", ctx.Err())
	}
	return firstErr
}

// runChild makes run n in a child process `bin paper run --scale S --out OUT --run NAME`
// whose log lines (its stderr) reach cfg.Log prefixed with "[NAME] "; cancelling ctx interrupts it
// (SIGINT: it saves what it resumes from).
func runChild(ctx context.Context, cfg RunConfig, out, bin, n string, logf func(string, ...any)) error {
	args := []string{"paper", "run", "--scale", string(cfg.Scale), "--out", out, "--run", n}
	if cfg.Threads > 0 {
		args = append(args, "--threads", strconv.Itoa(cfg.Threads))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	w := &lineWriter{w: cfg.Log, prefix: "[" + n + "] "}
	if cfg.Log == nil {
		w.w = io.Discard
	}
	cmd.Stderr = w // its stdout is only its summary line
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute // time to save a snapshot
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("paper: run %s: %w", n, err)
	}
	logf("%s: made in a process of its own (pid %d)", n, cmd.Process.Pid)
	err := cmd.Wait()
	w.flush()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("paper: run %s: interrupted: %w", n, ctx.Err())
	case errors.As(err, &ee):
		return fmt.Errorf("paper: run %s: `%s %s` failed (%v): %s", n, bin, strings.Join(args, " "), err, bytes.TrimSpace(w.last))
	}
	return fmt.Errorf("paper: run %s: %w", n, err)
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// lineWriter writes whole lines to w, each with prefix and in one Write (several children
// share w, a lockedWriter); it keeps the last line for error messages.
type lineWriter struct {
	w      io.Writer
	prefix string
	buf    []byte
	last   []byte
}

func (l *lineWriter) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i+1])
		l.buf = l.buf[i+1:]
	}
	return len(b), nil
}

// emit writes one line.
func (l *lineWriter) emit(line []byte) {
	if len(bytes.TrimSpace(line)) > 0 {
		l.last = append(l.last[:0], line...)
	}
	l.w.Write(append([]byte(l.prefix), line...))
}

// flush writes what is left of an unfinished last line.
func (l *lineWriter) flush() {
	if len(l.buf) > 0 {
		l.emit(append(l.buf, '\n'))
		l.buf = nil
	}
}

// submitRuns submits each of the runs names that has not finished as a Slurm job of its own
// (`gosnn paper run --scale S --out OUT --run NAME --threads C` in OUT/runs/NAME/slurm, with
// the options cfg.Slurm), after the jobs of the runs it reads (afterok): a job that Slurm
// still lists as queued or running from an earlier call is kept, not submitted again. Runs
// not part of the scale, or whose options do not validate while the runs they read have
// finished, are unavailable. It returns once the jobs are submitted.
func submitRuns(ctx context.Context, cfg RunConfig, sl sweep.Slurm, out string, names []string, sum *RunSummary, logf func(string, ...any)) error {
	cpus := max(cfg.Threads, cfg.Slurm.CPUsPerTask, 1)
	jobs := map[string]string{} // run name → job ID, for the runs after it
	for _, n := range names {
		r, _ := runSpec(n)
		o, ok, err := r.Options(cfg.Scale, out)
		if !ok {
			logf("%s: not part of the %s scale", n, cfg.Scale)
			sum.add(n, runUnavailable)
			continue
		}
		var after []string
		for _, a := range r.After {
			if id := jobs[a]; id != "" {
				after = append(after, id)
			}
		}
		if err != nil && len(after) == 0 {
			// Its options cannot wait for a run under way: they will not validate.
			logf("%s: skipped", strings.TrimPrefix(err.Error(), "paper: "))
			sum.add(n, runUnavailable)
			continue
		}
		if err == nil {
			_, done, err := finishedBefore(out, n, o, logf)
			if err != nil {
				return err
			}
			if done {
				sum.add(n, runSkipped)
				continue
			}
		}
		dir := filepath.Join(runDir(out, n), "slurm")
		id, err := sl.Queued(ctx, dir)
		if err != nil {
			return fmt.Errorf("paper: run %s: %w", n, err)
		}
		if id != "" {
			logf("%s: queued before as Slurm job %s", n, id)
		} else {
			args := []string{"paper", "run", "--scale", string(cfg.Scale), "--out", out, "--run", n, "--threads", strconv.Itoa(cpus)}
			id, err = sl.Submit(ctx, sweep.Job{Name: "gosnn-" + n, Dir: dir, Args: args, After: after, CPUs: cpus, Options: cfg.Slurm})
			if err != nil {
				return fmt.Errorf("paper: run %s: %w", n, err)
			}
			if len(after) > 0 {
				logf("%s: submitted as Slurm job %s, after job %s (its output: %s)", n, id, strings.Join(after, ", "), filepath.Join(dir, "job.log"))
			} else {
				logf("%s: submitted as Slurm job %s (its output: %s)", n, id, filepath.Join(dir, "job.log"))
			}
		}
		jobs[n] = id
		sum.Queued = append(sum.Queued, fmt.Sprintf("%s (job %s)", n, id))
	}
	return nil
}

// Cancel stops what Run left running for the entries ids (nil: all) in out: the Slurm jobs of
// their runs that Slurm still lists, marked so that none is requeued, and their sweeps
// (sweep.Cancel: their arrays, or a local executor running them); env is the Slurm clients'
// environment (nil: this process's). What the runs and tasks saved stays: Run resumes them.
// It returns what it cancelled: "NAME (job ID)" for a run, "sweep NAME" for a sweep.
func Cancel(ctx context.Context, out string, ids []string, env []string) ([]string, error) {
	es, err := Select(ids)
	if err != nil {
		return nil, err
	}
	var cancelled []string
	sl := sweep.Slurm{Env: env}
	for _, n := range runsOf(es) {
		dir := filepath.Join(runDir(out, n), "slurm")
		id, err := sl.CancelJob(ctx, dir)
		if err != nil {
			return cancelled, fmt.Errorf("paper: run %s: %w", n, err)
		}
		if id != "" {
			cancelled = append(cancelled, fmt.Sprintf("%s (job %s)", n, id))
		}
	}
	for _, n := range sweepsOf(es) {
		s, done, err := sweepState(out, n)
		if err != nil {
			return cancelled, err
		}
		if s == nil || len(done) == len(s.Tasks) {
			continue // never prepared, or finished
		}
		if err := sweep.Cancel(ctx, s.Dir, env); err != nil {
			return cancelled, fmt.Errorf("paper: sweep %s: %w", n, err)
		}
		cancelled = append(cancelled, "sweep "+n)
	}
	return cancelled, nil
}
