package sweep

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// State is the state of a task.
type State string

// The states of a task. The result files are the truth: a task is done when its result file
// exists, whatever Slurm says.
const (
	Done      State = "done"      // its result file exists
	Running   State = "running"   // running now (in Slurm, or in a live process of this host)
	Pending   State = "pending"   // waiting in the Slurm queue
	Failed    State = "failed"    // its last attempt failed and it is not queued again
	Cancelled State = "cancelled" // cancelled before it finished
	NotRun    State = "not run"   // never started, or lost (a pending array task that was cancelled leaves no record)
)

// TaskStatus is the state of one task.
type TaskStatus struct {
	Task
	State State
	// SlurmState and Reason are what squeue says of the task ("" when it does not list it).
	SlurmState, Reason string
	// Failure describes the last failure of a Failed task (exit code, error, stderr tail).
	Failure *Failure
	// Attempts is the number of attempts started.
	Attempts int
}

// Status is the state of a sweep.
type Status struct {
	Total                                             int
	Done, Running, Pending, Failed, Cancelled, NotRun int
	Tasks                                             []TaskStatus
	// Fatal is set when Slurm holds a task that can never run (a reason such as
	// PartitionConfig: the request exceeds what the partition has).
	Fatal string
}

// Active is the number of tasks running or pending.
func (st Status) Active() int { return st.Running + st.Pending }

// Complete reports whether every task is done.
func (st Status) Complete() bool { return st.Done == st.Total }

// fatalReasons are the squeue reasons of jobs that never start.
var fatalReasons = map[string]bool{
	"PartitionConfig": true, "DependencyNeverSatisfied": true, "BadConstraints": true,
	"PartitionTimeLimit": true, "PartitionNodeLimit": true, "InvalidAccount": true, "InvalidQOS": true,
}

// Status reads the state of every task: the result and failure files, the attempt logs, and
// for a sweep submitted to Slurm what squeue says of its jobs (with env as the clients'
// environment, nil: this process's).
func (s *Sweep) Status(ctx context.Context, env []string) (Status, error) {
	queue := map[int]squeueEntry{}
	jobs, err := s.slurmJobs()
	if err != nil {
		return Status{}, err
	}
	if len(jobs) > 0 {
		if queue, err = squeue(ctx, env, jobs); err != nil {
			return Status{}, err
		}
	}
	_, cancelErr := os.Stat(filepath.Join(s.Dir, cancelFile))
	cancelled := cancelErr == nil
	host, _ := os.Hostname()
	st := Status{Total: len(s.Tasks), Tasks: make([]TaskStatus, len(s.Tasks))}
	for i, t := range s.Tasks {
		ts := TaskStatus{Task: t, Attempts: s.Attempts(t)}
		q, queued := queue[t.Index]
		if queued {
			ts.SlurmState, ts.Reason = q.state, q.reason
		}
		switch {
		case s.Done(t):
			ts.State = Done
		case queued && q.active():
			ts.State = Running
			if q.state == "PENDING" || q.state == "REQUEUED" || q.state == "REQUEUE_HOLD" || q.state == "REQUEUE_FED" {
				ts.State = Pending
				if fatalReasons[q.reason] && st.Fatal == "" {
					st.Fatal = fmt.Sprintf("sweep: Slurm job %s cannot run (reason %s): the request exceeds what the partition offers (CPUs, memory, time or nodes)", q.id, q.reason)
				}
			}
		case len(jobs) == 0 && s.runningHere(t, host):
			ts.State = Running
		default:
			ts.Failure = s.failure(t)
			code, hasCode := s.exitCode(t)
			switch {
			case ts.Failure != nil:
				ts.State = Failed
			case (queued && q.state == "CANCELLED") || cancelled:
				// Killed by the cancel, whatever its exit status (143 when SIGTERM came
				// before the task could catch it).
				ts.State = Cancelled
			case hasCode && code != 0 && code != ExitInterrupted && code != ExitRetry:
				ts.State = Failed
				ts.Failure = &Failure{ExitCode: code, Error: fmt.Sprintf("exit status %d", code)}
			case queued && q.state != "COMPLETED":
				ts.State = Failed
				ts.Failure = &Failure{ExitCode: -1, Error: "Slurm state " + q.state}
			default:
				ts.State = NotRun
			}
			if ts.State == Failed {
				ts.Failure.Stderr = s.stderrTail(t, ts.Failure, 10)
			}
		}
		switch ts.State {
		case Done:
			st.Done++
		case Running:
			st.Running++
		case Pending:
			st.Pending++
		case Failed:
			st.Failed++
		case Cancelled:
			st.Cancelled++
		case NotRun:
			st.NotRun++
		}
		st.Tasks[i] = ts
	}
	return st, nil
}

