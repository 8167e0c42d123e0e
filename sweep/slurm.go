package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// slurmDir holds the batch script, the submitted jobs and the tasks' logs.
const slurmDir = "slurm"

// SlurmOptions are the options of the Slurm executor, part of the spec.
type SlurmOptions struct {
	Partition string `json:"partition,omitempty"` // --partition ("": the default)
	Account   string `json:"account,omitempty"`   // --account
	Time      string `json:"time,omitempty"`      // --time per task, e.g. "2:00:00"
	Mem       string `json:"mem,omitempty"`       // --mem per task, e.g. "2G"
	// CPUsPerTask is --cpus-per-task (0: the spec's Threads, at least 1).
	CPUsPerTask int `json:"cpus_per_task,omitempty"`
	// MaxRunning limits the tasks running at once (--array=...%K; 0: no limit).
	MaxRunning int `json:"max_running,omitempty"`
	// SignalSeconds is how long before its time limit a task gets SIGTERM
	// (--signal=B:TERM@S; 0: 60): it then stops, leaving what it resumes from, and is requeued.
	SignalSeconds int `json:"signal_seconds,omitempty"`
	// Requeues bounds how often a task is requeued after such an interruption (0: 20).
	Requeues int `json:"requeues,omitempty"`
	// Extra are more #SBATCH options, one per line ("--qos=long").
	Extra []string `json:"extra,omitempty"`
	// Prolog is shell code run before each task (e.g. "module load go").
	Prolog string `json:"prolog,omitempty"`
	// Binary is the gosnn binary on the nodes ("": the submitting gosnn's own path, which
	// must then be the same on every node).
	Binary string `json:"binary,omitempty"`
}

// validate refuses values that would break the batch script.
func (o SlurmOptions) validate() error {
	for name, v := range map[string]string{"partition": o.Partition, "account": o.Account, "time": o.Time, "mem": o.Mem, "binary": o.Binary} {
		if strings.ContainsAny(v, "\n\r\x00") {
			return fmt.Errorf("sweep: slurm %s %q: no line breaks", name, v)
		}
	}
	for _, e := range o.Extra {
		if strings.ContainsAny(e, "\n\r\x00") || !strings.HasPrefix(e, "-") {
			return fmt.Errorf("sweep: slurm extra %q: one sbatch option per entry, starting with -", e)
		}
	}
	if o.CPUsPerTask < 0 || o.MaxRunning < 0 || o.SignalSeconds < 0 || o.Requeues < 0 {
		return fmt.Errorf("sweep: slurm cpus_per_task, max_running, signal_seconds and requeues must be >= 0")
	}
	return nil
}

// SlurmJob is one submitted array.
type SlurmJob struct {
	ID        string `json:"id"`
	Array     string `json:"array"`
	Submitted string `json:"submitted"`
}

// Slurm runs a sweep as a Slurm job array.
type Slurm struct {
	// Env is the environment of the Slurm clients and, through sbatch, of the tasks
	// (nil: this process's).
	Env []string
	// Poll is the interval between two looks at the queue while waiting (0: 1 s).
	Poll time.Duration
	// Detach makes Run return once the array is submitted.
	Detach bool
}

// Run submits the tasks that are neither done nor queued as one array (the batch script in
// DIR/slurm/job.sh runs `gosnn sweep task DIR $SLURM_ARRAY_TASK_ID`) and, unless Detach,
// waits until no task is queued, calling progress (if not nil) after every look. It returns
// an error when a task failed for good or Slurm cannot run the request. Cancelling ctx stops
// the wait, not the jobs (Cancel does).
func (x Slurm) Run(ctx context.Context, s *Sweep, progress func(Status)) error {
	os.Remove(filepath.Join(s.Dir, cancelFile))
	st, err := s.Status(ctx, x.Env)
	if err != nil {
		return err
	}
	var todo []int
	for _, t := range st.Tasks {
		if t.State != Done && t.State != Running && t.State != Pending {
			todo = append(todo, t.Index)
			os.Remove(filepath.Join(s.TaskDir(t.Task), failedFile))
			os.Remove(filepath.Join(s.Dir, slurmDir, fmt.Sprintf("task-%d.exit", t.Index)))
		}
	}
	submitted := time.Now()
	if len(todo) > 0 {
		if _, err := x.submit(ctx, s, todo); err != nil {
			return err
		}
	}
	if x.Detach {
		if progress != nil {
			if st, err := s.Status(ctx, x.Env); err == nil {
				progress(st)
			}
		}
		return nil
	}
	poll := x.Poll
	if poll <= 0 {
		poll = time.Second
	}
	for {
		st, err := s.Status(ctx, x.Env)
		if err != nil {
			return err
		}
		if progress != nil {
			progress(st)
		}
		if st.Fatal != "" {
			_ = s.scancel(context.WithoutCancel(ctx), x.Env)
			return errors.New(st.Fatal + "; the array was cancelled")
		}
		// A task neither queued nor done right after sbatch returned may not be listed by
		// squeue yet: give the queue a few seconds before calling it lost.
		if st.Active() == 0 && (st.NotRun == 0 || time.Since(submitted) > 10*time.Second) {
			return st.err()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sweep: stopped waiting (%w); the Slurm jobs go on: `gosnn sweep status %s`, `gosnn sweep cancel %s`", ctx.Err(), s.Dir, s.Dir)
		case <-time.After(poll):
		}
	}
}

