package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPaperCmd(t *testing.T) {
	empty := t.TempDir()
	badSlurm := filepath.Join(t.TempDir(), "slurm.json")
	if err := os.WriteFile(badSlurm, []byte(`{"partitoin": "long"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{"no command", nil, 2, "usage: gosnn paper", ""},
		{"unknown command", []string{"make"}, 2, `unknown command "make"`, ""},
		{"unknown entry", []string{"run", "--out", empty, "--only", "A7,A99"}, 2, `unknown entry "A99"`, ""},
		{"no out", []string{"report"}, 2, "give --out DIR", ""},
		{"bad scale", []string{"run", "--out", empty, "--scale", "huge"}, 2, `scale "huge"`, ""},
		{"list", []string{"list", "--only", "A10"}, 0, "", "replay-nc160"},
		{"list sweeps", []string{"list", "--only", "Fig3"}, 0, "", "sweeps: sizes"},
		{"list options", []string{"list"}, 0, "", `"ee_bounds":[0.888,32.68]`},
		{"bad executor", []string{"run", "--out", empty, "--only", "A1", "--executor", "pbs"}, 2, `--executor "pbs"`, ""},
		{"bad jobs", []string{"run", "--out", empty, "--only", "A1", "--jobs", "0"}, 2, "--jobs 0: must be >= 1", ""},
		{"unknown run", []string{"run", "--out", empty, "--only", "A2", "--run", "train-main"}, 1, `run "train-main" is not one of the entries' runs (train-nc160, replay-trained-nc160)`, ""},
		{"report of nothing", []string{"report", "--out", empty}, 0, "", "1 agree, 0 disagree, 25 not run"},
		{"slurm options without slurm", []string{"run", "--out", empty, "--only", "A1", "--slurm", badSlurm}, 2, "--slurm needs --executor slurm", ""},
		{"unknown slurm option", []string{"run", "--out", empty, "--only", "A1", "--executor", "slurm", "--slurm", badSlurm}, 2, `unknown field "partitoin"`, ""},
		{"missing slurm file", []string{"run", "--out", empty, "--only", "A1", "--executor", "slurm", "--slurm", filepath.Join(empty, "none.json")}, 2, "none.json: no such file", ""},
		{"cancel nothing", []string{"cancel", "--out", empty, "--only", "A7"}, 0, "", "nothing queued or running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := paperCmd(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) || !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("exit %d, stdout %q, stderr %q: want %d, %q, %q", code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
	md, err := os.ReadFile(filepath.Join(empty, "report.md"))
	if err != nil || !strings.Contains(string(md), "gosnn paper run --scale quick --out "+empty+" --only A7") {
		t.Errorf("report.md of an empty directory: %v; want the command that makes A7's runs:\n%s", err, md)
	}
}

// TestPaperRunJobs makes the quick size families with --jobs 2 (two tasks at a time; this
// test binary is not gosnn, so they run in this process) and checks that both sweeps are
// made, every task done, and that a second call skips them.
func TestPaperRunJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("six short trainings (about 10 s)")
	}
	out := t.TempDir()
	args := []string{"run", "--out", out, "--scale", "quick", "--only", "Fig3", "--jobs", "2", "--threads", "1"}
	var stdout, stderr bytes.Buffer
	if code := paperCmd(context.Background(), args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "2 run(s) made") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout.String(), stderr.String())
	}
	for _, name := range []string{"sizes", "sizes-2400"} {
		if !strings.Contains(stderr.String(), "sweep "+name+": 3 of 3 tasks done") {
			t.Errorf("sweep %s not finished: %s", name, stderr.String())
		}
	}
	stdout.Reset()
	stderr.Reset()
	if code := paperCmd(context.Background(), args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "0 run(s) made, 2 finished before") {
		t.Errorf("second call: exit %d, stdout %q", code, stdout.String())
	}
}
