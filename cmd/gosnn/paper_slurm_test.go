//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/slurmtest"
)

// TestPaperSlurm makes the quick runs of A11 (a training, then the replay of its weights) on a
// real single-node Slurm cluster: `gosnn paper run --executor slurm` submits each run as a job
// of its own, the replay after the training (afterok), and returns. A SIGTERM to a job's
// batch shell (what --signal sends before a time limit) stops the training with its snapshot
// and requeues the job, which runs again; `gosnn paper cancel` stops it with nothing
// requeued; a second call resubmits what is left, the training resumes and the replay
// follows; a third call finds both finished.
func TestPaperSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("a Slurm cluster and two short trainings (about a minute)")
	}
	c := slurmtest.Start(t)
	bin := builtGosnn(t)
	out := t.TempDir()
	gosnn := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = c.Env()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	run := []string{"paper", "run", "--scale", "quick", "--out", out, "--only", "A11", "--executor", "slurm", "--threads", "1"}
	submitted := regexp.MustCompile(`paper: ([a-z0-9-]+): submitted as Slurm job (\d+)(?:, after job (\d+))?`)
	jobs := func(stderr string) map[string][2]string {
		m := map[string][2]string{}
		for _, s := range submitted.FindAllStringSubmatch(stderr, -1) {
			m[s[1]] = [2]string{s[2], s[3]}
		}
		return m
	}
	trainDir := filepath.Join(out, "runs", "train-main")
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for !ok() {
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(trainDir, "slurm", "job.log"))
				squeue, _ := c.Run("squeue", "-t", "all")
				t.Fatalf("no %s after 3 minutes\nsqueue:\n%s\ntrain-main's job.log:\n%s\n%s", what, squeue, log, c.LogTails(20))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	exists := func(p string) func() bool {
		return func() bool { _, err := os.Stat(p); return err == nil }
	}

	// Submit; stop the training with SIGTERM to its batch shell once it has saved a phase.
	stdout, stderr, err := gosnn(run...)
	if err != nil || !strings.Contains(stdout, "2 queued on Slurm") {
		t.Fatalf("submit: %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	j := jobs(stderr)
	train, replay := j["train-main"], j["replay-main"]
	if train[0] == "" || train[1] != "" || replay[0] == "" || replay[1] != train[0] {
		t.Fatalf("jobs %v: want train-main's, then replay-main's after it\n%s", j, stderr)
	}
	// The report says where the runs went (before the training has finished).
	if _, _, err := gosnn("paper", "report", "--out", out, "--only", "A11"); err != nil {
		t.Fatal(err)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "report.md")); !strings.Contains(string(md), "submitted as Slurm job "+replay[0]+" at ") {
		t.Errorf("report.md does not say replay-main was submitted as job %s:\n%s", replay[0], md)
	}
	waitFor("snapshot of train-main", exists(filepath.Join(trainDir, "state.json")))
	if _, err := c.Run("scancel", "--batch", "--signal=TERM", train[0]); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(trainDir, "slurm", "job.log")
	requeued := func() bool {
		b, _ := os.ReadFile(log)
		return strings.Contains(string(b), "== requeue (exit status 75)")
	}
	waitFor("requeue of train-main", func() bool { return requeued() || exists(filepath.Join(trainDir, "run.json"))() })
	if !requeued() {
		t.Skip("train-main finished before SIGTERM reached it")
	}
	rerun := func() bool {
		b, _ := os.ReadFile(log)
		return strings.Contains(string(b), "== job "+train[0]+" (restart 1)")
	}
	waitFor("rerun of the requeued job", func() bool { return rerun() || exists(filepath.Join(trainDir, "run.json"))() })

	// Cancel while the requeued job runs: nothing is requeued, the snapshot stays.
	stdout, stderr, err = gosnn("paper", "cancel", "--out", out)
	if err != nil || !strings.Contains(stdout, "cancelled train-main (job "+train[0]+")") {
		t.Fatalf("cancel: %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	time.Sleep(3 * time.Second) // time for a wrongful requeue to show
	if q, _ := c.Run("squeue", "-h", "-j", train[0]+","+replay[0], "-o", "%i %T"); strings.TrimSpace(q) != "" {
		if strings.Contains(q, "PENDING") || strings.Contains(q, "RUNNING") || strings.Contains(q, "REQUEUE") {
			t.Fatalf("after cancel, squeue still lists:\n%s", q)
		}
	}
	if _, err := os.Stat(filepath.Join(trainDir, "state.json")); err != nil {
		t.Fatalf("the snapshot is gone after cancel: %v", err)
	}
	if _, err := os.Stat(filepath.Join(trainDir, "run.json")); err == nil {
		t.Skip("train-main finished before the cancel")
	}

	// Resubmit: the training resumes, the replay follows.
	stdout, stderr, err = gosnn(run...)
	if err != nil || !strings.Contains(stdout, "2 queued on Slurm") {
		t.Fatalf("resubmit: %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	waitFor("record of replay-main", exists(filepath.Join(out, "runs", "replay-main", "run.json")))
	b, _ := os.ReadFile(log)
	if !regexp.MustCompile(`train-main: resumed after phase [1-9]`).Match(b) || strings.Count(string(b), "== requeue") != 1 {
		t.Errorf("train-main's job.log: want one requeue (the SIGTERM, not the cancel) and the last job resumed:\n%s", b)
	}
	t.Logf("train-main's job.log:\n%s", b)
	stdout, _, err = gosnn(run...)
	if err != nil || !strings.Contains(stdout, "0 run(s) made, 2 finished before, 0 not available; now") {
		t.Errorf("third call: %v, stdout %q: want both finished", err, stdout)
	}
}