// err returns nil when every task is done, else an error with the counts.
func (st Status) err() error {
	if st.Complete() {
		return nil
	}
	return fmt.Errorf("sweep: %d of %d tasks not done: %s", st.Total-st.Done, st.Total, st.String())
}

// Script returns the batch script of the sweep with the gosnn binary bin.
func (s *Sweep) Script(bin string) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Written by gosnn sweep: each array task runs one task of the sweep.\n")
	s.Spec.Slurm.header(&b, "gosnn-sweep", filepath.Join(s.Dir, slurmDir, "task-%a.log"), s.threads())
	q := shellQuote
	fmt.Fprintf(&b, `
echo "== task $SLURM_ARRAY_TASK_ID (job ${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -u +%%FT%%TZ)" >&2
`)
	requeueBody(&b, q(bin)+" sweep task "+q(s.Dir)+` "$SLURM_ARRAY_TASK_ID"`,
		q(filepath.Join(s.Dir, slurmDir, "task-"))+`"$SLURM_ARRAY_TASK_ID.exit"`, q(filepath.Join(s.Dir, cancelFile)),
		`"${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID"`, s.Spec.Slurm.requeues()+s.Spec.Retries, ExitInterrupted, ExitRetry)
	return b.String()
}

// header writes the #SBATCH lines of a job named name whose output goes to output, with cpus
// CPUs per task unless o says how many.
func (o SlurmOptions) header(b *strings.Builder, name, output string, cpus int) {
	line := func(f string, a ...any) { fmt.Fprintf(b, "#SBATCH "+f+"\n", a...) }
	line("--job-name=%s", name)
	line("--output=%s", output)
	line("--open-mode=append")
	line("--requeue")
	if o.CPUsPerTask > 0 {
		cpus = o.CPUsPerTask
	}
	line("--cpus-per-task=%d", max(cpus, 1))
	sig := o.SignalSeconds
	if sig == 0 {
		sig = 60
	}
	line("--signal=B:TERM@%d", sig)
	for _, kv := range [][2]string{{"partition", o.Partition}, {"account", o.Account}, {"time", o.Time}, {"mem", o.Mem}} {
		if kv[1] != "" {
			line("--%s=%s", kv[0], kv[1])
		}
	}
	for _, e := range o.Extra {
		line("%s", e)
	}
	if o.Prolog != "" {
		b.WriteString("\n# prolog\n" + o.Prolog + "\n")
	}
}

