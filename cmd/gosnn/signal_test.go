//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const envSignalChild = "GOSNN_TEST_SIGNAL_CHILD"

// TestSignalChild is the child of TestTermSavesTraining: it runs the gosnn command given in
// its environment (one argument per line).
func TestSignalChild(t *testing.T) {
	args := os.Getenv(envSignalChild)
	if args == "" {
		return
	}
	a := strings.Split(args, "\n")
	os.Exit(commands[a[0]].run(a[1:]))
}

// TestTermSavesTraining: SIGTERM, what Slurm sends a job it cancels or that runs out of time,
// stops gosnn exp train like an interrupt (before, it killed the process): it says how to
// resume and leaves the state file of the finished phases.
func TestTermSavesTraining(t *testing.T) {
	dir := t.TempDir()
	args := []string{"exp", "train", "--out", dir, "--preset", "reduced", "--clusters", "4", "--cluster-size", "20", "--protocol", "short", "--threads", "1"}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalChild$")
	cmd.Env = append(os.Environ(), envSignalChild+"="+strings.Join(args, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state.json")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(state); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no %s after 2 minutes; stderr:\n%s", state, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil {
		t.Skipf("the training finished before SIGTERM arrived; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted; run the same command again to resume from "+dir) {
		t.Fatalf("after SIGTERM: %v; stderr:\n%s", err, stderr.String())
	}
	if _, err := os.Stat(state); err != nil {
		t.Errorf("state lost: %v", err)
	}
}
