package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepCmd runs gosnn sweep run, status and collect in process on a small spec, and
// checks the usage errors.
func TestSweepCmd(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "in.json")
	if err := os.WriteFile(spec, []byte(`{"kind": "spontaneous", "options": {"NI": 20, "Clusters": 4, "DurationMs": 100},
		"params": [{"name": "NE", "values": [80, 160]}], "seeds": {"name": "Seed", "values": [1, 2]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args      []string
		code      int
		stdout    string // substring
		stderr    string // substring
		notStdout string
		notStderr string
	}{
		{args: []string{"run", spec, "-out", out}, code: 0, stdout: "4/4 done"},
		{args: []string{"run", "-out", out, spec, "-watch"}, code: 0, stdout: "4/4 done", stderr: "[#"},
		{args: []string{"status", out}, code: 0, stdout: "4/4 done"},
		{args: []string{"collect", out}, code: 0, stdout: "index,id,state,NE,Seed,RateE"},
		{args: []string{"collect", out, "-json"}, code: 0, stdout: `"RateE"`},
		{args: []string{"run", spec}, code: 2, stderr: "-out DIR is required"},
		{args: []string{"run", spec, "-out", out, "-executor", "pbs"}, code: 2, stderr: "want local or slurm"},
		{args: []string{"status"}, code: 2, stderr: "want 1 argument"},
		{args: []string{"frob"}, code: 2, stderr: "unknown command"},
		{args: []string{"status", dir}, code: 1, stderr: "holds no sweep"},
		{args: []string{"task", out, "x"}, code: 1, stderr: "not an integer"},
		{args: []string{"task", out, "0"}, code: 0},
	} {
		var stdout, stderr bytes.Buffer
		code := sweepCmd(context.Background(), tc.args, &stdout, &stderr, false)
		if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("gosnn sweep %q: exit %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.code, stdout.String(), stderr.String())
		}
	}
	for _, f := range []string{"results.csv", "results.json", "spec.json", "tasks.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