// prepare returns the gosnn binary of the jobs (o.Binary, else Binary()) and dir made
// absolute, creating dir/sub.
func (o SlurmOptions) prepare(dir, sub string) (bin, abs string, err error) {
	if bin = o.Binary; bin == "" {
		if bin, err = Binary(); err != nil {
			return "", "", err
		}
	}
	if abs, err = filepath.Abs(dir); err != nil {
		return "", "", fmt.Errorf("sweep: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, sub), 0o755); err != nil {
		return "", "", fmt.Errorf("sweep: %v", err)
	}
	return bin, abs, nil
}

// requeues is how often a job is requeued after an interruption.
func (o SlurmOptions) requeues() int {
	if o.Requeues == 0 {
		return 20
	}
	return o.Requeues
}

// requeueBody writes the part of a batch script that runs command (shell words) in the
// background, passes SIGTERM and SIGINT on to it, writes its exit status to exitFile (a shell
// word), and requeues the job target (a shell word) when it exited with one of the codes (or
// 143: SIGTERM before it could catch it), cancelFile does not exist and the job has been
// requeued fewer than requeues times.
func requeueBody(b *strings.Builder, command, exitFile, cancelFile, target string, requeues int, codes ...int) {
	var cond []string
	for _, c := range append(codes, 143) {
		cond = append(cond, fmt.Sprintf(`[ "$rc" = %d ]`, c))
	}
	fmt.Fprintf(b, `%s &
pid=$!
# SIGTERM (scancel, or --signal before the time limit) goes to gosnn, which stops cleanly.
trap 'kill -TERM $pid 2>/dev/null' TERM INT
wait $pid; rc=$?
while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done
trap - TERM INT
printf '%%s\n' "$rc" > %s.tmp && mv -f %s.tmp %s
# 143: SIGTERM came before gosnn could catch it (a time limit at start-up).
if { %s; } && [ ! -e %s ] && [ "${SLURM_RESTART_COUNT:-0}" -lt %d ]; then
	echo "== requeue (exit status $rc)" >&2
	scontrol requeue %s
fi
exit $rc
`, command, exitFile, exitFile, exitFile, strings.Join(cond, " || "), cancelFile, requeues, target)
}

// submit writes the batch script and submits the tasks indices as one array.
func (x Slurm) submit(ctx context.Context, s *Sweep, indices []int) (string, error) {
	bin, dir, err := s.Spec.Slurm.prepare(s.Dir, slurmDir)
	if err != nil {
		return "", err
	}
	s.Dir = dir
	script := filepath.Join(dir, slurmDir, "job.sh")
	if err := writeAtomic(script, []byte(s.Script(bin))); err != nil {
		return "", err
	}
	array := arrayList(indices)
	if k := s.Spec.Slurm.MaxRunning; k > 0 {
		array += "%" + strconv.Itoa(k)
	}
	out, err := runClient(ctx, x.Env, "sbatch", "--parsable", "--chdir="+dir, "--array="+array, script)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sweep: sbatch printed %q, not a job id", out)
	}
	jobs, err := s.slurmJobs()
	if err != nil {
		return "", err
	}
	jobs = append(jobs, SlurmJob{ID: id, Array: array, Submitted: time.Now().UTC().Format(time.RFC3339)})
	b, _ := json.MarshalIndent(jobs, "", "  ")
	if err := writeAtomic(filepath.Join(dir, slurmDir, "jobs.json"), b); err != nil {
		return id, err
	}
	return id, nil
}

// slurmJobs returns the arrays submitted for the sweep.
func (s *Sweep) slurmJobs() ([]SlurmJob, error) {
	data, err := os.ReadFile(filepath.Join(s.Dir, slurmDir, "jobs.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var jobs []SlurmJob
	if err == nil {
		err = json.Unmarshal(data, &jobs)
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %v", filepath.Join(s.Dir, slurmDir, "jobs.json"), err)
	}
	return jobs, nil
}

// arrayList formats sorted indices as Slurm's --array list: "0-3,7,9-10".
func arrayList(idx []int) string {
	idx = append([]int(nil), idx...)
	sort.Ints(idx)
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(idx[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// squeueEntry is one line of squeue about an array task.
type squeueEntry struct {
	id, state, reason string
}

// active reports whether the task is queued or running.
func (e squeueEntry) active() bool {
	switch e.state {
	case "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT":
		return false
	}
	return true
}

// squeue asks squeue about the jobs (text output, stable across Slurm versions) and returns
// the entries by array index, the latest job's entry winning.
func squeue(ctx context.Context, env []string, jobs []SlurmJob) (map[int]squeueEntry, error) {
	out := map[int]squeueEntry{}
	for _, j := range jobs {
		text, err := runClient(ctx, env, "squeue", "-h", "-r", "-t", "all", "-j", j.ID, "-o", "%i|%K|%T|%r")
		if err != nil {
			if strings.Contains(err.Error(), "Invalid job id") {
				continue // finished longer ago than MinJobAge: the result files tell
			}
			return nil, err
		}
		for _, l := range strings.Split(text, "\n") {
			f := strings.Split(strings.TrimSpace(l), "|")
			if len(f) < 4 {
				continue
			}
			k, err := strconv.Atoi(f[1])
			if err != nil {
				continue
			}
			e := squeueEntry{id: f[0], state: f[2], reason: f[3]}
			if old, ok := out[k]; ok && old.active() && !e.active() {
				continue
			}
			out[k] = e
		}
	}
	return out, nil
}

// runClient runs a Slurm client and returns its standard output, or an error with its
// standard error.
func runClient(ctx context.Context, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sweep: %s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// scancel cancels every array of the sweep.
func (s *Sweep) scancel(ctx context.Context, env []string) error {
	jobs, err := s.slurmJobs()
	if err != nil || len(jobs) == 0 {
		return err
	}
	args := []string{}
	for _, j := range jobs {
		args = append(args, j.ID)
	}
	_, err = runClient(ctx, env, "scancel", args...)
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
