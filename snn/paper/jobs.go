package paper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	spawn := func(ctx context.Context, n string) error {
		if bin != "" {
			return runChild(ctx, cfg, out, bin, n, logMu, logf)
		}
		r, _ := runSpec(n)
		o, _, err := r.Options(cfg.Scale, out)
		if err != nil {
			return err
		}
		_, err = runOne(ctx, cfg, out, r, o, logf)
		return err
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
				st, err := makeRun(ctx, cfg, out, n, logf, spawn)
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
func runChild(ctx context.Context, cfg RunConfig, out, bin, n string, logMu *sync.Mutex, logf func(string, ...any)) error {
	args := []string{"paper", "run", "--scale", string(cfg.Scale), "--out", out, "--run", n}
	if cfg.Threads > 0 {
		args = append(args, "--threads", strconv.Itoa(cfg.Threads))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	w := &lineWriter{mu: logMu, w: cfg.Log, prefix: "[" + n + "] "}
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

// lineWriter writes whole lines to w, each with prefix, under mu (several children share w);
// it keeps the last line for error messages.
type lineWriter struct {
	mu     *sync.Mutex
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
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s%s", l.prefix, line)
}

// flush writes what is left of an unfinished last line.
func (l *lineWriter) flush() {
	if len(l.buf) > 0 {
		l.emit(append(l.buf, '\n'))
		l.buf = nil
	}
}
