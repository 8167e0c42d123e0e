package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// localPidFile records the process of a running local executor: host and pid.
const localPidFile = "local.pid"

// Executor runs the tasks of a sweep that are not done.
type Executor interface {
	// Run runs (or submits) the tasks that are not done and waits until none is left
	// running, calling progress (if not nil) as they advance.
	Run(ctx context.Context, s *Sweep, progress func(Status)) error
}

// Local runs the tasks on this machine, several at a time. One at a time (Workers 1), an
// experiment task runs in this process; several at a time, each runs in a gosnn process of
// its own (`gosnn sweep task DIR INDEX`, what a Slurm array task runs), so that the CPU time
// it reports (the process's, getrusage) and its memory are its own, not shared with the tasks
// beside it. Notebook tasks always run in child gosnn processes.
type Local struct {
	// Workers is the number of tasks run at once (0: the cores divided by the spec's
	// threads per task, at least 1).
	Workers int
	// Binary is the gosnn binary of notebook tasks ("": Binary()), and of experiment tasks
	// when several run at once ("": this program if it is gosnn; otherwise they run in this
	// process, where the CPU times they report include those of the tasks beside them).
	Binary string
	// Every is the interval between two progress reports besides those at the end of a
	// task (0: 500 ms).
	Every time.Duration
}

// Run runs every task that has no result file yet, failed ones again (up to the spec's
// Retries more times each), and returns nil when all are done. Cancelling ctx stops the
// running tasks (they leave what they resume from) and returns an error wrapping ctx.Err().
func (l Local) Run(ctx context.Context, s *Sweep, progress func(Status)) error {
	workers := l.Workers
	if workers <= 0 {
		workers = max(1, runtime.NumCPU()/s.threads())
	}
	os.Remove(filepath.Join(s.Dir, cancelFile))
	host, _ := os.Hostname()
	pidPath := filepath.Join(s.Dir, localPidFile)
	if err := writeAtomic(pidPath, fmt.Appendf(nil, "%s %d\n", host, os.Getpid())); err != nil {
		return err
	}
	defer os.Remove(pidPath)

	var todo []int
	for _, t := range s.Tasks {
		if !s.Done(t) {
			os.Remove(filepath.Join(s.TaskDir(t), failedFile))
			todo = append(todo, t.Index)
		}
	}
	report := func() {
		if progress == nil {
			return
		}
		if st, err := s.Status(context.WithoutCancel(ctx), nil); err == nil {
			progress(st)
		}
	}
	// Several experiment tasks at once run in processes of their own (see Local).
	var bin string
	if workers > 1 && len(todo) > 1 && s.Spec.Kind != NotebookKind {
		bin = l.Binary
		if bin == "" {
			bin = SelfBinary()
		}
	}
	var mu sync.Mutex // serialises progress reports
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				l.runOne(ctx, s, i, bin)
				mu.Lock()
				report()
				mu.Unlock()
			}
		}()
	}
	stop := make(chan struct{})
	every := l.Every
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				mu.Lock()
				report()
				mu.Unlock()
			}
		}
	}()
feed:
	for _, i := range todo {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(stop)
	st, err := s.Status(context.WithoutCancel(ctx), nil)
	if err != nil {
		return err
	}
	if progress != nil {
		mu.Lock()
		progress(st)
		mu.Unlock()
	}
	if ctx.Err() != nil && !st.Complete() {
		return fmt.Errorf("sweep: stopped with %s: %w", st.String(), ctx.Err())
	}
	return st.err()
}

// runOne runs task i, again after a failure while retries are left: in a child process of
// the gosnn binary bin, or in this process if bin is "".
func (l Local) runOne(ctx context.Context, s *Sweep, i int, bin string) {
	for attempt := 0; attempt <= s.Spec.Retries; attempt++ {
		var err error
		if bin != "" {
			err = runChild(ctx, s, i, bin)
		} else {
			err = s.RunTask(ctx, i, TaskOptions{Binary: l.Binary})
		}
		if err == nil || errors.Is(err, ErrInterrupted) || ctx.Err() != nil {
			return
		}
	}
}

// SelfBinary returns the path of this program if it is gosnn (not a test binary), else "":
// the binary of child processes that must run this very gosnn.
func SelfBinary() string {
	exe, err := os.Executable()
	if err != nil || !strings.HasPrefix(filepath.Base(exe), "gosnn") || strings.HasSuffix(exe, ".test") {
		return ""
	}
	return exe
}

// runChild runs task i as `bin sweep task DIR INDEX`, which records the attempt, the result
// or the failure in the task's directory as RunTask does; cancelling ctx interrupts it (it
// saves what it resumes from) and returns ErrInterrupted.
func runChild(ctx context.Context, s *Sweep, i int, bin string) error {
	cmd := exec.CommandContext(ctx, bin, "sweep", "task", s.Dir, strconv.Itoa(i))
	var tail tailBuffer
	cmd.Stdout, cmd.Stderr = &tail, &tail
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute // time to save a snapshot
	err := cmd.Run()
	var ee *exec.ExitError
	isExit := errors.As(err, &ee)
	switch {
	case err == nil:
		return nil
	case isExit && ee.ExitCode() == ExitInterrupted, ctx.Err() != nil:
		return fmt.Errorf("%w: task %d: %v", ErrInterrupted, i, err)
	}
	err = fmt.Errorf("sweep: task %d (%s sweep task): %w\n%s", i, bin, err, tail.String())
	if isExit && (ee.ExitCode() == 1 || ee.ExitCode() == ExitRetry) {
		return err // the task failed, and the child recorded it
	}
	// The child did not start, was killed, or stopped before it could record the failure.
	if !isExit { // it never started: the attempt counts all the same
		_ = os.MkdirAll(s.TaskDir(s.Tasks[i]), 0o755)
		s.logAttempt(s.Tasks[i], "start")
	}
	return s.recordFailure(s.Tasks[i], err)
}

// Cancel stops a sweep: it marks the directory so that no task is requeued, cancels its
// Slurm arrays (scancel, env as the clients' environment, nil: this process's) and waits
// until squeue lists none of their tasks as active, and sends SIGTERM to a local executor
// running it on this host. Tasks done stay done; a rerun of the sweep runs the others.
func Cancel(ctx context.Context, dir string, env []string) error {
	s, err := Open(dir)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(s.Dir, cancelFile), []byte(time.Now().UTC().Format(time.RFC3339)+"\n")); err != nil {
		return err
	}
	var errs []error
	if data, err := os.ReadFile(filepath.Join(s.Dir, localPidFile)); err == nil {
		host, _ := os.Hostname()
		f := strings.Fields(string(data))
		if len(f) == 2 && f[0] == host {
			if pid, err := strconv.Atoi(f[1]); err == nil && pid > 0 && pid != os.Getpid() {
				if err := terminate(pid); err != nil {
					errs = append(errs, fmt.Errorf("sweep: signalling the local executor (pid %d): %v", pid, err))
				}
			}
		}
	}
	jobs, err := s.slurmJobs()
	if err != nil {
		return err
	}
	if len(jobs) > 0 {
		if err := s.scancel(ctx, env); err != nil {
			errs = append(errs, err)
		} else {
			deadline := time.Now().Add(time.Minute)
			for {
				st, err := s.Status(ctx, env)
				if err != nil {
					errs = append(errs, err)
					break
				}
				if st.Active() == 0 {
					break
				}
				if time.Now().After(deadline) {
					errs = append(errs, fmt.Errorf("sweep: %d tasks still active a minute after scancel", st.Active()))
					break
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
	}
	return errors.Join(errs...)
}