// runningHere reports whether the last attempt of t started in a process of this host that
// still runs and has not logged its end. The attempt's "start" line need not be the log's
// last: a task logs what its experiment says while it runs (a training's phases).
func (s *Sweep) runningHere(t Task, host string) bool {
	data, err := os.ReadFile(filepath.Join(s.TaskDir(t), attemptsFile))
	if err != nil {
		return false
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for k := len(lines) - 1; k >= 0; k-- {
		// time host pid N [slurm job ...]: what
		head, what, ok := strings.Cut(lines[k], ": ")
		if !ok {
			continue
		}
		if attemptEnded(what) {
			return false
		}
		if what != "start" {
			continue
		}
		f := strings.Fields(head)
		if len(f) < 4 || f[1] != host || f[2] != "pid" {
			return false
		}
		pid, err := strconv.Atoi(f[3])
		return err == nil && pid > 0 && alive(pid)
	}
	return false
}

// attemptEnded reports whether a line of an attempt log (after "time host pid N: ") is the
// last line of an attempt: done, interrupted or failed (Sweep.RunTask).
func attemptEnded(what string) bool {
	return strings.HasPrefix(what, "done in ") || strings.HasPrefix(what, "interrupted after ") || strings.HasPrefix(what, "failed: ")
}

// exitCode reads the exit status that the Slurm batch script recorded for t.
func (s *Sweep) exitCode(t Task) (int, bool) {
	data, err := os.ReadFile(filepath.Join(s.Dir, slurmDir, fmt.Sprintf("task-%d.exit", t.Index)))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	return n, err == nil
}

// stderrTail returns the last n lines of what t wrote to standard error: its Slurm log, or
// the error of a local attempt.
func (s *Sweep) stderrTail(t Task, f *Failure, n int) string {
	text := f.Error
	if data, err := os.ReadFile(filepath.Join(s.Dir, slurmDir, fmt.Sprintf("task-%d.log", t.Index))); err == nil && len(data) > 0 {
		text = string(data)
	} else if data, err := os.ReadFile(filepath.Join(s.TaskDir(t), "stderr.log")); err == nil && len(data) > 0 {
		text = string(data)
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// String summarises st in one line.
func (st Status) String() string {
	parts := []string{fmt.Sprintf("%d/%d done", st.Done, st.Total)}
	for _, c := range []struct {
		n    int
		name State
	}{{st.Running, Running}, {st.Pending, Pending}, {st.Failed, Failed}, {st.Cancelled, Cancelled}, {st.NotRun, NotRun}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	return strings.Join(parts, ", ")
}

// Report returns the summary line, then each failure with its exit code and stderr tail,
// then the fatal Slurm reason, if any.
func (st Status) Report() string {
	var b strings.Builder
	b.WriteString(st.String() + "\n")
	for _, t := range st.Tasks {
		if t.State != Failed || t.Failure == nil {
			continue
		}
		fmt.Fprintf(&b, "task %d (%s, %s) failed with exit code %d after %d attempt(s): %s\n",
			t.Index, t.ID, pointString(t.Point), t.Failure.ExitCode, t.Attempts, oneLine(t.Failure.Error))
		if t.Failure.Stderr != "" {
			for _, l := range strings.Split(t.Failure.Stderr, "\n") {
				b.WriteString("    | " + l + "\n")
			}
		}
	}
	if st.Fatal != "" {
		b.WriteString(st.Fatal + "\n")
	}
	return b.String()
}

// Bar returns a progress bar of width cells and the summary: "[#####>    ] 12/20 done, ...".
func (st Status) Bar(width int) string {
	if width < 1 {
		width = 1
	}
	done, active := 0, 0
	if st.Total > 0 {
		done = st.Done * width / st.Total
		active = (st.Done + st.Running) * width / st.Total
	}
	return "[" + strings.Repeat("#", done) + strings.Repeat(">", active-done) + strings.Repeat(" ", width-active) + "] " + st.String()
}

// Markdown returns a table of the counts, for a notebook's display.
func (st Status) Markdown() string {
	return fmt.Sprintf("`%s`\n\n| done | running | pending | failed | cancelled | not run | total |\n|---|---|---|---|---|---|---|\n| %d | %d | %d | %d | %d | %d | %d |\n",
		st.Bar(30), st.Done, st.Running, st.Pending, st.Failed, st.Cancelled, st.NotRun, st.Total)
}
