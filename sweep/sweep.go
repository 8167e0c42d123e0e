package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gosnn/gosnn/snn/experiment"
)

// Files of a sweep directory.
const (
	specFile     = "spec.json"   // the spec, as given (notebook path made absolute)
	tasksFile    = "tasks.json"  // the expanded tasks
	tasksDir     = "tasks"       // one directory per task, named by its id
	resultFile   = "result.json" // a task's result envelope: the task is done
	failedFile   = "failed.json" // a task's last failure
	attemptsFile = "attempts.log"
	cancelFile   = "cancelled" // written by Cancel: tasks are not requeued
)

// ExitInterrupted is the exit status of `gosnn sweep task` stopped by SIGTERM or SIGINT
// before it finished (the kind has left what it resumes from in the task's directory): the
// Slurm batch script requeues the task.
const ExitInterrupted = 75

// ExitRetry is the exit status of `gosnn sweep task` after a failure with retries left:
// the batch script requeues the task.
const ExitRetry = 76

// Sweep is a prepared sweep directory: the spec and its tasks.
type Sweep struct {
	Dir   string
	Spec  Spec
	Tasks []Task
}

// Prepare validates spec, expands it and writes it to dir (created if needed). A directory
// that already holds a sweep must hold the same one (then nothing is written): that is how a
// rerun finds the tasks already done.
func Prepare(spec Spec, dir string) (*Sweep, error) {
	if spec.Schema == 0 {
		spec.Schema = SchemaVersion
	}
	if spec.Kind == NotebookKind && spec.Notebook != "" {
		abs, err := filepath.Abs(spec.Notebook)
		if err != nil {
			return nil, fmt.Errorf("sweep: %v", err)
		}
		spec.Notebook = abs
	}
	tasks, err := spec.Expand()
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	specJSON, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	tasksJSON, err := json.MarshalIndent(tasks, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	if old, err := os.ReadFile(filepath.Join(dir, tasksFile)); err == nil {
		if !bytes.Equal(old, tasksJSON) {
			return nil, fmt.Errorf("sweep: %s holds another sweep (other tasks); use a new directory", dir)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, tasksDir), 0o755); err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	if err := writeAtomic(filepath.Join(dir, specFile), specJSON); err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(dir, tasksFile), tasksJSON); err != nil {
		return nil, err
	}
	return &Sweep{Dir: dir, Spec: spec, Tasks: tasks}, nil
}

// Open reads the sweep prepared in dir.
func Open(dir string) (*Sweep, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, specFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("sweep: %s holds no sweep (no %s)", dir, specFile)
		}
		return nil, fmt.Errorf("sweep: %v", err)
	}
	spec, err := ParseSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%v (in %s)", err, filepath.Join(dir, specFile))
	}
	var tasks []Task
	data, err = os.ReadFile(filepath.Join(dir, tasksFile))
	if err == nil {
		err = json.Unmarshal(data, &tasks)
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %v", filepath.Join(dir, tasksFile), err)
	}
	return &Sweep{Dir: dir, Spec: spec, Tasks: tasks}, nil
}

// TaskDir returns the directory of task t.
func (s *Sweep) TaskDir(t Task) string { return filepath.Join(s.Dir, tasksDir, t.ID) }

// Done reports whether task t has a result file.
func (s *Sweep) Done(t Task) bool {
	_, err := os.Stat(filepath.Join(s.TaskDir(t), resultFile))
	return err == nil
}

// Result returns the result envelope of task t (package experiment; a notebook task's
// NotebookResult), read from its result file; an error wrapping fs.ErrNotExist when the task
// is not done.
func (s *Sweep) Result(t Task) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.TaskDir(t), resultFile))
	if err != nil {
		return nil, fmt.Errorf("sweep: task %d: %w", t.Index, err)
	}
	return b, nil
}

