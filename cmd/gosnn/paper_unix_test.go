//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// builtGosnn builds gosnn once per test binary (tests that need a real gosnn: child processes
// that run `gosnn paper run --run NAME`, Slurm jobs).
func builtGosnn(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gosnn-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "gosnn")
		if b, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, b)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// TestPaperRunJobsProcesses runs a built gosnn: `paper run --jobs 2` makes the runs of A2
// and A11 (two trainings, a replay of each) in gosnn processes of their own, each a distinct
// pid, their output in the log prefixed with the run's name. An interrupt while they run
// stops the parent and its children, whose trainings resume on the next call; each record
// names the command that made it.
func TestPaperRunJobsProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gosnn and makes two short trainings in child processes (about 40 s)")
	}
	bin := builtGosnn(t)
	out := t.TempDir()
	args := []string{"paper", "run", "--scale", "quick", "--out", out, "--only", "A2,A11", "--jobs", "2", "--threads", "1"}
	started := regexp.MustCompile(`paper: ([a-z0-9-]+): made in a process of its own \(pid (\d+)\)`)

	// First call: interrupted once both trainings have saved a phase.
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, n := range []string{"train-main", "train-nc160"} {
		for {
			if _, err := os.Stat(filepath.Join(out, "runs", n, "state.json")); err == nil {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no snapshot of %s after 2 minutes; stderr:\n%s", n, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	first := stderr.String()
	if err == nil {
		t.Skipf("both trainings finished before the interrupt arrived; stderr:\n%s", first)
	}
	if !strings.Contains(first, "interrupted; run the same command again to resume") {
		t.Fatalf("after SIGINT: %v; stderr:\n%s", err, first)
	}
	for _, m := range started.FindAllStringSubmatch(first, -1) {
		pid, _ := strconv.Atoi(m[2])
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("run %s (pid %d) still alive after its parent stopped", m[1], pid)
		}
	}

	// Second call: resumes and finishes.
	cmd = exec.Command(bin, args...)
	stderr.Reset()
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("second call: %v\n%s", err, stderr.String())
	}
	second := stderr.String()
	pids := map[string]bool{strconv.Itoa(cmd.Process.Pid): true}
	var made []string
	for _, m := range started.FindAllStringSubmatch(second, -1) {
		if pids[m[2]] {
			t.Errorf("run %s: pid %s is not a process of its own", m[1], m[2])
		}
		pids[m[2]] = true
		made = append(made, m[1])
	}
	for _, n := range []string{"train-main", "train-nc160", "replay-main", "replay-trained-nc160"} {
		var rec struct{ Command string }
		b, err := os.ReadFile(filepath.Join(out, "runs", n, "run.json"))
		if err == nil {
			err = json.Unmarshal(b, &rec)
		}
		if err != nil {
			t.Errorf("run %s: record: %v", n, err)
			continue
		}
		// A run finished before the interrupt was made by the first call.
		if slices.Contains(made, n) && !strings.HasSuffix(rec.Command, "--run "+n) {
			t.Errorf("run %s: command %q, want its own process's, ending in --run %s", n, rec.Command, n)
		}
	}
	if !slices.Contains(made, "train-main") || !strings.Contains(second, "[train-main] paper: train-main: finished in") ||
		!strings.Contains(second, "[train-main]   train-main: resumed after phase") {
		t.Errorf("train-main not resumed and finished in a process of its own:\n%s", second)
	}
	if !strings.Contains(stdout.String(), "run(s) made") {
		t.Errorf("stdout %q", stdout.String())
	}
}
