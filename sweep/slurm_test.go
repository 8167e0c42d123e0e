//go:build linux

package sweep

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/slurmtest"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// gosnnBinary builds the gosnn binary once per test binary.
func gosnnBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "sweeptest-bin")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "gosnn")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/gosnn").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// waitUntil polls st every 100 ms until ok or timeout, and fails t with the last status.
func waitUntil(t *testing.T, s *Sweep, env []string, timeout time.Duration, what string, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, err := s.Status(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v: %s", what, timeout, st.Report())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// longSpec is a grid of spontaneous networks that run for seconds each: 30 s simulated, about
// 5 s of a core (6 s simulated took about 1 s, so short that on a loaded machine a task could
// finish before a test saw it running, or between a cancel and its check).
func longSpec(bin string, seeds ...any) Spec {
	return Spec{
		Kind:    "spontaneous",
		Options: []byte(`{"NE": 800, "NI": 200, "Clusters": 10, "DurationMs": 30000}`),
		Seeds:   &Param{Name: "Seed", Values: Values("Seed", seeds...).Values},
		Slurm:   SlurmOptions{Binary: bin},
	}
}

// sameResults fails t unless the two sweeps have the same result files for every task.
func sameResults(t *testing.T, a, b *Sweep) {
	t.Helper()
	ra, rb := results(t, a), results(t, b)
	for id, r := range ra {
		if rb[id] != r {
			t.Errorf("task %s: results differ:\n%s\n%s", id, r, rb[id])
		}
	}
}

// TestSlurm runs sweeps on a real single-node Slurm cluster.
func TestSlurm(t *testing.T) {
	c := slurmtest.Start(t)
	bin := gosnnBinary(t)
	env := c.Env()
	ctx := context.Background()

	t.Run("EqualsLocal", func(t *testing.T) {
		// 20 short tasks: the array's results equal the local executor's bit for bit.
		spec := smallSpec(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
		spec.Slurm.Binary = bin
		sl, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		var first time.Duration
		err = Slurm{Env: env, Poll: 100 * time.Millisecond}.Run(ctx, sl, func(st Status) {
			if first == 0 && st.Running+st.Done > 0 {
				first = time.Since(t0)
			}
		})
		slurmWall := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		lo, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t0 = time.Now()
		if err := (Local{}).Run(ctx, lo, nil); err != nil {
			t.Fatal(err)
		}
		localWall := time.Since(t0)
		sameResults(t, sl, lo)
		t.Logf("20 tasks: Slurm %.2f s (submit to first task running %.2f s), local %.2f s; overhead per task %.3f s (on %d CPUs)",
			slurmWall.Seconds(), first.Seconds(), localWall.Seconds(), (slurmWall-localWall).Seconds()*float64(c.CPUs)/20, c.CPUs)
	})

	t.Run("Throughput", func(t *testing.T) {
		// 20 tasks of a few hundred ms each, on Slurm and locally (measured, not asserted).
		spec := smallSpec(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
		spec.Options = []byte(`{"NI": 100, "Clusters": 4, "DurationMs": 1000}`)
		spec.Params = []Param{Values("NE", 200, 400)}
		spec.Slurm.Binary = bin
		wall := func(x Executor) (time.Duration, time.Duration) {
			s, err := Prepare(spec, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			var first time.Duration
			if err := x.Run(ctx, s, func(st Status) {
				if first == 0 && st.Running+st.Done > 0 {
					first = time.Since(t0)
				}
			}); err != nil {
				t.Fatal(err)
			}
			return time.Since(t0), first
		}
		sl, first := wall(Slurm{Env: env, Poll: 100 * time.Millisecond})
		lo, _ := wall(Local{})
		t.Logf("20 tasks of %.0f ms of network each: Slurm %.2f s (first task running after %.2f s), local %.2f s: %.2f s more per task on each of %d CPUs",
			1000.0, sl.Seconds(), first.Seconds(), lo.Seconds(), (sl-lo).Seconds()*float64(c.CPUs)/20, c.CPUs)
	})

	t.Run("Failure", func(t *testing.T) {
		// A task failing at run time is retried once (a requeue) and reported with its exit
		// code and the tail of its stderr.
		spec := smallSpec(1)
		spec.Params = []Param{Values("ExtEWeight", 1.6, 1e308)}
		spec.Options = []byte(`{"NE": 80, "NI": 20, "Clusters": 4, "DurationMs": 200}`)
		spec.Retries = 1
		spec.Slurm.Binary = bin
		s, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		err = Slurm{Env: env, Poll: 200 * time.Millisecond}.Run(ctx, s, nil)
		if err == nil || !strings.Contains(err.Error(), "1 failed") {
			t.Fatalf("err = %v, want 1 failed", err)
		}
		st, err := s.Status(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		ts := st.Tasks[1]
		if st.Done != 1 || ts.State != Failed || ts.Failure.ExitCode != 1 || ts.Attempts != 2 {
			t.Fatalf("status of the failing task: %+v, %d attempts\n%s", ts.Failure, ts.Attempts, st.Report())
		}
		if !strings.Contains(ts.Failure.Stderr, "numerical blow-up") || !strings.Contains(st.Report(), "failed with exit code 1") {
			t.Errorf("report lacks the stderr tail:\n%s", st.Report())
		}
	})

	t.Run("InterruptedResumes", func(t *testing.T) {
		// Task 0 is requeued by scontrol while it runs, task 1 gets SIGTERM as before a time
		// limit (--signal=B:TERM: scancel --batch --signal=TERM), both after their first
		// snapshot; both resume from their snapshot (a time > 0, says their attempt log) and
		// give the results of an uninterrupted run.
		spec := longSpec(bin, 1, 2)
		s, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := (Slurm{Env: env, Detach: true}).Run(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, s, env, time.Minute, "two tasks running", func(st Status) bool {
			return st.Running == 2 && s.Attempts(s.Tasks[0]) == 1 && s.Attempts(s.Tasks[1]) == 1
		})
		waitUntil(t, s, env, 2*time.Minute, "snapshots of both tasks", func(st Status) bool {
			for _, task := range s.Tasks {
				if _, err := os.Stat(filepath.Join(s.TaskDir(task), "state.bin")); err != nil || s.Done(task) {
					return false
				}
			}
			return true
		})
		jobs, _ := s.slurmJobs()
		if _, err := c.Run("scontrol", "requeue", jobs[0].ID+"_0"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run("scancel", "--batch", "--signal=TERM", jobs[0].ID+"_1"); err != nil {
			t.Fatal(err)
		}
		st := waitUntil(t, s, env, 3*time.Minute, "all done", func(st Status) bool { return st.Active() == 0 })
		if !st.Complete() {
			t.Fatalf("not complete: %s", st.Report())
		}
		for _, task := range s.Tasks {
			if n := s.Attempts(task); n < 2 {
				t.Errorf("task %d: %d attempts, want 2 (interrupted, then run again)", task.Index, n)
			}
			if from := resumedFrom(t, s, task); from <= 0 {
				t.Errorf("task %d: resumed from %v ms, want a time > 0 (the snapshot)", task.Index, from)
			}
		}
		logs, _ := os.ReadFile(filepath.Join(s.Dir, slurmDir, "task-1.log"))
		if !strings.Contains(string(logs), fmt.Sprintf("requeue (exit status %d)", ExitInterrupted)) {
			t.Errorf("task 1 was not requeued after SIGTERM; its log:\n%s", logs)
		}
		ref, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := (Local{}).Run(ctx, ref, nil); err != nil {
			t.Fatal(err)
		}
		sameResults(t, s, ref)
	})

	t.Run("Cancel", func(t *testing.T) {
		// sweep cancel stops running and pending tasks and leaves no process. The tasks run
		// 120 s simulated, four times longSpec's: with its 30 s (2-5 s of wall time) one could
		// finish between "running" and the cancel (seen: "1/4 done, 3 cancelled").
		spec := longSpec(bin, 1, 2, 3, 4)
		spec.Options = []byte(`{"NE": 800, "NI": 200, "Clusters": 10, "DurationMs": 120000}`)
		s, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := (Slurm{Env: env, Detach: true}).Run(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, s, env, time.Minute, "tasks running", func(st Status) bool { return st.Running == c.CPUs })
		if err := Cancel(ctx, s.Dir, env); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			var left []string
			for _, p := range c.Processes() {
				switch p.Comm {
				case "slurmctld", "slurmscriptd", "slurmd", "munged": // the cluster's daemons
				default:
					left = append(left, p.String())
				}
			}
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("processes left 20 s after sweep cancel: %v", left)
			}
			time.Sleep(100 * time.Millisecond)
		}
		st, err := s.Status(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		if st.Cancelled != 4 {
			t.Errorf("after cancel: %s, want 4 cancelled", st.Report())
		}
	})

	t.Run("Impossible", func(t *testing.T) {
		// More CPUs per task than the node has: an error, not a job pending for ever.
		spec := smallSpec(1)
		spec.Slurm = SlurmOptions{Binary: bin, CPUsPerTask: 64}
		s, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err = Slurm{Env: env}.Run(ctx, s, nil)
		if err == nil || ctx.Err() != nil {
			t.Fatalf("err = %v (context: %v), want an error from Slurm", err, ctx.Err())
		}
		t.Logf("impossible request: %v", err)
	})

	t.Run("NeverSatisfied", func(t *testing.T) {
		// A job that passes sbatch but can never start (its dependency failed): Run reports
		// Slurm's reason and cancels the array instead of waiting for ever.
		out, err := c.Run("sbatch", "--parsable", "--output=/dev/null", "--wrap", "exit 1")
		if err != nil {
			t.Fatal(err)
		}
		failed := strings.TrimSpace(out)
		deadline := time.Now().Add(time.Minute)
		for {
			if st, _ := c.Run("squeue", "-h", "-t", "all", "-j", failed, "-o", "%T"); strings.TrimSpace(st) == "FAILED" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the failing job did not fail within a minute")
			}
			time.Sleep(100 * time.Millisecond)
		}
		spec := smallSpec(1)
		spec.Slurm = SlurmOptions{Binary: bin, Extra: []string{"--dependency=afterok:" + failed}}
		s, err := Prepare(spec, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		err = Slurm{Env: env, Poll: 200 * time.Millisecond}.Run(ctx, s, nil)
		if err == nil || !strings.Contains(err.Error(), "DependencyNeverSatisfied") {
			t.Fatalf("err = %v, want one naming DependencyNeverSatisfied", err)
		}
		st := waitUntil(t, s, env, 30*time.Second, "an empty queue", func(st Status) bool { return st.Active() == 0 })
		if st.Done != 0 {
			t.Errorf("after the fatal reason: %s", st.Report())
		}
	})

	t.Run("KillSubmitter", func(t *testing.T) {
		// gosnn sweep run is killed, its array cancelled behind its back; a rerun finishes
		// the sweep without running the finished tasks again.
		spec := longSpec(bin, 1, 2, 3, 4, 5, 6)
		spec.Options = []byte(`{"NE": 400, "NI": 100, "Clusters": 10, "DurationMs": 1500}`)
		dir := t.TempDir()
		specFile := filepath.Join(dir, "spec.in.json")
		if err := os.WriteFile(specFile, mustJSON(t, spec), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		cmd := exec.Command(bin, "sweep", "run", specFile, "-out", out, "-executor", "slurm")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var s *Sweep
		deadline := time.Now().Add(time.Minute)
		for {
			var err error
			if s, err = Open(out); err == nil {
				if st, err := s.Status(ctx, env); err == nil && st.Done >= 2 {
					break
				}
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("no 2 tasks done after a minute")
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		jobs, _ := s.slurmJobs()
		if _, err := c.Run("scancel", jobs[0].ID); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, s, env, time.Minute, "an empty queue", func(st Status) bool { return st.Active() == 0 })
		st, _ := s.Status(ctx, env)
		// The tasks done before the rerun, with their attempts: a task that was running when
		// the array was cancelled may have been requeued by its own signal handler and have
		// finished on a second attempt before the rerun; the rerun must not run any of them
		// again.
		done := map[int]int{}
		for _, ts := range st.Tasks {
			if ts.State == Done {
				done[ts.Index] = s.Attempts(s.Tasks[ts.Index])
			}
		}
		rerun := exec.Command(bin, "sweep", "run", specFile, "-out", out, "-executor", "slurm")
		rerun.Env = env
		if b, err := rerun.CombinedOutput(); err != nil {
			t.Fatalf("rerun: %v\n%s", err, b)
		}
		st, _ = s.Status(ctx, env)
		if !st.Complete() {
			t.Fatalf("after the rerun: %s", st.Report())
		}
		for i, before := range done {
			if n := s.Attempts(s.Tasks[i]); n != before || n < 1 {
				t.Errorf("task %d, done before the rerun after %d attempts, has %d after it", i, before, n)
			}
		}
		t.Logf("%d of 6 tasks done when the submitter was killed and the array cancelled", len(done))
	})
}

// TestLocalKillSubmitter kills `gosnn sweep run` (local executor) with SIGKILL part-way; a
// rerun finishes without running the finished tasks again.
func TestLocalKillSubmitter(t *testing.T) {
	bin := gosnnBinary(t)
	spec := longSpec(bin, 1, 2, 3, 4, 5, 6)
	spec.Options = []byte(`{"NE": 400, "NI": 100, "Clusters": 10, "DurationMs": 1500}`)
	dir := t.TempDir()
	specFile := filepath.Join(dir, "spec.in.json")
	if err := os.WriteFile(specFile, mustJSON(t, spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, "sweep", "run", specFile, "-out", out, "-workers", "1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var s *Sweep
	deadline := time.Now().Add(time.Minute)
	for {
		var err error
		if s, err = Open(out); err == nil {
			if st, err := s.Status(context.Background(), nil); err == nil && st.Done >= 2 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no 2 tasks done after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	st, _ := s.Status(context.Background(), nil)
	if st.Done == 6 {
		t.Skip("all tasks finished before the kill")
	}
	var done []int
	for _, ts := range st.Tasks {
		if ts.State == Done {
			done = append(done, ts.Index)
		}
	}
	if b, err := exec.Command(bin, "sweep", "run", specFile, "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, b)
	}
	if st, _ = s.Status(context.Background(), nil); !st.Complete() {
		t.Fatalf("after the rerun: %s", st.Report())
	}
	for _, i := range done {
		if n := s.Attempts(s.Tasks[i]); n != 1 {
			t.Errorf("task %d, done before the kill, has %d attempts", i, n)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := jsonMarshalIndent(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