// Failure is the record of a failed attempt of a task.
type Failure struct {
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error"`
	Failures int    `json:"failures"` // failed attempts so far
	Time     string `json:"time"`
	// Stderr is the tail of the task's standard error (filled in by Status).
	Stderr string `json:"-"`
}

// failure reads the failure record of t, or nil.
func (s *Sweep) failure(t Task) *Failure {
	data, err := os.ReadFile(filepath.Join(s.TaskDir(t), failedFile))
	if err != nil {
		return nil
	}
	var f Failure
	if json.Unmarshal(data, &f) != nil {
		return nil
	}
	return &f
}

// ErrInterrupted is returned (wrapped) by RunTask when its context was cancelled.
var ErrInterrupted = errors.New("sweep: task interrupted")

// TaskOptions are the options of RunTask besides the task.
type TaskOptions struct {
	// Binary is the gosnn binary that runs notebook tasks ("": Binary()).
	Binary string
	// Stderr receives the standard error of a notebook task (nil: discarded).
	Stderr *os.File
}

// RunTask runs task index of the sweep in dir unless it is done, and writes its result file
// atomically. It returns nil when the task is done; an error wrapping ErrInterrupted when
// ctx was cancelled first (the task resumes from its directory when run again, as far as
// its kind resumes); else the task's error, after recording it in the task's failed.json.
func (s *Sweep) RunTask(ctx context.Context, index int, opt TaskOptions) (err error) {
	if index < 0 || index >= len(s.Tasks) {
		return fmt.Errorf("sweep: task index %d out of range [0, %d)", index, len(s.Tasks))
	}
	t := s.Tasks[index]
	if s.Done(t) {
		return nil
	}
	dir := s.TaskDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sweep: %v", err)
	}
	start := time.Now()
	s.logAttempt(t, "start")
	defer func() {
		if err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)) {
			s.logAttempt(t, fmt.Sprintf("interrupted after %.1f s", time.Since(start).Seconds()))
			err = fmt.Errorf("%w: %v", ErrInterrupted, err)
			return
		}
		if err != nil {
			err = s.recordFailure(t, err)
			return
		}
		s.logAttempt(t, fmt.Sprintf("done in %.1f s", time.Since(start).Seconds()))
		os.Remove(filepath.Join(dir, failedFile))
	}()
	var res []byte
	if s.Spec.Kind == NotebookKind {
		res, err = s.runNotebook(ctx, t, opt)
	} else {
		res, err = s.runExperiment(ctx, t)
	}
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, resultFile), res)
}

// recordFailure logs the failed attempt err of task t and writes its failure file (the exit
// code of a failed child process, else 1; the count of failures so far); it returns err,
// joined with the error of writing the file if that failed.
func (s *Sweep) recordFailure(t Task, err error) error {
	werr := os.MkdirAll(s.TaskDir(t), 0o755) // a child that never started made none
	s.logAttempt(t, "failed: "+oneLine(err.Error()))
	f := Failure{ExitCode: 1, Error: err.Error(), Failures: 1, Time: time.Now().UTC().Format(time.RFC3339)}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		f.ExitCode = ee.ExitCode()
	}
	if old := s.failure(t); old != nil {
		f.Failures = old.Failures + 1
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	if werr == nil {
		werr = writeAtomic(filepath.Join(s.TaskDir(t), failedFile), b)
	}
	if werr != nil {
		err = errors.Join(err, werr)
	}
	return err
}

// runExperiment runs the experiment of t in this process and returns its result envelope.
func (s *Sweep) runExperiment(ctx context.Context, t Task) (res []byte, err error) {
	o, err := s.Spec.options(t)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sweep: task %d panicked: %v\n%s", t.Index, p, debug.Stack())
		}
	}()
	r, err := o.Run(ctx, experiment.Env{Dir: s.TaskDir(t), Threads: s.Spec.Threads, Log: attemptLog{s, t}})
	if err != nil {
		return nil, err
	}
	return experiment.EncodeResult(r)
}

