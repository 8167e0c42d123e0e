package sweep

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusRunningHere: a task counts as running when the last attempt its log records
// started in a live process of this host and has not logged its end, whatever the lines an
// experiment logs after its start (a training's phases, a resumed snapshot), as when a task
// runs by hand (`gosnn sweep task DIR INDEX`) beside `gosnn sweep status`.
func TestStatusRunningHere(t *testing.T) {
	host, _ := os.Hostname()
	done := exec.Command(os.Args[0], "-test.run=^$")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	me, gone := os.Getpid(), done.Process.Pid
	line := func(h string, pid int, what string) string {
		return fmt.Sprintf("2026-12-08T00:34:28.349033372Z %s pid %d: %s", h, pid, what)
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  State
	}{
		{"started, nothing since", []string{line(host, me, "start")}, Running},
		{"started, phases logged since", []string{
			line(host, me, "start"),
			line(host, me, "resumed after phase 3 of 121 from /x/y"),
			line(host, me, "phase 4/121 stimulate      123 s  E 1.43 Hz  within 7.24 fwd 4.10 bwd 3.78"),
		}, Running},
		{"in a Slurm job", []string{fmt.Sprintf("2026-12-08T00:34:28Z %s pid %d slurm job 12 restart 0: start", host, me)}, Running},
		{"interrupted", []string{line(host, me, "start"), line(host, me, "phase 1/121 stimulate"), line(host, me, "interrupted after 19.9 s")}, NotRun},
		{"failed", []string{line(host, me, "start"), line(host, me, "failed: snn: numerical blow-up")}, NotRun},
		{"its process is gone", []string{line(host, gone, "start"), line(host, gone, "phase 1/121 stimulate")}, NotRun},
		{"on another host", []string{line(host+"-other", me, "start"), line(host+"-other", me, "phase 1/121")}, NotRun},
		{"an attempt ended, the next runs", []string{
			line(host, gone, "start"), line(host, gone, "interrupted after 2.0 s"),
			line(host, me, "start"), line(host, me, "phase 2/121 record"),
		}, Running},
		{"an older attempt's process lives, the last one's is gone", []string{
			line(host, me, "start"), line(host, gone, "start"), line(host, gone, "phase 1/121"),
		}, NotRun},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Prepare(smallSpec(1), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			task := s.Tasks[1]
			if err := os.MkdirAll(s.TaskDir(task), 0o755); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(tc.lines, "\n") + "\n"
			if err := os.WriteFile(filepath.Join(s.TaskDir(task), attemptsFile), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			st, err := s.Status(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Tasks[1].State; got != tc.want {
				t.Errorf("state %s, want %s; log:\n%s", got, tc.want, text)
			}
			if got := st.Tasks[0].State; got != NotRun {
				t.Errorf("the task without a log: state %s, want %s", got, NotRun)
			}
		})
	}
}