// NotebookResult is the result of a notebook task.
type NotebookResult struct {
	Notebook string  `json:"notebook"` // the executed notebook, relative to the task's directory
	Seconds  float64 `json:"seconds"`  // wall time
}

// runNotebook runs the notebook of t with the binary and returns its result envelope.
func (s *Sweep) runNotebook(ctx context.Context, t Task, opt TaskOptions) ([]byte, error) {
	bin := opt.Binary
	if bin == "" {
		var err error
		if bin, err = Binary(); err != nil {
			return nil, err
		}
	}
	args := []string{"run", s.Spec.Notebook, "-o", filepath.Join(s.TaskDir(t), "out.ipynb")}
	for _, v := range t.Point {
		val := string(v.Value)
		var str string
		if json.Unmarshal(v.Value, &str) == nil {
			val = str
		}
		args = append(args, "-p", v.Name+"="+val)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = s.TaskDir(t)
	var tail tailBuffer
	cmd.Stdout = &tail
	cmd.Stderr = &tail
	if opt.Stderr != nil {
		cmd.Stdout = io.MultiWriter(&tail, opt.Stderr)
		cmd.Stderr = cmd.Stdout
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sweep: gosnn run %s: %w\n%s", filepath.Base(s.Spec.Notebook), err, tail.String())
	}
	b, err := json.Marshal(NotebookResult{Notebook: "out.ipynb", Seconds: time.Since(start).Seconds()})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(experiment.Envelope{Schema: experiment.SchemaVersion, Kind: NotebookKind, Result: b}, "", "  ")
}

// threads is the CPUs of each task: Spec.Threads, at least 1.
func (s *Sweep) threads() int { return max(1, s.Spec.Threads) }

// logAttempt appends a line to the task's attempt log (best effort: it is for people).
func (s *Sweep) logAttempt(t Task, what string) {
	f, err := os.OpenFile(filepath.Join(s.TaskDir(t), attemptsFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	host, _ := os.Hostname()
	extra := ""
	if id := os.Getenv("SLURM_JOB_ID"); id != "" {
		extra = fmt.Sprintf(" slurm job %s restart %s", id, os.Getenv("SLURM_RESTART_COUNT"))
	}
	fmt.Fprintf(f, "%s %s pid %d%s: %s\n", time.Now().UTC().Format(time.RFC3339Nano), host, os.Getpid(), extra, what)
}

// attemptLog passes the lines an experiment logs (Env.Log: a resumed run, a saved snapshot)
// to the task's attempt log.
type attemptLog struct {
	s *Sweep
	t Task
}

func (l attemptLog) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if line != "" {
			l.s.logAttempt(l.t, line)
		}
	}
	return len(p), nil
}

// Attempts returns the number of attempts task t has started (lines "start" of its log).
func (s *Sweep) Attempts(t Task) int {
	data, err := os.ReadFile(filepath.Join(s.TaskDir(t), attemptsFile))
	if err != nil {
		return 0
	}
	return strings.Count(string(data), ": start\n")
}

// Binary returns the gosnn binary to run tasks with: this executable when it is gosnn, else
// gosnn from PATH.
func Binary() (string, error) {
	if exe := SelfBinary(); exe != "" {
		return exe, nil
	}
	p, err := exec.LookPath("gosnn")
	if err != nil {
		return "", fmt.Errorf("sweep: no gosnn binary (this program is not gosnn and none is on PATH): %v", err)
	}
	return filepath.Abs(p)
}

// writeAtomic writes data to path through a temporary file in the same directory and a rename.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("sweep: %v", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("sweep: writing %s: %v", path, err)
	}
	return nil
}

// oneLine returns the first line of s.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = append([]byte(nil), t.b[len(t.b)-4096:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// Failures returns the number of failed attempts recorded for task t.
func (s *Sweep) Failures(t Task) int {
	if f := s.failure(t); f != nil {
		return f.Failures
	}
	return 0
}
